/**
 * A local S3 endpoint serving GetObject from the assets bucket, for the real SDK v3 client inside
 * the image optimiser (`new S3Client({})`, pointed here by `AWS_ENDPOINT_URL_S3`). An endpoint
 * that is an IP address makes the SDK address buckets path-style (`/<bucket>/<key>`) on its own,
 * so the function runs unchanged. Requests must be SigV4-signed for S3 in the bucket's region, as
 * the real endpoint requires; each request is recorded.
 */
import {
  headerValue,
  listenLocal,
  readRawHttpRequest,
  writeHttpAnswer,
  type HttpAnswer,
  type LocalServer,
  type RawHttpRequest,
} from "@zonke/lambda-local";
import type { AssetsBucket } from "./assets-bucket";
import { getObjectAnswer, s3Error } from "./s3-get-object";

export interface S3Request {
  readonly method: string;
  readonly key: string;
  readonly signed: boolean;
}

export interface LocalS3 extends LocalServer {
  readonly requests: S3Request[];
}

export async function startLocalS3(bucket: AssetsBucket, region: string): Promise<LocalS3> {
  const requests: S3Request[] = [];
  const signature = new RegExp(
    `^AWS4-HMAC-SHA256 Credential=\\w+/\\d{8}/${region}/s3/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`,
  );
  const server = await listenLocal(async (req, res) => {
    const request = await readRawHttpRequest(req);
    writeHttpAnswer(res, answer(request), request.method);
  });

  function answer(request: RawHttpRequest): HttpAnswer {
    const [, bucketName = "", ...keyParts] = request.rawPath.split("/");
    let key: string;
    try {
      key = decodeURIComponent(keyParts.join("/"));
    } catch {
      return s3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
    }
    const signed = signature.test(headerValue(request, "authorization") ?? "");
    requests.push({ method: request.method, key, signed });
    if (!signed) {
      return s3Error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.",
      );
    }
    if (bucketName !== bucket.name) {
      return s3Error(404, "NoSuchBucket", "The specified bucket does not exist");
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return s3Error(
        405,
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
      );
    }
    return getObjectAnswer(bucket, key, headerValue(request, "if-none-match"));
  }

  return { ...server, requests };
}
