/**
 * A Lambda Function URL with `AWS_IAM` auth behind CloudFront's Origin Access Control, as the
 * NextServer and ImageOptimizer constructs deploy it. OAC signs every request with SigV4, but
 * Lambda does not take unsigned payloads: a request with a body must carry `x-amz-content-sha256`
 * with the SHA-256 of exactly that body (which the edge signer adds), or the URL answers 403
 * before the function runs. Otherwise the request becomes a Function URL event for the function,
 * and the exchange is recorded.
 */
import { createHash } from "node:crypto";
import {
  functionUrlEvent,
  headerValue,
  type FunctionUrlEvent,
  type HttpAnswer,
  type RawHttpRequest,
} from "@zonke/lambda-local";

export interface FunctionUrlExchange {
  readonly event: FunctionUrlEvent;
  readonly answer: HttpAnswer;
}

export interface FunctionUrlOrigin {
  readonly domainName: string;
  readonly exchanges: FunctionUrlExchange[];
  handle(request: RawHttpRequest): Promise<HttpAnswer>;
}

const SIGNATURE_MISMATCH =
  '{"Message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}';

export function functionUrlOrigin(
  domainName: string,
  target: { http(event: FunctionUrlEvent): Promise<HttpAnswer> },
): FunctionUrlOrigin {
  const exchanges: FunctionUrlExchange[] = [];
  return {
    domainName,
    exchanges,
    async handle(request) {
      if (!payloadHashMatches(request)) {
        const body = Buffer.from(SIGNATURE_MISMATCH, "utf8");
        return {
          statusCode: 403,
          headers: {
            "content-type": "application/json",
            "x-amzn-errortype": "InvalidSignatureException",
          },
          cookies: [],
          body,
          text: SIGNATURE_MISMATCH,
        };
      }
      const event = functionUrlEvent(request, { domainName });
      const answer = await target.http(event);
      exchanges.push({ event, answer });
      return answer;
    },
  };
}

/** Bodyless GET/HEAD/OPTIONS are signed without the header; anything else needs the exact hash. */
function payloadHashMatches(request: RawHttpRequest): boolean {
  const declared = headerValue(request, "x-amz-content-sha256");
  if (declared === undefined) {
    return request.body.length === 0 && ["GET", "HEAD", "OPTIONS"].includes(request.method);
  }
  return declared === createHash("sha256").update(request.body).digest("hex");
}
