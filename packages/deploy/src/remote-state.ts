import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { mapLimit } from "./concurrency";
import { awsStep } from "./errors";
import { ASSETS_PREFIX } from "./keys";
import type { LocalFile } from "./local-files";
import { EMPTY_MANIFEST, MANIFEST_KEY, parseManifest, type Manifest } from "./manifest";

/** The object metadata key (sent as `x-amz-meta-sha256`) holding the content's hex SHA-256. */
export const SHA256_METADATA = "sha256";

/** What an object in the bucket holds, as far as this deploy needs to know. */
export interface RemoteObject {
  readonly etag: string;
  readonly size: number;
  /**
   * Content hash and headers, from the manifest (when its ETag still matches) or from HeadObject.
   * Undefined for objects not in the build, which only matter as prune candidates.
   */
  readonly known?: {
    readonly sha256: string | undefined;
    readonly contentType: string | undefined;
    readonly cacheControl: string | undefined;
  };
}

export interface RemoteState {
  /** Every object under `assets/`, by key. */
  readonly objects: ReadonlyMap<string, RemoteObject>;
  /** The previous deploy's manifest (empty when there is none or it cannot be read). */
  readonly manifest: Manifest;
  readonly requests: { readonly get: number; readonly list: number; readonly head: number };
}

export interface ReadRemoteOptions {
  readonly concurrency: number;
  readonly warn: (line: string) => void;
}

/**
 * Reads what the bucket holds with as few requests as possible: the manifest (1 GET), the listing
 * of `assets/` (1 LIST per 1,000 keys, which also proves each object still exists and gives its
 * ETag), and a HEAD only for a file of the build whose object the manifest does not vouch for
 * (first deploy with a manifest, a lost manifest, an object changed by someone else).
 */
export async function readRemoteState(
  s3: S3Client,
  bucket: string,
  localFiles: readonly LocalFile[],
  options: ReadRemoteOptions,
): Promise<RemoteState> {
  const manifest = await readManifest(s3, bucket, options.warn);
  const { listed, pages } = await listAssets(s3, bucket);
  const inBuild = new Set(localFiles.map((f) => f.key));
  const objects = new Map<string, RemoteObject>();
  const toHead: string[] = [];
  for (const [key, { etag, size }] of listed) {
    const entry = manifest.files[key];
    if (entry && entry.etag === etag && entry.size === size) {
      objects.set(key, { etag, size, known: entry });
    } else {
      objects.set(key, { etag, size });
      if (inBuild.has(key)) toHead.push(key);
    }
  }
  await mapLimit(toHead, options.concurrency, async (key) => {
    const head = await awsStep(`reading s3://${bucket}/${key}`, async () => {
      try {
        return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if ((error as Error).name === "NotFound") return undefined; // deleted since the listing
        throw error;
      }
    });
    if (!head) {
      objects.delete(key);
      return;
    }
    const listedObject = objects.get(key) as RemoteObject;
    objects.set(key, {
      ...listedObject,
      known: {
        sha256: head.Metadata?.[SHA256_METADATA],
        contentType: head.ContentType,
        cacheControl: head.CacheControl,
      },
    });
  });
  return { objects, manifest, requests: { get: 1, list: pages, head: toHead.length } };
}

async function readManifest(
  s3: S3Client,
  bucket: string,
  warn: (line: string) => void,
): Promise<Manifest> {
  const text = await awsStep(`reading s3://${bucket}/${MANIFEST_KEY}`, async () => {
    try {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: MANIFEST_KEY }));
      return (await response.Body?.transformToString("utf-8")) ?? "";
    } catch (error) {
      if ((error as Error).name === "NoSuchKey") return undefined; // the first deploy
      throw error;
    }
  });
  if (text === undefined) return EMPTY_MANIFEST;
  const manifest = parseManifest(text);
  if (!manifest) {
    warn(
      `warning: s3://${bucket}/${MANIFEST_KEY} is not a manifest this version reads; ignoring it`,
    );
    return EMPTY_MANIFEST;
  }
  return manifest;
}

async function listAssets(
  s3: S3Client,
  bucket: string,
): Promise<{ listed: Map<string, { etag: string; size: number }>; pages: number }> {
  const listed = new Map<string, { etag: string; size: number }>();
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await awsStep(`listing s3://${bucket}/${ASSETS_PREFIX}`, () =>
      s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: ASSETS_PREFIX,
          ContinuationToken: token,
        }),
      ),
    );
    pages += 1;
    for (const object of page.Contents ?? []) {
      if (object.Key) listed.set(object.Key, { etag: object.ETag ?? "", size: object.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { listed, pages };
}
