/**
 * Reads an invocation's result the way a Lambda Function URL turns it into an HTTP response
 * (Lambda developer guide, "Invoking Lambda function URLs", response payload):
 *
 * - Streaming (`RESPONSE_STREAM`): with the HTTP integration content type, the prelude's JSON up
 *   to 8 NUL bytes gives status, headers and cookies, and the rest is the body; a stream of any
 *   other content type is a 200 with that type and the bytes as they are.
 * - Buffered (`BUFFERED`): a result with `statusCode` is read as the v2 result (`body`,
 *   `isBase64Encoded`, `headers`, `cookies`); any other JSON value is a 200 `application/json`
 *   whose body is that JSON.
 * - A function error is a 502, as the Function URL answers it (the error itself is kept in
 *   `functionError` for the test or the log, never sent to a client).
 */
import { HTTP_INTEGRATION_CONTENT_TYPE, PRELUDE_DELIMITER } from "./awslambda-stand-in";
import type { InvokeResult } from "./invoke-result";

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /** Each one becomes its own `Set-Cookie` field. */
  readonly cookies: string[];
  readonly body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
  /** Buffered mode only: whether Lambda's JSON carried the body as base64. */
  readonly isBase64Encoded?: boolean;
  /** Set when the invocation failed (the answer is then a 502). */
  readonly functionError?: { readonly errorType: string; readonly errorMessage: string };
}

export interface HttpIntegrationResponse {
  readonly prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
  readonly body: Buffer;
}

/** The prelude up to the 8 NUL bytes, then the body; throws when there is no delimiter. */
export function readHttpIntegrationResponse(bytes: Buffer): HttpIntegrationResponse {
  const end = bytes.indexOf(PRELUDE_DELIMITER);
  if (end < 0) throw new Error("no prelude delimiter (8 NUL bytes) in the streamed response");
  return {
    prelude: JSON.parse(bytes.subarray(0, end).toString("utf8")),
    body: bytes.subarray(end + PRELUDE_DELIMITER.length),
  };
}

export function functionUrlAnswer(result: InvokeResult): HttpAnswer {
  if (result.type === "stream") return streamedAnswer(result.contentType, result.payload);
  if (result.type === "buffered") return bufferedAnswer(result.result);
  return {
    ...answer(
      502,
      { "content-type": "application/json" },
      [],
      '{"Message":"Internal Server Error"}',
    ),
    functionError: { errorType: result.errorType, errorMessage: result.errorMessage },
  };
}

function streamedAnswer(contentType: string, payload: Buffer): HttpAnswer {
  if (contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
    return answer(200, { "content-type": contentType }, [], payload);
  }
  const { prelude, body } = readHttpIntegrationResponse(payload);
  return answer(prelude.statusCode ?? 200, prelude.headers ?? {}, prelude.cookies ?? [], body);
}

interface StructuredResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

function bufferedAnswer(result: unknown): HttpAnswer {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    return answer(200, { "content-type": "application/json" }, [], JSON.stringify(result));
  }
  const structured = result as StructuredResult;
  const body = Buffer.from(structured.body ?? "", structured.isBase64Encoded ? "base64" : "utf8");
  return {
    ...answer(structured.statusCode, structured.headers ?? {}, structured.cookies ?? [], body),
    isBase64Encoded: structured.isBase64Encoded ?? false,
  };
}

function answer(
  statusCode: number,
  headers: Record<string, string>,
  cookies: string[],
  body: Buffer | string,
): HttpAnswer {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return { statusCode, headers, cookies, body: bytes, text: bytes.toString("utf8") };
}
