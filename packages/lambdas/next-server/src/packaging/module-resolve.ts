/**
 * Resolves what a file names the way Node.js will in the Lambda, with Node's own resolver
 * (`createRequire(file).resolve`: relative paths, extensions, index files, `main`, `exports` with
 * Node's conditions), run on the package as it will be unpacked: the files are written to a
 * scratch directory first, so nothing outside the package can be found.
 */
import { isBuiltin, createRequire } from "node:module";
import * as path from "node:path";

/** Maps a specifier that a require hook redirects (Next.js's) to the one Node.js then loads. */
export type RequireAlias = (specifier: string) => string | undefined;

export class ModuleResolver {
  private readonly resolved = new Map<string, string | undefined>();
  private readonly packageNames: ReadonlySet<string>;
  private readonly sortedFiles: readonly string[];

  /**
   * @param root the scratch directory holding the package (a real path)
   * @param files every file in it, relative with `/` separators
   */
  constructor(
    private readonly root: string,
    private readonly files: ReadonlySet<string>,
    private readonly alias: RequireAlias = () => undefined,
  ) {
    this.packageNames = new Set(
      [...files].map((file) => packageOf(file)?.name).filter((n): n is string => !!n),
    );
    this.sortedFiles = [...files].sort();
  }

  /** The file that `specifier`, written in `importer`, loads; undefined for built-ins and misses. */
  resolve(importer: string, specifier: string): string | undefined {
    if (specifier.includes("*")) return undefined; // a glob: see filesUnder
    const request = this.alias(specifier) ?? specifier;
    if (isBuiltin(request)) return undefined;
    if (!/^\.\.?\//.test(request) && !request.startsWith("/")) {
      const name = packageName(request);
      if (name === undefined || !this.packageNames.has(name)) {
        // A bare file name (`path.join(__dirname, "worker.js")`) is looked for next to the file.
        return /\.(?:[cm]?js|json|node)$/.test(request) && !request.includes("/")
          ? this.resolve(importer, `./${request}`)
          : undefined;
      }
    }
    const key = `${path.posix.dirname(importer)}\0${request}`;
    if (!this.resolved.has(key)) this.resolved.set(key, this.nodeResolve(importer, request));
    return this.resolved.get(key);
  }

  /**
   * Every request resolved so far that found a file of the package, as [directory of the
   * importer, request (after the alias), file], all relative to the root with `/` separators.
   */
  resolutions(): Array<[string, string, string]> {
    const found: Array<[string, string, string]> = [];
    for (const [key, file] of this.resolved) {
      const [dir, request] = key.split("\0") as [string, string];
      if (file !== undefined) found.push([dir, request, file]);
    }
    return found;
  }

  /**
   * Every file a computed path can load, given its static start (`./locale/`, `pkg/dist/x-`) or
   * an esbuild glob (`./locale/` then `**` and `/*`): all files whose path starts there.
   */
  filesUnder(importer: string, prefix: string): string[] {
    const start = prefix.split("*")[0]!;
    let base: string | undefined;
    if (/^\.\.?\//.test(start)) {
      base = path.posix.join(path.posix.dirname(importer), start);
      if (start.endsWith("/") && !base.endsWith("/")) base += "/";
    } else {
      const name = packageName(start);
      const dir = name === undefined ? undefined : this.packageDir(importer, name);
      if (dir !== undefined) base = `${dir}${start.slice(name!.length)}`;
    }
    if (base === undefined || base === "" || base.startsWith("..")) return [];
    return this.sortedFiles.filter((file) => file.startsWith(base));
  }

  private nodeResolve(importer: string, request: string): string | undefined {
    let found: string;
    try {
      found = createRequire(path.join(this.root, importer)).resolve(request);
    } catch {
      return undefined;
    }
    const relative = path.relative(this.root, found).split(path.sep).join("/");
    return this.files.has(relative) ? relative : undefined;
  }

  /** Where Node.js finds package `name` from `importer`: the nearest `node_modules/<name>` up. */
  private packageDir(importer: string, name: string): string | undefined {
    let dir = path.posix.dirname(importer);
    for (;;) {
      const candidate = dir === "." ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
      if (this.files.has(`${candidate}/package.json`)) return candidate;
      if (dir === "." || dir === "") return undefined;
      dir = path.posix.dirname(dir);
    }
  }
}

/** `react` of `react/jsx-runtime`, `@next/env` of `@next/env/dist/index.js`. */
export function packageName(specifier: string): string | undefined {
  const match = /^(@[\w.-]+\/[\w.-]+|[\w.-]+)(?:\/|$)/.exec(specifier);
  return match?.[1];
}

/** The package a file belongs to: the last `node_modules/<name>/` in its path. */
export function packageOf(file: string): { name: string; dir: string } | undefined {
  const marker = "node_modules/";
  const at = file.lastIndexOf(marker);
  if (at === -1 || (at > 0 && file[at - 1] !== "/")) return undefined;
  const rest = file.slice(at + marker.length);
  const name = packageName(rest);
  if (name === undefined || !rest.startsWith(`${name}/`)) return undefined;
  return { name, dir: file.slice(0, at + marker.length + name.length) };
}
