import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { EMPTY_SHA256, sha256OfBody } from "./content-hash";
import { bodyNotIncluded, bodyTooLarge } from "./responses";

export const CONTENT_SHA256 = "x-amz-content-sha256";

/** Methods whose requests carry no body: SigV4 signs them without a payload hash header. */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Makes an origin request signable by CloudFront's Origin Access Control for a Lambda Function
 * URL: Function URLs refuse unsigned payloads, so a request that may carry a body gets
 * `x-amz-content-sha256` = hex SHA-256 of its body (the empty body's hash when there is none),
 * which OAC then signs. Bodies CloudFront truncated (over 1 MB) cannot be hashed: 413.
 */
export function signableRequest(
  request: CloudFrontRequest,
): CloudFrontRequest | CloudFrontResultResponse {
  const { body } = request;
  if (body?.inputTruncated) {
    logRefusal("body over the 1 MB CloudFront exposes to the function: answered 413", request);
    return bodyTooLarge();
  }
  if (body && body.data !== "") {
    setContentSha256(request, sha256OfBody(body));
  } else if (!BODYLESS_METHODS.has(request.method)) {
    if (!body) {
      logRefusal("no body in the event: the trigger needs include_body; answered 500", request);
      return bodyNotIncluded();
    }
    setContentSha256(request, EMPTY_SHA256);
  }
  return request;
}

/** Replaces any viewer-sent value: only the hash of the bytes CloudFront forwards can be signed. */
function setContentSha256(request: CloudFrontRequest, hex: string): void {
  request.headers[CONTENT_SHA256] = [{ key: CONTENT_SHA256, value: hex }];
}

/** Method and path only: never the body, the query string or headers (they may carry secrets). */
function logRefusal(message: string, request: CloudFrontRequest): void {
  console.log(JSON.stringify({ level: "warn", message, method: request.method, uri: request.uri }));
}
