/**
 * Reads a directory tree into zip entries (path with `/` separators -> bytes), in sorted order.
 * Symbolic links are followed and stored as the files they point to (pnpm-style trees link
 * packages; a zip entry is a plain file), with a guard against link cycles.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";

export interface Collected {
  readonly files: Map<string, Uint8Array>;
  /** reason -> how many files and bytes were left out for it */
  readonly excluded: Map<string, { files: number; bytes: number }>;
}

export function collectFiles(
  root: string,
  exclusionReason: (relativePath: string) => string | undefined,
): Collected {
  const files = new Map<string, Uint8Array>();
  const excluded = new Map<string, { files: number; bytes: number }>();
  const onPath = new Set<string>();

  function walk(dir: string, prefix: string): void {
    const real = realpathSync(dir);
    if (onPath.has(real)) return; // a link back to a directory we are inside
    onPath.add(real);
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relative = prefix === "" ? name : `${prefix}/${name}`;
      const stats = statSync(full);
      if (stats.isDirectory()) {
        walk(full, relative);
        continue;
      }
      if (!stats.isFile()) continue;
      const reason = exclusionReason(relative);
      if (reason === undefined) {
        files.set(relative, readFileSync(full));
      } else {
        const total = excluded.get(reason) ?? { files: 0, bytes: 0 };
        excluded.set(reason, { files: total.files + 1, bytes: total.bytes + stats.size });
      }
    }
    onPath.delete(real);
  }

  walk(root, "");
  return { files, excluded };
}
