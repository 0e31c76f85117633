/**
 * Source of the viewer-request CloudFront Function (cloudfront-js-2.0) in front of every behaviour:
 *
 * - `x-forwarded-host` carries the viewer's host to the origin, overwriting whatever the viewer
 *   sent; origins get their own Host (Function URLs and ALBs need it). `x-zonke-edge: 1` marks the
 *   request as having passed this function (a viewer's own `x-zonke-*` headers are dropped), and
 *   the app servers honour `x-forwarded-host` only with that mark.
 * - Next.js's internal headers are dropped whatever their case (middleware bypass and cache
 *   poisoning advisories: CVE-2025-29927, CVE-2026-44572), so they can only come from Next itself.
 * - For images, the cache key keeps only `url`, `w` and `q` (repeats are left for the optimiser to
 *   refuse) and `Accept` is reduced to what the optimiser looks at, so viewers with
 *   different Accept strings share cache entries: it keeps exactly the modern formats the viewer
 *   takes (`image/avif,image/webp`, `image/webp`, or none), so the app's configured formats still
 *   decide which one is served.
 */
/** Set to "1" on every request by the viewer-request function; servers trust forwarded hosts only with it. */
export const EDGE_MARK_HEADER = "x-zonke-edge";

export function viewerRequestCode(imagePathPrefix: string): string {
  return `var INTERNAL = /^(x-middleware-|x-nextjs-|x-matched-path$|x-now-route-matches$|x-invoke-|x-next-|x-zonke-)/;
var IMAGE_PARAMS = ["url", "w", "q"];

function handler(event) {
  var request = event.request;
  var headers = request.headers;
  Object.keys(headers).forEach(function (name) {
    if (INTERNAL.test(name)) delete headers[name];
  });
  headers["x-forwarded-host"] = { value: headers.host ? headers.host.value : "" };
  headers[${JSON.stringify(EDGE_MARK_HEADER)}] = { value: "1" };

  if (request.uri.indexOf(${JSON.stringify(imagePathPrefix)}) === 0) {
    var kept = {};
    IMAGE_PARAMS.forEach(function (name) {
      if (request.querystring[name]) kept[name] = request.querystring[name];
    });
    request.querystring = kept;
    var accept = headers.accept ? headers.accept.value : "";
    var formats = ["image/avif", "image/webp"].filter(function (type) {
      return accept.indexOf(type) !== -1;
    });
    headers.accept = { value: formats.length > 0 ? formats.join(",") : "*/*" };
  }
  return request;
}
`;
}
