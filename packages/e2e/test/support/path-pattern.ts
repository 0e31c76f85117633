/**
 * CloudFront's cache-behaviour path patterns: `*` matches any run of characters (`/` included,
 * or none), `?` exactly one, everything else itself, case-sensitively, against the whole path.
 */
export function pathPatternMatcher(pattern: string): (path: string) => boolean {
  const source = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  const regex = new RegExp(`^${source}$`, "s");
  return (path) => regex.test(path);
}
