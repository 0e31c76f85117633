/**
 * Modules the build's config makes Next.js load by path at runtime (`cacheHandler`,
 * `cacheHandlers`), as package paths: they are entry points of the reachability scan, so what they
 * require stays even when the file itself lies inside a reviewed package.
 *
 * Next.js keeps these paths absolute (as on the build machine) or relative to the app; inside the
 * package they sit at the same place relative to the file-tracing root.
 */
import * as path from "node:path";

export function configuredModules(
  config: unknown,
  appPath: string,
  files: ReadonlySet<string>,
): string[] {
  if (typeof config !== "object" || config === null) return [];
  const { cacheHandler, cacheHandlers, experimental, outputFileTracingRoot } = config as {
    cacheHandler?: unknown;
    cacheHandlers?: unknown;
    experimental?: { cacheHandlers?: unknown };
    outputFileTracingRoot?: unknown;
  };
  const named = [cacheHandler, ...values(cacheHandlers), ...values(experimental?.cacheHandlers)];
  const found: string[] = [];
  for (const value of named) {
    if (typeof value !== "string" || value === "") continue;
    const relative = path.isAbsolute(value)
      ? typeof outputFileTracingRoot === "string"
        ? path.relative(outputFileTracingRoot, value)
        : undefined
      : path.join(appPath, value);
    if (relative === undefined) continue;
    const file = relative.split(path.sep).join("/");
    const match = [file, `${file}.js`, `${file}.cjs`, `${file}.mjs`].find((f) => files.has(f));
    if (match) found.push(match);
  }
  return found;
}

function values(record: unknown): unknown[] {
  return typeof record === "object" && record !== null ? Object.values(record) : [];
}
