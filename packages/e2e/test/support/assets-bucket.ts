/**
 * The app's assets bucket, in memory: exactly the objects `zonke-assets upload` writes for a
 * Next.js build, listed by @zonke/deploy's own `collectLocalFiles` (`.next/static` under
 * `assets/_next/static/`, `public/` under `assets/`), with the Content-Type and Cache-Control it
 * uploads them with.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { collectLocalFiles, NEXTJS_SOURCES } from "@zonke/deploy";

export interface StoredObject {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
  /** S3's ETag of a single-part upload: the quoted MD5. */
  readonly etag: string;
  readonly lastModified: Date;
}

export interface AssetsBucket {
  readonly name: string;
  get(key: string): StoredObject | undefined;
  keys(): string[];
}

export async function loadAssetsBucket(appDir: string, name: string): Promise<AssetsBucket> {
  const objects = new Map<string, StoredObject>();
  for (const file of await collectLocalFiles(appDir, NEXTJS_SOURCES)) {
    const body = readFileSync(file.absolutePath);
    objects.set(file.key, {
      key: file.key,
      body,
      contentType: file.contentType,
      cacheControl: file.cacheControl,
      etag: `"${createHash("md5").update(body).digest("hex")}"`,
      lastModified: statSync(file.absolutePath).mtime,
    });
  }
  return { name, get: (key) => objects.get(key), keys: () => [...objects.keys()] };
}
