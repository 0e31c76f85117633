/**
 * Leaves out of the collected files what the server can never load (./prune.ts, under the
 * build's conditions, ./build-conditions.ts). The scan runs on the files as Lambda will unpack
 * them, written to a scratch directory outside any project, so that Node's resolver sees exactly
 * the package: a symbolic link in the standalone build is a plain copy in the zip, and nothing
 * above the package can be found.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readBuildConditions } from "./build-conditions";
import { configuredModules } from "./configured-modules";
import { findUnreachable } from "./prune";
import { buildRequireIndex, type RequireIndex } from "./require-index";

export interface TrimResult {
  /** reason -> files and bytes left out for it */
  readonly leftOut: Map<string, { files: number; bytes: number }>;
  /** Conditions that did not hold and packages kept whole, with why. */
  readonly notes: readonly string[];
  /** Where the requires of the files that stay lead (./require-index.ts). */
  readonly requireIndex: RequireIndex;
}

/** Deletes the unreachable files from `files` (paths relative to the standalone root). */
export function trimUnreachable(files: Map<string, Uint8Array>, appPath: string): TrimResult {
  const scratch = realpathSync(mkdtempSync(path.join(tmpdir(), "zonke-next-scan-")));
  try {
    const made = new Set<string>();
    for (const [file, bytes] of files) {
      // Only what Node's resolver and the scan read: other files cannot be left out anyway.
      if (!/\.(?:[cm]?js|json|node)$/.test(file)) continue;
      const dir = path.dirname(path.join(scratch, file));
      if (!made.has(dir)) mkdirSync(dir, { recursive: true });
      made.add(dir);
      writeFileSync(path.join(scratch, file), bytes);
    }
    const readJson = (file: string): unknown => {
      try {
        return JSON.parse(readFileSync(path.join(scratch, file), "utf8"));
      } catch {
        return undefined;
      }
    };
    const inApp = (file: string) => (appPath === "." ? file : `${appPath}/${file}`);
    const conditions = readBuildConditions(scratch, appPath, readJson);
    const serverFiles = readJson(inApp(".next/required-server-files.json")) as
      { config?: unknown } | undefined;
    const { unreachable, notes, resolutions } = findUnreachable({
      root: scratch,
      files: [...files.keys()],
      appPath,
      conditions: conditions.applied,
      configuredModules: configuredModules(serverFiles?.config, appPath, new Set(files.keys())),
    });

    const leftOut = new Map<string, { files: number; bytes: number }>();
    for (const [file, reason] of unreachable) {
      const total = leftOut.get(reason) ?? { files: 0, bytes: 0 };
      leftOut.set(reason, { files: total.files + 1, bytes: total.bytes + files.get(file)!.length });
      files.delete(file);
    }
    return {
      leftOut,
      notes: [...conditions.notApplied, ...notes],
      requireIndex: buildRequireIndex(resolutions, files),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
