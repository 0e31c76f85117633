import { createHash } from "node:crypto";
import type { CloudFrontRequest } from "aws-lambda";

/** SHA-256 of no bytes: the payload hash of a request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export type RequestBody = NonNullable<CloudFrontRequest["body"]>;

/** Hex SHA-256 of the body's bytes, as SigV4's x-amz-content-sha256 expects. */
export function sha256OfBody(body: RequestBody): string {
  return createHash("sha256").update(bodyBytes(body)).digest("hex");
}

/** CloudFront hands the body base64-encoded; "text" appears only after a function replaced it. */
function bodyBytes(body: RequestBody): Buffer {
  if (body.encoding === "base64") return Buffer.from(body.data, "base64");
  if (body.encoding === "text") return Buffer.from(body.data, "utf8");
  throw new Error(`unknown body encoding ${JSON.stringify(body.encoding)}`);
}
