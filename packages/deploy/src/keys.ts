import { UsageError } from "./errors";

/**
 * Objects served to viewers live under this prefix: CloudFront's S3 origin has origin path
 * `/assets` and the bucket policy lets it read only `assets/*`. Must equal ASSETS_PREFIX in
 * @zonke/modules (edge/assets-bucket.ts), which is not a dependency here (it pulls in cdktf).
 */
export const ASSETS_PREFIX = "assets/";

/** S3's limit on the UTF-8 length of an object key. */
const MAX_KEY_BYTES = 1024;

// C0 controls and DEL: S3 accepts some of them, but no browser sends them in a path.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** `/images/a.png` -> `assets/images/a.png`: the key CloudFront reads for that URL path. */
export function objectKeyFor(urlPath: string): string {
  checkUrlPath(urlPath);
  const key = ASSETS_PREFIX + urlPath.slice(1);
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new UsageError(
      `"${urlPath.slice(0, 60)}..." is too long for an S3 key (${Buffer.byteLength(key)} bytes; at most ${MAX_KEY_BYTES})`,
    );
  }
  return key;
}

/** `assets/images/a.png` -> `/images/a.png` (the inverse of objectKeyFor). */
export function urlPathFor(key: string): string {
  if (!key.startsWith(ASSETS_PREFIX)) {
    throw new Error(`object key "${key}" is not under ${ASSETS_PREFIX}`);
  }
  return `/${key.slice(ASSETS_PREFIX.length)}`;
}

/** The URL path of a file: `urlPrefix` (`/`, `/static/`) + its relative path with `/` separators. */
export function urlPathOf(urlPrefix: string, relativePath: string): string {
  return urlPrefix + relativePath;
}

/**
 * A URL path as CloudFront's invalidation API wants it: percent-encoded the way a browser sends
 * the request (non-ASCII, spaces, `#`, `?` ...), since CloudFront matches the encoded form, and
 * nothing else, since over-encoding would miss the cached copy. `*` is encoded too: unencoded it
 * is a wildcard. `%` is encoded so that a file named `100%.txt` is not read as an escape.
 */
export function invalidationPathFor(urlPath: string): string {
  return urlPath.replace(/[^\x21-\x7e]|["#%*<>?`{}]/gu, (character) =>
    encodeURIComponent(character).replace(/\*/g, "%2A"),
  );
}

function checkUrlPath(urlPath: string): void {
  const problem = urlPathProblem(urlPath);
  if (problem) throw new UsageError(`cannot serve "${urlPath}": ${problem}`);
}

function urlPathProblem(urlPath: string): string | undefined {
  if (!urlPath.startsWith("/")) return "a URL path starts with /";
  if (CONTROL_CHARACTERS.test(urlPath)) return "it contains a control character";
  // Browsers turn `\` into `/`, so the file would be requested under another name.
  if (urlPath.includes("\\")) return "it contains a backslash, which browsers read as /";
  const segments = urlPath.slice(1).split("/");
  if (segments.some((s) => s === "")) return "it has an empty path segment (// or a trailing /)";
  if (segments.some((s) => s === "." || s === "..")) return "it has a . or .. segment";
  return undefined;
}
