import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontRequestEvent } from "aws-lambda";

export interface RequestOptions {
  readonly method?: string;
  /** The body as CloudFront exposes it with include_body; `null` for an event without one. */
  readonly body?: Partial<NonNullable<CloudFrontRequest["body"]>> | null;
  readonly headers?: CloudFrontHeaders;
}

/** An origin-request event for the Next.js server's Function URL, as CloudFront sends it. */
export function originRequestEvent(options: RequestOptions = {}): CloudFrontRequestEvent {
  const request: CloudFrontRequest = {
    clientIp: "203.0.113.178",
    method: options.method ?? "POST",
    uri: "/form",
    querystring: "token=query-secret",
    headers: {
      host: [{ key: "Host", value: "abcdefghijklmnop.lambda-url.eu-west-1.on.aws" }],
      "content-type": [{ key: "Content-Type", value: "application/x-www-form-urlencoded" }],
      "x-forwarded-host": [{ key: "X-Forwarded-Host", value: "shop.example.com" }],
      ...options.headers,
    },
    origin: {
      custom: {
        customHeaders: {},
        domainName: "abcdefghijklmnop.lambda-url.eu-west-1.on.aws",
        keepaliveTimeout: 5,
        path: "",
        port: 443,
        protocol: "https",
        readTimeout: 30,
        sslProtocols: ["TLSv1.2"],
      },
    },
  };
  if (options.body !== null) {
    request.body = {
      action: "read-only",
      data: "",
      encoding: "base64",
      inputTruncated: false,
      ...options.body,
    };
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: "d111111abcdef8.cloudfront.net",
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: "origin-request",
            requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
          },
          request,
        },
      },
    ],
  };
}

export const base64Body = (bytes: Uint8Array) => ({
  data: Buffer.from(bytes).toString("base64"),
  encoding: "base64" as const,
});
