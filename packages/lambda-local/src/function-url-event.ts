/**
 * The event a Lambda Function URL sends for an HTTP request: payload format 2.0 as documented
 * (Lambda developer guide, "Invoking Lambda function URLs", request payload):
 *
 * - `rawPath` and `rawQueryString` exactly as received; `queryStringParameters` decoded, repeated
 *   keys joined with `,`; absent without a query.
 * - Header names lower-cased; repeated fields joined with `,`. `Cookie` fields become the
 *   `cookies` array (one entry per cookie) and leave `headers`.
 * - What the Function URL front end adds: `x-forwarded-proto: https`, `x-forwarded-port: 443`,
 *   `x-forwarded-for` ending with the caller's address (appended to a chain that came with the
 *   request), `x-amzn-trace-id`, and `host` = the Function URL's domain when one is given.
 * - The body base64-encoded (`isBase64Encoded: true`); no `body` when the request had none.
 */
import { randomUUID } from "node:crypto";
import type { RawHttpRequest } from "./raw-http-request";

export interface FunctionUrlEvent {
  version: "2.0";
  routeKey: "$default";
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: {
      method: string;
      path: string;
      protocol: string;
      sourceIp: string;
      userAgent: string;
    };
    requestId: string;
    routeKey: "$default";
    stage: "$default";
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlEventOptions {
  /**
   * The Function URL's domain (`<id>.lambda-url.<region>.on.aws`): becomes `host`, as no request
   * reaches a Function URL by another name.
   * @default - the request's own `host`
   */
  readonly domainName?: string;
  /** @default - now */
  readonly now?: Date;
}

export function functionUrlEvent(
  request: RawHttpRequest,
  options: FunctionUrlEventOptions = {},
): FunctionUrlEvent {
  const now = options.now ?? new Date();
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of request.headers) {
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter((c) => c !== ""),
      );
    } else {
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
  }
  const domainName = options.domainName ?? headers["host"] ?? "localhost";
  const forwardedFor = headers["x-forwarded-for"];
  Object.assign(headers, {
    host: domainName,
    "x-forwarded-proto": "https",
    "x-forwarded-port": "443",
    "x-forwarded-for": forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp,
    "x-amzn-trace-id": traceId(now),
  });
  const domainPrefix = domainName.split(".")[0] ?? domainName;
  const event: FunctionUrlEvent = {
    version: "2.0",
    routeKey: "$default",
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    headers,
    requestContext: {
      accountId: "anonymous",
      apiId: domainPrefix,
      domainName,
      domainPrefix,
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (request.rawQueryString !== "") {
    event.queryStringParameters = queryStringParameters(request.rawQueryString);
  }
  if (request.body.length > 0) {
    event.body = request.body.toString("base64");
    event.isBase64Encoded = true;
  }
  return event;
}

function queryStringParameters(rawQueryString: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    parameters[key] = key in parameters ? `${parameters[key]},${value}` : value;
  }
  return parameters;
}

/** `Root=1-<epoch seconds, hex>-<24 hex digits>`, the X-Ray trace header format. */
function traceId(now: Date): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(16);
  return `Root=1-${seconds}-${randomUUID().replace(/-/g, "").slice(0, 24)}`;
}
