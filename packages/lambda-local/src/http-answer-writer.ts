/**
 * Writes an `HttpAnswer` to a Node response the way a Function URL sends it: the status, each
 * header once, each cookie as its own `Set-Cookie` field (never comma-joined: a cookie's
 * `Expires` holds a comma), and the body, framed by its length. Hop-by-hop fields from the
 * function are dropped; a HEAD answer has no body.
 */
import type { ServerResponse } from "node:http";
import type { HttpAnswer } from "./function-url-answer";

const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

export function writeHttpAnswer(res: ServerResponse, answer: HttpAnswer, method: string): void {
  res.statusCode = answer.statusCode;
  for (const [name, value] of Object.entries(answer.headers)) {
    if (!NOT_FORWARDED.has(name.toLowerCase())) res.setHeader(name, value);
  }
  if (answer.cookies.length > 0) {
    const existing = res.getHeader("set-cookie");
    const fromHeaders = existing === undefined ? [] : [existing].flat().map(String);
    res.setHeader("set-cookie", [...fromHeaders, ...answer.cookies]);
  }
  const bodyless = method === "HEAD" || answer.statusCode === 204 || answer.statusCode === 304;
  if (!bodyless) res.setHeader("content-length", answer.body.length);
  res.end(bodyless ? undefined : answer.body);
}
