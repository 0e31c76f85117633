/**
 * Answers requires from the package's require index (`zonke-require-index.json`, written by the
 * packager: ./packaging/require-index.ts) instead of the file system. Node.js resolves each one
 * with a stat per candidate file, package.json reads and a walk of the real path; the index holds
 * the file Node's own resolver found for it on the same files when the package was made, and the
 * package directory is read-only on Lambda.
 *
 * It wraps `Module._resolveFilename`, the hook Next.js's own require hook wraps too (so the index
 * sees requests after Next.js's aliases). Everything else goes to Node unchanged: requests with
 * `paths` options, absolute paths, requests the index does not hold (computed paths the scan
 * could not read, anything outside the package), and bare requests when they name a built-in of
 * this Node.js or when `--conditions` changes how packages resolve. Without the file (a package
 * made with `trim: false`), nothing is installed.
 */
import { readFileSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";

/** Written next to the handler by the packager. */
export const REQUIRE_INDEX_FILE = "zonke-require-index.json";

type ResolveFilename = (
  request: string,
  parent: { path?: string } | null | undefined,
  isMain: boolean,
  options?: unknown,
) => string;

interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

export interface RequireIndexStats {
  /** Requests in the index. */
  readonly entries: number;
  /** Requires answered from the index so far. */
  hits: number;
  /** Requires from the package's files that the index does not hold, left to Node. */
  misses: number;
  /** The first of those (`MISSES_KEPT`), as `request from directory`, to see why. */
  readonly missed: string[];
}

const MISSES_KEPT = 20;

export interface InstalledRequireIndex {
  readonly stats: RequireIndexStats;
  /** Puts Node's resolver back (tests). */
  uninstall(): void;
}

/**
 * Reads `zonke-require-index.json` in `taskRoot` and installs it; undefined when there is none.
 * A file that cannot be read fails the init: the package is broken.
 */
export function installRequireIndex(taskRoot: string): InstalledRequireIndex | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(taskRoot, REQUIRE_INDEX_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return installIndex(taskRoot, JSON.parse(text) as Record<string, Record<string, string>>);
}

export function installIndex(
  taskRoot: string,
  index: Readonly<Record<string, Readonly<Record<string, string>>>>,
): InstalledRequireIndex {
  const byDir = new Map<string, ReadonlyMap<string, string>>();
  let entries = 0;
  for (const [dir, requests] of Object.entries(index)) {
    const map = new Map(Object.entries(requests));
    entries += map.size;
    byDir.set(path.join(taskRoot, ...dir.split("/")), map);
  }
  const stats: RequireIndexStats = { entries, hits: 0, misses: 0, missed: [] };
  const inPackage = path.join(taskRoot, path.sep);
  const packagesToo = !conditionsSet();
  const indexed = (request: string): boolean =>
    request.startsWith("./") ||
    request.startsWith("../") ||
    (packagesToo && !path.isAbsolute(request) && !Module.isBuiltin(request));

  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  const resolveFilename: ResolveFilename = function (
    this: unknown,
    request,
    parent,
    isMain,
    options,
  ) {
    if (
      options === undefined &&
      typeof request === "string" &&
      typeof parent?.path === "string" &&
      indexed(request)
    ) {
      const target = byDir.get(parent.path)?.get(request);
      if (target !== undefined) {
        stats.hits++;
        return path.join(parent.path, target);
      }
      if (parent.path === taskRoot || parent.path.startsWith(inPackage)) {
        stats.misses++;
        if (stats.missed.length < MISSES_KEPT) {
          stats.missed.push(`${request} from ${path.relative(taskRoot, parent.path) || "."}`);
        }
      }
    }
    return original.call(this, request, parent, isMain, options);
  };
  internals._resolveFilename = resolveFilename;
  return {
    stats,
    uninstall() {
      // Only if nothing wrapped it since (Next.js's hook would then call this one anyway).
      if (internals._resolveFilename === resolveFilename) internals._resolveFilename = original;
    },
  };
}

/** Whether `--conditions` (`-C`) adds conditions to package resolution in this process. */
function conditionsSet(): boolean {
  const flags = [...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)];
  return flags.some((flag) => /^(?:--conditions|-C)(?:=|$)/.test(flag) || /^-C\S/.test(flag));
}
