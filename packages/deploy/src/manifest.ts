/**
 * What the last deploy uploaded, kept as one private object so that a deploy of thousands of
 * unchanged files costs one GET and a few LISTs instead of a HEAD per file. It lives outside
 * `assets/`, where CloudFront cannot read it (the bucket policy only admits `assets/*`).
 */
export const MANIFEST_KEY = ".zonke/assets-manifest.json";

const MANIFEST_VERSION = 1;

/** What a key held right after this tool uploaded (or verified) it. */
export interface ManifestEntry {
  readonly sha256: string;
  readonly contentType: string;
  readonly cacheControl: string;
  /** The object's ETag then: if the listing shows another, the object changed behind our back. */
  readonly etag: string;
  readonly size: number;
}

export interface Manifest {
  /** By object key; only the files of the last build. */
  readonly files: Readonly<Record<string, ManifestEntry>>;
  /** Invalidation paths of a deploy whose CreateInvalidation did not succeed: sent next time. */
  readonly pendingInvalidation: readonly string[];
}

export const EMPTY_MANIFEST: Manifest = { files: {}, pendingInvalidation: [] };

/** The manifest in `text`, or undefined when it is not one this version understands. */
export function parseManifest(text: string): Manifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(data) || data.version !== MANIFEST_VERSION || !isRecord(data.files)) {
    return undefined;
  }
  const files: Record<string, ManifestEntry> = {};
  for (const [key, entry] of Object.entries(data.files)) {
    if (!isEntry(entry)) return undefined;
    files[key] = entry;
  }
  const pending = Array.isArray(data.pendingInvalidation) ? data.pendingInvalidation : [];
  return {
    files,
    pendingInvalidation: pending.filter((p): p is string => typeof p === "string"),
  };
}

/** Stable JSON (keys sorted) so that an unchanged deploy writes the same bytes. */
export function serialiseManifest(manifest: Manifest): string {
  const files = Object.fromEntries(
    Object.keys(manifest.files)
      .sort()
      .map((key) => [key, manifest.files[key]]),
  );
  return `${JSON.stringify(
    {
      version: MANIFEST_VERSION,
      generatedBy: "@zonke/deploy",
      pendingInvalidation: [...manifest.pendingInvalidation].sort(),
      files,
    },
    null,
    1,
  )}\n`;
}

export function sameManifest(a: Manifest, b: Manifest): boolean {
  return serialiseManifest(a) === serialiseManifest(b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isEntry(value: unknown): value is ManifestEntry {
  return (
    isRecord(value) &&
    typeof value.sha256 === "string" &&
    typeof value.contentType === "string" &&
    typeof value.cacheControl === "string" &&
    typeof value.etag === "string" &&
    typeof value.size === "number"
  );
}
