/**
 * The require index: for the requires written in the package's files, the file Node.js loads for
 * each, as Node's own resolver found it in the trim's scan (./module-resolve.ts) on the files as
 * they will be unpacked. The adapter answers those requires from it (../require-index.ts)
 * instead of asking the file system again: for each request Node stats every candidate (`x`,
 * `x.js`, `x.json`, `x/package.json`, `x/index.js`, and each `node_modules` folder up the tree
 * for a package), reads package.json files and walks the real path. For Next.js's startup that
 * is about 760 requires and about a tenth of the cold start.
 *
 * The package directory is read-only on Lambda, so what the scan found is what Node.js finds,
 * except where something other than the files decides. Those entries are left out:
 *
 * - A file the scan did not see: the scratch directory holds only `.js`, `.cjs`, `.mjs`, `.json`
 *   and `.node` files, and Node tries the exact name first, so a request that found `x.js` is
 *   indexed only when the package has no file named exactly `x`.
 * - A package whose `exports` use the `module-sync` condition: Node.js 22 (Lambda's nodejs22.x)
 *   requires with it, Node.js 20 without (`@swc/helpers` sends `require` to its ESM build on 22).
 *   The scan may run on either.
 * - A request that leaves the package, or files trimmed after the scan resolved them.
 *
 * At runtime the adapter also leaves bare requests to Node when they name a built-in of that
 * Node.js, or when `--conditions` is set (../require-index.ts).
 */
import { packageOf } from "./module-resolve";

/** Package directory (relative, `/` separators; `.` for the root) -> request -> file, relative to that directory. */
export type RequireIndex = Record<string, Record<string, string>>;

export { REQUIRE_INDEX_FILE } from "../require-index";

export function buildRequireIndex(
  resolutions: Iterable<readonly [dir: string, request: string, file: string]>,
  packageFiles: ReadonlyMap<string, Uint8Array>,
): RequireIndex {
  const moduleSync = new Map<string, boolean>();
  const usesModuleSync = (file: string): boolean => {
    const owner = packageOf(file);
    if (owner === undefined) return false;
    let uses = moduleSync.get(owner.dir);
    if (uses === undefined) {
      const manifest = packageFiles.get(`${owner.dir}/package.json`);
      uses = manifest !== undefined && Buffer.from(manifest).includes('"module-sync"');
      moduleSync.set(owner.dir, uses);
    }
    return uses;
  };

  const byDir = new Map<string, Map<string, string>>();
  for (const [dir, request, file] of resolutions) {
    if (!packageFiles.has(file)) continue; // trimmed after the scan resolved it
    if (/^\.\.?\//.test(request)) {
      const exact = joinPosix(dir, request);
      if (exact === undefined || (exact !== file && packageFiles.has(exact))) continue;
    } else if (request.startsWith("/") || usesModuleSync(file)) {
      continue;
    }
    const entries = byDir.get(dir) ?? new Map<string, string>();
    entries.set(request, relativePosix(dir, file));
    byDir.set(dir, entries);
  }
  const index: RequireIndex = {};
  for (const dir of [...byDir.keys()].sort()) {
    const entries = byDir.get(dir)!;
    index[dir] = Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return index;
}

/** `dir` joined with a relative request; undefined when it leaves the package. */
function joinPosix(dir: string, request: string): string | undefined {
  const parts = dir === "." ? [] : dir.split("/");
  for (const part of request.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/** `file` relative to `dir`, both package paths: `./x.js`, `../lib/x.js`. */
function relativePosix(dir: string, file: string): string {
  const from = dir === "." ? [] : dir.split("/");
  const to = file.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const up = from.length - common;
  return [...(up === 0 ? ["."] : Array<string>(up).fill("..")), ...to.slice(common)].join("/");
}
