/**
 * From the response's header lines to Lambda's `{ statusCode, headers, cookies }` (the buffered
 * result and the streaming prelude have the same shape):
 *
 * - every `Set-Cookie` line is its own entry in `cookies`, never comma-joined (cookie values and
 *   `Expires` dates contain commas);
 * - repeated fields that are lists are joined with ", " (RFC 9110, 5.3); for fields that can only
 *   appear once the first line wins, as Node's HTTP client does;
 * - hop-by-hop fields (and any named by `Connection`) and `Content-Length` are dropped: Lambda
 *   frames the body itself, and the body it sends may be base64-decoded or streamed.
 *
 * Names are lower-cased.
 */
import type { ResponseHeadLines } from "./response-parser";

export interface LambdaResponseHead {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
}

const DROPPED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "content-length",
]);

/** The fields Node's IncomingMessage keeps once (message.headers docs). */
const SINGLE = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

export function lambdaResponseHead(head: ResponseHeadLines): LambdaResponseHead {
  const names = head.headers.map(([name]) => name.toLowerCase());
  const connectionOptions = new Set<string>();
  names.forEach((name, index) => {
    if (name !== "connection") return;
    for (const option of head.headers[index]![1].split(",")) {
      connectionOptions.add(option.trim().toLowerCase());
    }
  });
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const value = head.headers[index]![1];
    if (DROPPED.has(name) || connectionOptions.has(name)) continue;
    if (name === "set-cookie") cookies.push(value);
    else if (!(name in headers)) headers[name] = value;
    else if (!SINGLE.has(name)) headers[name] = `${headers[name]}, ${value}`;
  }
  return { statusCode: head.statusCode, headers, cookies };
}
