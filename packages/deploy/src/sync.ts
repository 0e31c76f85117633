import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { mapLimit } from "./concurrency";
import { awsStep, UsageError } from "./errors";
import { createInvalidation, newCallerReference, waitForInvalidation } from "./invalidate";
import { collectLocalFiles, type LocalFile } from "./local-files";
import {
  MANIFEST_KEY,
  sameManifest,
  serialiseManifest,
  type Manifest,
  type ManifestEntry,
} from "./manifest";
import { planSync, type SyncPlan } from "./plan";
import { readRemoteState } from "./remote-state";
import { sourcesFor, type AppKind, type AssetSource } from "./sources";
import { formatBytes } from "./summary";
import { deleteObjects, uploadFile, type UploadOptions } from "./upload";
import { urlPathFor } from "./keys";

export interface SyncOptions {
  /** The app's assets bucket. */
  readonly bucket: string;
  /**
   * The app's CloudFront distribution, invalidated where files changed.
   * @default - no invalidation; the paths stay pending in the manifest for a later deploy
   */
  readonly distributionId?: string;
  /** The app folder: for Next.js the one holding `.next/` and `public/`. */
  readonly appDir: string;
  /** @default "nextjs" */
  readonly kind?: AppKind;
  /**
   * URL prefix of a `static` app's files (Django: `/static/`).
   * @default "/"
   */
  readonly urlPrefix?: string;
  /**
   * Explicit folder -> URL mapping, instead of the one `kind` implies.
   * @default - sourcesFor(kind, urlPrefix)
   */
  readonly sources?: readonly AssetSource[];
  /**
   * Delete objects of files no longer in the build (never hashed `_next/static/` files).
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Read the bucket and report what would change; write nothing, invalidate nothing.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Wait for the invalidation to complete.
   * @default false
   */
  readonly wait?: boolean;
  /** @default 600 */
  readonly waitTimeoutSec?: number;
  /**
   * Uploads (and HEAD requests) at once.
   * @default 16
   */
  readonly concurrency?: number;
  /** @default - unique per call (see newCallerReference) */
  readonly callerReference?: string;
  /** @default - see UploadOptions */
  readonly upload?: UploadOptions;
  /**
   * Receives one line per change (upload, delete, invalidation).
   * @default - silent
   */
  readonly log?: (line: string) => void;
  /**
   * Receives warnings (e.g. an unreadable manifest, which costs HEAD requests but is no failure).
   * @default - the same as `log`
   */
  readonly warn?: (line: string) => void;
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly cloudfront: CloudFrontClient;
}

export interface SyncResult {
  readonly dryRun: boolean;
  readonly plan: SyncPlan;
  readonly uploaded: number;
  readonly uploadedBytes: number;
  readonly unchanged: number;
  readonly deleted: number;
  /** Removed files left in the bucket (hashed files always; others without `prune`). */
  readonly retained: number;
  /** Encoded paths invalidated (or that would be, or are left pending without a distribution). */
  readonly invalidationPaths: readonly string[];
  readonly invalidationId?: string;
  /** True when paths needed invalidating but no distribution was given. */
  readonly invalidationSkipped: boolean;
  /** S3 requests made to read the bucket's state. */
  readonly reads: { readonly get: number; readonly list: number; readonly head: number };
  readonly seconds: number;
}

const DEFAULT_CONCURRENCY = 16;

/**
 * Uploads a built app's static files to its assets bucket and invalidates what changed.
 *
 * Order matters for a live site: hashed files first (new pages need them), then the other files,
 * then deletions, then the invalidation. The manifest records the paths to invalidate before
 * anything changes and clears them only once CreateInvalidation has succeeded, so that a deploy
 * that fails half-way never leaves CloudFront serving stale copies for a year. An unchanged
 * deploy writes nothing at all; a changed one writes the manifest at most twice.
 */
export async function syncAssets(options: SyncOptions, clients: AwsClients): Promise<SyncResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const concurrency = checkConcurrency(options.concurrency ?? DEFAULT_CONCURRENCY);
  if (!options.bucket) throw new UsageError("the bucket name is empty");
  const waitTimeoutSec = options.waitTimeoutSec ?? 600;
  if (!(waitTimeoutSec > 0)) {
    throw new UsageError(
      `waitTimeoutSec ${waitTimeoutSec} is not allowed: use a number of seconds above 0`,
    );
  }
  const sources = options.sources ?? sourcesFor(options.kind ?? "nextjs", options.urlPrefix);
  const { s3, cloudfront } = clients;
  const bucket = options.bucket;

  const localFiles = await collectLocalFiles(options.appDir, sources, concurrency);
  if (localFiles.length === 0) {
    throw new UsageError(`${options.appDir} holds no files to upload: check --app`);
  }
  const warn = options.warn ?? log;
  const remote = await readRemoteState(s3, bucket, localFiles, { concurrency, warn });
  const plan = planSync(localFiles, remote, { sources, prune: options.prune ?? false });
  const verb = options.dryRun ? "would " : "";
  for (const { file, reason } of plan.uploads) {
    log(`${verb}upload ${file.urlPath} (${reason}, ${formatBytes(file.size)})`);
  }
  for (const key of plan.deletes) log(`${verb}delete ${urlPathFor(key)}`);

  const result = (extra: Partial<SyncResult> = {}): SyncResult => ({
    dryRun: options.dryRun ?? false,
    plan,
    uploaded: plan.uploads.length,
    uploadedBytes: plan.uploads.reduce((sum, u) => sum + u.file.size, 0),
    unchanged: plan.unchanged.length,
    deleted: plan.deletes.length,
    retained: plan.retained.length,
    invalidationPaths: plan.invalidationPaths,
    invalidationSkipped: !options.distributionId && plan.invalidationPaths.length > 0,
    reads: remote.requests,
    seconds: (performance.now() - started) / 1000,
    ...extra,
  });
  if (options.dryRun) return result();

  const paths = plan.invalidationPaths;
  // Record the paths before changing anything: if an upload, a deletion or the invalidation
  // fails, the next deploy still invalidates them, even though it will find the files unchanged.
  const intent = { files: plan.previous.files, pendingInvalidation: paths };
  if (paths.length > 0 && !sameManifest(intent, plan.previous)) {
    await writeManifest(s3, bucket, intent);
  }

  const etags = new Map<string, string>();
  for (const phase of [true, false]) {
    const uploads = plan.uploads.filter((u) => u.file.immutable === phase);
    await mapLimit(uploads, concurrency, async ({ file }) => {
      etags.set(file.key, await uploadFile(s3, bucket, file, options.upload));
    });
  }
  await deleteObjects(s3, bucket, plan.deletes);
  const files = manifestFiles(localFiles, etags, remote.objects);

  if (!options.distributionId || paths.length === 0) {
    const done = { files, pendingInvalidation: paths };
    if (!sameManifest(done, paths.length > 0 ? intent : plan.previous)) {
      await writeManifest(s3, bucket, done);
    }
    return result();
  }
  const invalidationId = await createInvalidation(
    cloudfront,
    options.distributionId,
    paths,
    options.callerReference ?? newCallerReference(),
  );
  log(`invalidation ${invalidationId} started for ${paths.length} path(s)`);
  await writeManifest(s3, bucket, { files, pendingInvalidation: [] });
  if (options.wait) {
    await waitForInvalidation(cloudfront, options.distributionId, invalidationId, waitTimeoutSec);
    log(`invalidation ${invalidationId} completed`);
  }
  return result({ invalidationId });
}

function manifestFiles(
  localFiles: readonly LocalFile[],
  uploadedEtags: ReadonlyMap<string, string>,
  objects: ReadonlyMap<string, { etag: string }>,
): Record<string, ManifestEntry> {
  return Object.fromEntries(
    localFiles.map((file) => [
      file.key,
      {
        sha256: file.sha256,
        contentType: file.contentType,
        cacheControl: file.cacheControl,
        etag: uploadedEtags.get(file.key) ?? objects.get(file.key)?.etag ?? "",
        size: file.size,
      },
    ]),
  );
}

async function writeManifest(s3: S3Client, bucket: string, manifest: Manifest): Promise<void> {
  await awsStep(`writing s3://${bucket}/${MANIFEST_KEY}`, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: MANIFEST_KEY,
        Body: serialiseManifest(manifest),
        ContentType: "application/json; charset=utf-8",
        CacheControl: "no-store",
      }),
    ),
  );
}

function checkConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw new UsageError(`concurrency ${value} is not allowed: use a whole number from 1 to 256`);
  }
  return value;
}
