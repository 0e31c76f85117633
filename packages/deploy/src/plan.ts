import { invalidationPaths } from "./invalidation-paths";
import { urlPathFor } from "./keys";
import type { LocalFile } from "./local-files";
import type { Manifest } from "./manifest";
import type { RemoteState } from "./remote-state";
import { ownedKeyPrefixes, protectedKeyPrefixes, type AssetSource } from "./sources";

/** Why a file is uploaded. */
export type UploadReason = "new" | "content" | "headers";

export interface PlannedUpload {
  readonly file: LocalFile;
  readonly reason: UploadReason;
}

export interface SyncPlan {
  /** Hashed (immutable) files first: pages of the new build need them before anything else. */
  readonly uploads: readonly PlannedUpload[];
  readonly unchanged: readonly LocalFile[];
  /** Keys of removed files that this deploy deletes (only with `prune`). */
  readonly deletes: readonly string[];
  /** Keys of removed files that stay: hashed files always, other files without `prune`. */
  readonly retained: readonly string[];
  /** Encoded paths to invalidate (changed, new and deleted non-hashed files, plus pending ones). */
  readonly invalidationPaths: readonly string[];
  /** The previous deploy's manifest: the new one is written only when it differs. */
  readonly previous: Manifest;
}

export interface PlanOptions {
  readonly sources: readonly AssetSource[];
  /** Delete objects under the deploy's own prefixes that are no longer in the build. */
  readonly prune: boolean;
}

/**
 * Compares the build with the bucket: pure, so every decision can be tested without AWS.
 *
 * A file is uploaded when its key is missing, or when the content hash, Content-Type or
 * Cache-Control the bucket holds (per the manifest or the object's metadata) differ from the
 * build's. Removed files under `_next/static/` (or another hashed source) are never deleted: tabs
 * opened on an older build still load them. Other removed files are deleted only with `prune`.
 */
export function planSync(
  localFiles: readonly LocalFile[],
  remote: RemoteState,
  options: PlanOptions,
): SyncPlan {
  const uploads: PlannedUpload[] = [];
  const unchanged: LocalFile[] = [];
  for (const file of localFiles) {
    const reason = uploadReason(file, remote);
    if (reason) uploads.push({ file, reason });
    else unchanged.push(file);
  }
  uploads.sort((a, b) => Number(b.file.immutable) - Number(a.file.immutable));

  const inBuild = new Set(localFiles.map((f) => f.key));
  const owned = ownedKeyPrefixes(options.sources);
  const protectedPrefixes = protectedKeyPrefixes(options.sources);
  const deletes: string[] = [];
  const retained: string[] = [];
  for (const key of [...remote.objects.keys()].sort()) {
    if (inBuild.has(key) || !owned.some((p) => key.startsWith(p))) continue;
    const isProtected = protectedPrefixes.some((p) => key.startsWith(p));
    (options.prune && !isProtected ? deletes : retained).push(key);
  }

  const changedUrlPaths = [
    ...uploads.filter((u) => !u.file.immutable).map((u) => u.file.urlPath),
    ...deletes.map(urlPathFor),
  ];
  return {
    uploads,
    unchanged,
    deletes,
    retained,
    invalidationPaths: invalidationPaths(changedUrlPaths, remote.manifest.pendingInvalidation),
    previous: remote.manifest,
  };
}

function uploadReason(file: LocalFile, remote: RemoteState): UploadReason | undefined {
  const object = remote.objects.get(file.key);
  if (!object?.known) return object ? "content" : "new";
  if (object.known.sha256 !== file.sha256) return "content";
  if (
    object.known.contentType !== file.contentType ||
    object.known.cacheControl !== file.cacheControl
  ) {
    return "headers";
  }
  return undefined;
}
