/**
 * Applies a response headers policy to an answer, as CloudFront does on every response of the
 * behaviour: an `override` header replaces the origin's value, any other is added only when the
 * origin sent none.
 */
import type { HttpAnswer } from "@zonke/lambda-local";
import type { ResponseHeader } from "./distribution";

export function withResponseHeaders(
  answer: HttpAnswer,
  policy: readonly ResponseHeader[],
): HttpAnswer {
  const headers = { ...answer.headers };
  for (const { name, value, override } of policy) {
    const existing = Object.keys(headers).find((key) => key.toLowerCase() === name);
    if (existing !== undefined && !override) continue;
    if (existing !== undefined) delete headers[existing];
    headers[name] = value;
  }
  return { ...answer, headers };
}
