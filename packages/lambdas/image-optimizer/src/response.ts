import { errorHeaders, type Headers } from "./headers";
import type { HttpError } from "./http-error";

/** A Function URL (payload 2.0) response; bodies are always base64. */
export interface FunctionUrlResponse {
  readonly statusCode: number;
  readonly headers: Headers;
  readonly body: string;
  readonly isBase64Encoded: true;
}

/** Lambda refuses a buffered (RequestResponse) response payload above 6 MB. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
/** Room kept for the JSON envelope and headers around the body. */
const ENVELOPE_RESERVE_BYTES = 16 * 1024;
/**
 * The largest raw body whose base64 form (4 bytes per 3) still fits: about 4.49 MiB. Larger
 * results are re-encoded once, then refused with 413 (transform.ts), so the viewer gets a clear
 * answer instead of Lambda's opaque 502.
 */
export const MAX_RESPONSE_BODY_BYTES =
  Math.floor((LAMBDA_RESPONSE_LIMIT_BYTES - ENVELOPE_RESERVE_BYTES) / 4) * 3;

export function respond(statusCode: number, headers: Headers, body?: Buffer): FunctionUrlResponse {
  return {
    statusCode,
    headers,
    body: body ? body.toString("base64") : "",
    isBase64Encoded: true,
  };
}

/** A plain-text error; HEAD gets the same status and headers without the text. */
export function errorResponse(error: HttpError, head: boolean): FunctionUrlResponse {
  const headers: Headers = errorHeaders();
  if (error.status === 405) headers["allow"] = "GET, HEAD";
  return respond(error.status, headers, head ? undefined : Buffer.from(`${error.message}\n`));
}
