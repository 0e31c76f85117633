/**
 * S3's answer to GetObject (and HEAD) on the assets bucket, for a caller that may only
 * `s3:GetObject` under the assets prefix (CloudFront's OAC, the image optimiser's role): a
 * missing key is 403 AccessDenied, not 404, because the caller cannot list the bucket.
 * `If-None-Match` with the object's ETag gives 304.
 */
import { randomBytes } from "node:crypto";
import type { HttpAnswer } from "@zonke/lambda-local";
import type { AssetsBucket } from "./assets-bucket";

export function getObjectAnswer(
  bucket: AssetsBucket,
  key: string,
  ifNoneMatch: string | undefined,
): HttpAnswer {
  const object = bucket.get(key);
  if (!object) return s3Error(403, "AccessDenied", "Access Denied");
  const headers = {
    "content-type": object.contentType,
    "cache-control": object.cacheControl,
    etag: object.etag,
    "last-modified": object.lastModified.toUTCString(),
    "accept-ranges": "bytes",
    ...requestIds(),
  };
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(object.etag)) {
    return { statusCode: 304, headers, cookies: [], body: Buffer.alloc(0), text: "" };
  }
  return { statusCode: 200, headers, cookies: [], body: object.body, text: object.body.toString() };
}

export function s3Error(statusCode: number, code: string, message: string): HttpAnswer {
  const ids = requestIds();
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${ids["x-amz-request-id"]}</RequestId><HostId>${ids["x-amz-id-2"]}</HostId></Error>`;
  return {
    statusCode,
    headers: { "content-type": "application/xml", ...ids },
    cookies: [],
    body: Buffer.from(text, "utf8"),
    text,
  };
}

function requestIds() {
  return {
    "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
    "x-amz-id-2": randomBytes(48).toString("base64"),
  };
}
