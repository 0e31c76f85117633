/**
 * The header policy between the viewer and Next.js:
 *
 * - Next.js's internal headers are removed whatever their case (`x-middleware-*`, including
 *   `x-middleware-subrequest` of CVE-2025-29927, `x-nextjs-*`, `x-next-*`, `x-invoke-*`,
 *   `x-matched-path`, `x-now-route-matches`, `next-resume`): only Next.js may set them, and a
 *   viewer that does can skip the proxy or poison caches. `x-zonke-*` is ours and is removed too.
 * - `x-forwarded-host` is trusted only with `x-zonke-edge: 1`, which the CloudFront
 *   viewer-request function sets after overwriting `x-forwarded-host` with the viewer's host (and
 *   dropping any `x-zonke-*` the viewer sent). Then `host` becomes that host too, so everything in
 *   Next.js (Server Action origin checks, i18n domains, `headers()`) sees the viewer's host.
 *   Without the mark `x-forwarded-host` is dropped and `host` stays the Function URL's own.
 * - `x-forwarded-proto: https` and `x-forwarded-port: 443` (Function URLs are HTTPS only).
 *   `x-forwarded-for` ends with the TCP peer (`sourceIp`); with the edge mark the chain CloudFront
 *   built is kept before it, without the mark it is replaced (a viewer could have written it).
 * - The event's `cookies` become one `cookie` header; `content-length` is the body's real length;
 *   hop-by-hop headers go (the body is complete and nothing can be upgraded).
 */
import type { EventRequest } from "./event";

export const EDGE_MARK_HEADER = "x-zonke-edge";

const INTERNAL_PREFIXES = /^(x-middleware-|x-nextjs-|x-next-|x-invoke-|x-zonke-)/;
const INTERNAL_NAMES = new Set(["x-matched-path", "x-now-route-matches", "next-resume"]);
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

/** Whether a request header may only come from Next.js itself (names are lower-case). */
export function isInternalHeader(name: string): boolean {
  return INTERNAL_PREFIXES.test(name) || INTERNAL_NAMES.has(name);
}

export function requestHeaders(request: EventRequest): Record<string, string> {
  const incoming = request.headers;
  const fromEdge = incoming[EDGE_MARK_HEADER] === "1";
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (isInternalHeader(name) || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }

  const forwardedHost = headers["x-forwarded-host"]?.trim();
  if (fromEdge && forwardedHost) {
    headers["x-forwarded-host"] = forwardedHost;
    headers["host"] = forwardedHost;
  } else {
    delete headers["x-forwarded-host"];
    if (!headers["host"] && request.domainName) headers["host"] = request.domainName;
  }

  headers["x-forwarded-proto"] = "https";
  headers["x-forwarded-port"] = "443";
  const chain = fromEdge ? headers["x-forwarded-for"]?.trim() : undefined;
  if (request.sourceIp) {
    headers["x-forwarded-for"] = !chain
      ? request.sourceIp
      : lastHop(chain) === request.sourceIp
        ? chain
        : `${chain}, ${request.sourceIp}`;
  } else if (chain) {
    headers["x-forwarded-for"] = chain;
  } else {
    delete headers["x-forwarded-for"];
  }

  if (request.cookies.length > 0) {
    const joined = request.cookies.join("; ");
    headers["cookie"] = headers["cookie"] ? `${headers["cookie"]}; ${joined}` : joined;
  }

  if (request.body === undefined) delete headers["content-length"];
  else headers["content-length"] = String(request.body.length);
  return headers;
}

function lastHop(chain: string): string | undefined {
  return chain.split(",").pop()?.trim();
}
