/**
 * Reads a Lambda Function URL (or API Gateway HTTP API) payload 2.0 event into what the Node
 * request needs, refusing anything malformed with a `BadRequestError` whose message is safe to
 * send back: it describes the problem, never echoes the event.
 */
import { requestTarget } from "./request-target";

/** An HTTP request as the adapter hands it to Next.js, before header policy is applied. */
export interface EventRequest {
  readonly method: string;
  /** Path and query for the request line, e.g. `/echo?a=1&a=2`. */
  readonly target: string;
  /** Header names lower-cased; the event's own values (repeats already comma-joined by Lambda). */
  readonly headers: Readonly<Record<string, string>>;
  /** The event's `cookies`, each `name=value`. */
  readonly cookies: readonly string[];
  /** Undefined when the event has no body. */
  readonly body: Buffer | undefined;
  /** The TCP peer seen by Lambda (CloudFront, when behind it). */
  readonly sourceIp: string | undefined;
  /** The Function URL's (or API's) own host name. */
  readonly domainName: string | undefined;
}

export class BadRequestError extends Error {
  override readonly name = "BadRequestError";
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Node accepts in a header value (no CR, LF or other controls but tab). */
const FIELD_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function readEvent(event: unknown): EventRequest {
  if (!isRecord(event)) {
    throw new BadRequestError(`the event is ${describe(event)}, not an object`);
  }
  if (event["version"] !== "2.0") {
    throw new BadRequestError(
      `the event is not a payload 2.0 event (version ${JSON.stringify(event["version"] ?? null)}); this function takes Lambda Function URL or HTTP API (2.0) events`,
    );
  }
  const context = event["requestContext"];
  const http = isRecord(context) ? context["http"] : undefined;
  if (!isRecord(context) || !isRecord(http)) {
    throw new BadRequestError("the event has no requestContext.http");
  }
  const method = http["method"];
  if (typeof method !== "string" || !TOKEN.test(method)) {
    throw new BadRequestError("requestContext.http.method is missing or not an HTTP method");
  }
  const rawPath = event["rawPath"];
  if (typeof rawPath !== "string" || !rawPath.startsWith("/")) {
    throw new BadRequestError("rawPath is missing or does not start with /");
  }
  const rawQueryString = optionalString(event, "rawQueryString") ?? "";
  const sourceIp = http["sourceIp"];
  const domainName = context["domainName"];
  return {
    method,
    target: requestTarget(rawPath, rawQueryString),
    headers: readHeaders(event["headers"]),
    cookies: readCookies(event["cookies"]),
    body: readBody(event),
    sourceIp: typeof sourceIp === "string" && sourceIp !== "" ? sourceIp : undefined,
    domainName: typeof domainName === "string" && domainName !== "" ? domainName : undefined,
  };
}

function readHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new BadRequestError("headers is not an object");
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (!TOKEN.test(name)) throw new BadRequestError("a header name is not a valid HTTP token");
    if (typeof headerValue !== "string" || !FIELD_VALUE.test(headerValue)) {
      throw new BadRequestError(`header ${name.toLowerCase()} has a value that is not valid`);
    }
    const key = name.toLowerCase();
    // Lambda lower-cases names already; two spellings of one name are one list.
    headers[key] = key in headers ? `${headers[key]}, ${headerValue}` : headerValue;
  }
  return headers;
}

function readCookies(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequestError("cookies is not an array");
  for (const cookie of value) {
    if (typeof cookie !== "string" || !FIELD_VALUE.test(cookie)) {
      throw new BadRequestError("cookies holds a value that is not a valid cookie");
    }
  }
  return value as string[];
}

function readBody(event: Record<string, unknown>): Buffer | undefined {
  const body = event["body"];
  const isBase64Encoded = event["isBase64Encoded"] ?? false;
  if (typeof isBase64Encoded !== "boolean") {
    throw new BadRequestError("isBase64Encoded is not a boolean");
  }
  if (body === undefined || body === null) return undefined;
  if (typeof body !== "string") throw new BadRequestError("body is not a string");
  if (!isBase64Encoded) return Buffer.from(body, "utf8");
  // Buffer.from skips what is not base64; a corrupted body must not reach the app as other bytes.
  if (!BASE64.test(body)) {
    throw new BadRequestError("body is marked isBase64Encoded but is not valid base64");
  }
  return Buffer.from(body, "base64");
}

function optionalString(event: Record<string, unknown>, key: string): string | undefined {
  const value = event[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new BadRequestError(`${key} is not a string`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
