import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { mapLimit } from "./concurrency";
import { UsageError } from "./errors";
import { cacheControlFor, contentTypeFor } from "./headers";
import { objectKeyFor, urlPathOf } from "./keys";
import type { AssetSource } from "./sources";

/** A file of the build, with the key and headers it gets in the bucket. */
export interface LocalFile {
  readonly absolutePath: string;
  /** `/images/a.png` */
  readonly urlPath: string;
  /** `assets/images/a.png` */
  readonly key: string;
  readonly size: number;
  /** Hex SHA-256 of the content. */
  readonly sha256: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly immutable: boolean;
}

/**
 * Every file of every source, hashed (`concurrency` at a time). Fails with a UsageError for a
 * missing required folder, a file name that cannot be served, or two sources giving one URL.
 */
export async function collectLocalFiles(
  appDir: string,
  sources: readonly AssetSource[],
  concurrency = 16,
): Promise<LocalFile[]> {
  checkFolder(appDir, "the app folder", "check --app");
  const found: { absolutePath: string; urlPath: string; source: AssetSource }[] = [];
  for (const source of sources) {
    const root = path.resolve(appDir, source.localDir);
    if (!fs.existsSync(root)) {
      if (source.whenMissing) throw new UsageError(`${path.resolve(appDir)} ${source.whenMissing}`);
      continue;
    }
    checkFolder(root, source.localDir, "expected a folder of files");
    for (const relative of walk(root)) {
      found.push({
        absolutePath: path.join(root, ...relative),
        urlPath: urlPathOf(source.urlPrefix, relative.join("/")),
        source,
      });
    }
  }
  const byKey = new Map<string, string>();
  const planned = found.map((file) => {
    const key = objectKeyFor(file.urlPath);
    const other = byKey.get(key);
    if (other !== undefined) {
      throw new UsageError(
        `${other} and ${file.absolutePath} would both be served at ${file.urlPath}: rename one`,
      );
    }
    byKey.set(key, file.absolutePath);
    return { ...file, key };
  });
  return mapLimit(planned, concurrency, async ({ absolutePath, urlPath, key, source }) => {
    const { sha256, size } = await hashFile(absolutePath);
    return {
      absolutePath,
      urlPath,
      key,
      size,
      sha256,
      contentType: contentTypeFor(absolutePath),
      cacheControl: cacheControlFor(source.immutable),
      immutable: source.immutable,
    };
  });
}

/** SHA-256 and size of a file, streamed (a build can hold large media). */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(fs.createReadStream(file), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest("hex"), size };
}

/**
 * Relative paths (as segment lists) of the files under `root`, sorted for stable output. Symbolic
 * links are followed; a link back to a folder already being walked is skipped (no endless loop).
 */
function walk(root: string): string[][] {
  const files: string[][] = [];
  const visit = (dir: string, segments: string[], ancestors: Set<string>): void => {
    const real = fs.realpathSync(dir);
    if (ancestors.has(real)) return;
    const inside = new Set(ancestors).add(real);
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const stat = entry.isSymbolicLink() ? statOrUndefined(full) : entry;
      if (stat?.isDirectory()) visit(full, [...segments, entry.name], inside);
      else if (stat?.isFile()) files.push([...segments, entry.name]);
    }
  };
  visit(root, [], new Set());
  return files;
}

/** A broken symbolic link is skipped, as `next build` would not serve it either. */
function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function checkFolder(dir: string, what: string, hint: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`${what} ${path.resolve(dir)} does not exist: ${hint}`);
  }
  if (!stat.isDirectory()) {
    throw new UsageError(`${what} ${path.resolve(dir)} is not a folder: ${hint}`);
  }
}
