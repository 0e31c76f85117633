import { invalidationPathFor } from "./keys";

/**
 * Above this many paths one `/*` replaces them: it counts as a single path (CloudFront bills
 * paths beyond 1,000 a month, a wildcard as one), stays far below the 3,000 paths an invalidation
 * may hold, and a deploy that changes that many files has changed most of the site anyway.
 */
export const MAX_INVALIDATION_PATHS = 100;

export const INVALIDATE_EVERYTHING = "/*";

/** Sorted unique invalidation paths for these URL paths, or `/*` when there are too many. */
export function invalidationPaths(
  urlPaths: Iterable<string>,
  alreadyEncoded: Iterable<string> = [],
): string[] {
  const paths = new Set(alreadyEncoded);
  for (const urlPath of urlPaths) paths.add(invalidationPathFor(urlPath));
  if (paths.has(INVALIDATE_EVERYTHING) || paths.size > MAX_INVALIDATION_PATHS) {
    return [INVALIDATE_EVERYTHING];
  }
  return [...paths].sort();
}
