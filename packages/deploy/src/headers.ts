import * as mime from "mime-types";

/**
 * For content-hashed files (`/_next/static/*`): a new build gives changed files new names, so
 * browsers and CloudFront may keep a copy for a year and never ask again.
 */
export const IMMUTABLE_CACHE_CONTROL = "public,max-age=31536000,immutable";

/**
 * For files whose name stays the same across builds (`/favicon.ico`, `/images/a.png`): browsers
 * revalidate on every use (max-age=0, must-revalidate; a 304 costs little), while CloudFront keeps
 * them a year (s-maxage) because every deploy invalidates the paths it changed.
 */
export const REVALIDATE_CACHE_CONTROL = "public,max-age=0,s-maxage=31536000,must-revalidate";

/** For an extension mime-types does not know: browsers will not sniff it into something active. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Content-Type from the file name, with `charset=utf-8` for text (text/*, JSON, JS, XML, SVG). */
export function contentTypeFor(fileName: string): string {
  const type = mime.lookup(fileName);
  if (type === false) return DEFAULT_CONTENT_TYPE;
  // mime-db marks text/* and JSON-like types UTF-8; XML types (SVG included) are text too.
  const isText = mime.charset(type) !== false || /^application\/xml$|\+xml$/.test(type);
  return isText ? `${type}; charset=utf-8` : type;
}

export function cacheControlFor(immutable: boolean): string {
  return immutable ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL;
}
