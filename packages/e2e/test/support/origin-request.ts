/**
 * The request CloudFront sends to an origin, from the viewer's (after the viewer-request
 * function): only what the behaviour's policies forward (./distribution.ts `Forwarding`), minus
 * hop-by-hop fields, plus CloudFront's own `Host` (the origin's domain), `X-Forwarded-For` (the
 * viewer's address appended), `Via`, `X-Amz-Cf-Id`, and `User-Agent: Amazon CloudFront` when the
 * viewer's is not forwarded. The origin sees CloudFront's address as the caller.
 */
import { randomBytes } from "node:crypto";
import type { RawHttpRequest } from "@zonke/lambda-local";
import type { Behaviour } from "./distribution";

/** An address in CloudFront's origin-facing range, as the origin sees its caller. */
export const CLOUDFRONT_ORIGIN_FACING_IP = "130.176.212.20";

/** CloudFront removes these from viewer requests (developer guide, "HTTP request headers"). */
const REMOVED = new Set([
  "connection",
  "expect",
  "host",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
  "x-amz-cf-id",
  "x-forwarded-for",
]);

export function originRequest(request: RawHttpRequest, behaviour: Behaviour): RawHttpRequest {
  const { forwarding } = behaviour;
  const forwarded = request.headers.filter(([name]) => {
    if (name === "cookie") return forwarding.cookies === "all";
    if (REMOVED.has(name)) return false;
    return forwarding.headers === "all-viewer-except-host" || forwarding.headers.includes(name);
  });
  const viewerChain = request.headers.find(([name]) => name === "x-forwarded-for")?.[1];
  const headers: Array<readonly [string, string]> = [
    ["host", behaviour.origin.domainName],
    ...forwarded,
    ["x-forwarded-for", viewerChain ? `${viewerChain}, ${request.sourceIp}` : request.sourceIp],
    ["via", `2.0 ${randomBytes(16).toString("hex")}.cloudfront.net (CloudFront)`],
    ["x-amz-cf-id", randomBytes(42).toString("base64url").slice(0, 56)],
  ];
  if (!forwarded.some(([name]) => name === "user-agent")) {
    headers.push(["user-agent", "Amazon CloudFront"]);
  }
  const query = forwarding.queryStrings;
  return {
    method: request.method,
    rawPath: behaviour.origin.originPath + request.rawPath,
    rawQueryString:
      query === "all"
        ? request.rawQueryString
        : request.rawQueryString
            .split("&")
            .filter((pair) => query.includes(pair.split("=")[0]!))
            .join("&"),
    headers,
    body: request.body,
    sourceIp: CLOUDFRONT_ORIGIN_FACING_IP,
  };
}
