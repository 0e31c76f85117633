/**
 * Runs a Lambda@Edge origin-request function on the request CloudFront is about to send, as
 * CloudFront does (developer guide, "Lambda@Edge event structure"): headers as
 * `{ name: [{ key, value }] }`, the query string raw, and with include_body the body base64,
 * truncated to the 1 MB CloudFront exposes (`inputTruncated`). The function returns the request
 * (its headers, uri, query string, and a body only with `action: "replace"`) or a response that
 * CloudFront sends instead; a failed function is CloudFront's 503.
 */
import { randomUUID } from "node:crypto";
import type { HttpAnswer, InvokeResult, RawHttpRequest } from "@zonke/lambda-local";
import type { Origin } from "./distribution";
import { cloudFrontAnswer } from "./cloudfront-answer";

export const MAX_EXPOSED_BODY_BYTES = 1024 * 1024;

type EdgeHeaders = Record<string, Array<{ key?: string; value: string }>>;

interface EdgeRequest {
  clientIp: string;
  method: string;
  uri: string;
  querystring: string;
  headers: EdgeHeaders;
  origin: unknown;
  body?: { action: string; data: string; encoding: "base64" | "text"; inputTruncated: boolean };
}

interface EdgeResponse {
  status: string;
  statusDescription?: string;
  headers?: EdgeHeaders;
  body?: string;
  bodyEncoding?: "text" | "base64";
}

export type OriginRequestResult =
  { readonly request: RawHttpRequest } | { readonly response: HttpAnswer };

export async function runOriginRequestFunction(
  fn: { invoke(event: unknown): Promise<InvokeResult> },
  request: RawHttpRequest,
  viewerIp: string,
  origin: Origin,
  includeBody: boolean,
): Promise<OriginRequestResult> {
  const headers: EdgeHeaders = {};
  for (const [name, value] of request.headers) {
    (headers[name] ??= []).push({ key: canonicalCase(name), value });
  }
  const edgeRequest: EdgeRequest = {
    clientIp: viewerIp,
    method: request.method,
    uri: request.rawPath,
    querystring: request.rawQueryString,
    headers,
    origin: {
      custom: {
        customHeaders: {},
        domainName: origin.domainName,
        keepaliveTimeout: 5,
        path: origin.originPath,
        port: 443,
        protocol: "https",
        readTimeout: 30,
        sslProtocols: ["TLSv1.2"],
      },
    },
  };
  if (includeBody) {
    edgeRequest.body = {
      action: "read-only",
      data: request.body.subarray(0, MAX_EXPOSED_BODY_BYTES).toString("base64"),
      encoding: "base64",
      inputTruncated: request.body.length > MAX_EXPOSED_BODY_BYTES,
    };
  }
  const result = await fn.invoke({
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "E2ELOCALEDGE",
            eventType: "origin-request",
            requestId: randomUUID(),
          },
          request: edgeRequest,
        },
      },
    ],
  });
  if (result.type !== "buffered" || typeof result.result !== "object" || result.result === null) {
    return {
      response: cloudFrontAnswer(
        503,
        "The Lambda function associated with the CloudFront distribution failed.",
      ),
    };
  }
  const returned = result.result as EdgeRequest | EdgeResponse;
  if ("status" in returned) return { response: edgeResponse(returned) };
  return {
    request: {
      ...request,
      rawPath: returned.uri,
      rawQueryString: returned.querystring,
      headers: Object.entries(returned.headers).flatMap(([name, values]) =>
        values.map((v): [string, string] => [name, v.value]),
      ),
      body:
        returned.body?.action === "replace"
          ? Buffer.from(returned.body.data, returned.body.encoding === "base64" ? "base64" : "utf8")
          : request.body,
    },
  };
}

function edgeResponse(response: EdgeResponse): HttpAnswer {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    if (name === "set-cookie") cookies.push(...values.map((v) => v.value));
    else headers[name] = values.map((v) => v.value).join(", ");
  }
  const body = Buffer.from(
    response.body ?? "",
    response.bodyEncoding === "base64" ? "base64" : "utf8",
  );
  return {
    statusCode: Number(response.status),
    headers,
    cookies,
    body,
    text: body.toString("utf8"),
  };
}

/** `x-amz-content-sha256` -> `X-Amz-Content-Sha256`, as CloudFront presents keys. */
function canonicalCase(name: string): string {
  return name.replace(
    /(^|-)([a-z])/g,
    (_, dash: string, letter: string) => dash + letter.toUpperCase(),
  );
}
