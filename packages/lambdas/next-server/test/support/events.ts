/**
 * Lambda Function URL events in the documented payload 2.0 shape (Lambda developer guide,
 * "Invoking Lambda function URLs", request payload): lower-case headers, cookies apart, the query
 * string raw, the body base64 when binary. Headers the Function URL front end adds are included.
 */
import { randomUUID } from "node:crypto";

export const FUNCTION_URL_HOST = "abcdefghijklmnopqrstuvwxyz123456.lambda-url.eu-west-1.on.aws";
export const CLOUDFRONT_IP = "130.176.212.20";

export interface EventOptions {
  readonly method?: string;
  readonly path?: string;
  /** The raw query string, without `?`. */
  readonly query?: string;
  readonly headers?: Record<string, string>;
  readonly cookies?: string[];
  /** A string is sent as is; bytes are sent base64 with isBase64Encoded. */
  readonly body?: string | Uint8Array;
  readonly sourceIp?: string;
}

export function functionUrlEvent(options: EventOptions = {}): Record<string, unknown> {
  const method = options.method ?? "GET";
  const path = options.path ?? "/";
  const sourceIp = options.sourceIp ?? CLOUDFRONT_IP;
  const now = new Date();
  const event: Record<string, unknown> = {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: {
      host: FUNCTION_URL_HOST,
      "user-agent": "Amazon CloudFront",
      accept: "*/*",
      "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)}`,
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      "x-forwarded-for": sourceIp,
      ...options.headers,
    },
    requestContext: {
      accountId: "anonymous",
      apiId: FUNCTION_URL_HOST.split(".")[0],
      domainName: FUNCTION_URL_HOST,
      domainPrefix: FUNCTION_URL_HOST.split(".")[0],
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp,
        userAgent: "Amazon CloudFront",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (options.cookies) event["cookies"] = options.cookies;
  if (options.query) {
    const parameters: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(options.query)) {
      parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
    }
    event["queryStringParameters"] = parameters;
  }
  if (typeof options.body === "string") {
    event["body"] = options.body;
  } else if (options.body) {
    event["body"] = Buffer.from(options.body).toString("base64");
    event["isBase64Encoded"] = true;
  }
  return event;
}

/** What the CloudFront viewer-request function adds for a viewer that asked for `host`. */
export function fromEdge(host: string): Record<string, string> {
  return { "x-forwarded-host": host, "x-zonke-edge": "1" };
}
