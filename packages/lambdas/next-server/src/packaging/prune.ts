/**
 * Finds the files of the reviewed packages (./reviewed-packages.ts: Next.js and React) that
 * nothing the server can run loads, and says for each which condition lets it go.
 *
 * The scan starts from every JavaScript file outside those packages (the app's `.next` server
 * build, `server.js`, every other traced package: all of them ship whole, and anything they name
 * stays) and from what the adapter requires. It follows what each file names (./module-scan.ts),
 * resolved as Node.js will (./module-resolve.ts). It runs once with no conditions, then adds the
 * build's conditions (./build-conditions.ts) one at a time: a file first unreachable at a step is
 * reported under that step's reason.
 *
 * Only `.js`, `.cjs`, `.mjs` and `.json` files are left out, never a `package.json`: other files
 * (WebAssembly, fonts, licences) may be read by a computed path that no scan sees. A reviewed
 * package whose reachable code has a computed load nobody reviewed is kept whole.
 *
 * What no static scan sees: a name built at runtime from pieces that are not a path's start
 * (`"ne" + "xt/dist/..."`) in code outside the reviewed packages. A computed load there is assumed
 * to load a name written somewhere in the reachable code, which the scan follows as a string.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Condition, Cut } from "./build-conditions";
import { ModuleResolver, packageOf } from "./module-resolve";
import { scanModules, type Defines, type ScannedModule } from "./module-scan";
import { REVIEWED_PACKAGES, nextRequireHookAlias } from "./reviewed-packages";

/** What the adapter requires from the app's directory (src/next-server.ts startNextServer). */
const ADAPTER_REQUIRES = [
  "next",
  "next/package.json",
  "next/dist/server/lib/router-server",
  "next/dist/server/lib/render-server",
];

export const UNREACHABLE = "not loaded by anything the server runs (static scan)";

export interface PruneResult {
  /** File -> the reason it can be left out. */
  readonly unreachable: ReadonlyMap<string, string>;
  /** Why a reviewed package was kept whole, if one was. */
  readonly notes: readonly string[];
  /** What the requests seen by the scan resolved to (ModuleResolver.resolutions). */
  readonly resolutions: ReadonlyArray<readonly [string, string, string]>;
}

export interface PruneInput {
  /** A scratch directory holding exactly the package's files (a real path). */
  readonly root: string;
  /** The package's files, relative with `/` separators. */
  readonly files: readonly string[];
  /** The app's directory among them (`apps/web`, or `.`). */
  readonly appPath: string;
  /** The build's conditions, in the order they are reported (./build-conditions.ts). */
  readonly conditions: readonly Condition[];
  /** Modules the config makes Next.js load by path (./configured-modules.ts). */
  readonly configuredModules?: readonly string[];
}

export function findUnreachable(input: PruneInput): PruneResult {
  const { root, files, appPath, conditions } = input;
  const scan = new ReachabilityScan(root, files);
  const serverJs = appPath === "." ? "server.js" : `${appPath}/server.js`;
  const entries = [
    ...files.filter((file) => isJavaScript(file) && !isReviewed(file)),
    ...ADAPTER_REQUIRES.map((specifier) => scan.resolver.resolve(serverJs, specifier)).filter(
      (file): file is string => file !== undefined,
    ),
    ...(input.configuredModules ?? []),
  ];
  const candidates = files.filter(
    (file) =>
      isReviewed(file) && /\.(?:[cm]?js|json)$/.test(file) && !file.endsWith("/package.json"),
  );

  const unreachable = new Map<string, string>();
  const steps: Condition[] = [{ reason: UNREACHABLE }, ...conditions];
  let defines: Defines = {};
  const cuts: Cut[] = [];
  let reached = new Set<string>();
  for (const step of steps) {
    defines = { ...defines, ...step.defines };
    if (step.cut) cuts.push(step.cut);
    reached = scan.reach(entries, defines, cuts);
    for (const file of candidates) {
      if (!reached.has(file) && !unreachable.has(file)) unreachable.set(file, step.reason);
    }
  }

  const notes = scan.unreviewedLoads(reached, defines);
  for (const file of [...unreachable.keys()]) {
    if (notes.has(packageOf(file)!.dir)) unreachable.delete(file);
  }
  return {
    unreachable,
    notes: [...notes.values()],
    resolutions: scan.resolver.resolutions(),
  };
}

class ReachabilityScan {
  readonly resolver: ModuleResolver;
  private readonly scanned = new Map<string, ScannedModule>();
  private readonly edges = new Map<string, string[]>();
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly root: string,
    files: readonly string[],
  ) {
    this.resolver = new ModuleResolver(root, new Set(files), nextRequireHookAlias);
  }

  /** Every file reachable from `entries` with `defines` applied and `cuts` not followed. */
  reach(entries: readonly string[], defines: Defines, cuts: readonly Cut[]): Set<string> {
    const reached = new Set(entries);
    let frontier = [...reached];
    while (frontier.length > 0) {
      this.parse(frontier, defines);
      const next: string[] = [];
      for (const file of frontier) {
        for (const target of this.edgesOf(file, defines)) {
          if (reached.has(target) || cuts.some((cut) => blocks(cut, file, target))) continue;
          reached.add(target);
          if (isJavaScript(target)) next.push(target);
        }
      }
      frontier = next;
    }
    return reached;
  }

  /** Reviewed packages (by directory) with a computed load in reached code nobody reviewed. */
  unreviewedLoads(reached: ReadonlySet<string>, defines: Defines): Map<string, string> {
    const unreviewed = new Map<string, string[]>();
    const files = [...reached].filter((file) => isJavaScript(file) && isReviewed(file));
    this.parse(files, defines);
    for (const file of files.sort()) {
      const owner = packageOf(file)!;
      const inPackage = file.slice(owner.dir.length + 1);
      const module = this.scanned.get(this.key(file, defines))!;
      const reviewed = REVIEWED_PACKAGES.get(owner.name)!.computedLoads;
      let problem: string | undefined;
      if (module.unparsed) problem = `${inPackage} (esbuild cannot parse it)`;
      else if (module.computedLoads.length > 0 && !reviewed.has(inPackage)) {
        problem = `${inPackage} line ${module.computedLoads.join(", ")}`;
      }
      if (problem) unreviewed.set(owner.dir, [...(unreviewed.get(owner.dir) ?? []), problem]);
    }
    return new Map(
      [...unreviewed].map(([dir, problems]) => [
        dir,
        `kept all of ${dir}: unreviewed computed loads in ${problems.join("; ")}`,
      ]),
    );
  }

  /** Parses the files not parsed yet with these defines (only defines a file mentions count). */
  private parse(files: readonly string[], defines: Defines): void {
    const missing = new Map<string, string[]>();
    for (const file of files) {
      if (!isJavaScript(file) || this.scanned.has(this.key(file, defines))) continue;
      const applicable = JSON.stringify(this.applicable(file, defines));
      missing.set(applicable, [...(missing.get(applicable) ?? []), file]);
    }
    for (const [applicable, group] of missing) {
      const result = scanModules(this.root, group, JSON.parse(applicable) as Defines);
      for (const [file, module] of result) this.scanned.set(this.key(file, defines), module);
    }
  }

  private edgesOf(file: string, defines: Defines): string[] {
    if (!isJavaScript(file)) return [];
    const key = this.key(file, defines);
    let targets = this.edges.get(key);
    if (targets === undefined) {
      const module = this.scanned.get(key)!;
      const named = [...module.specifiers, ...module.mentions]
        .map((specifier) => this.resolver.resolve(file, specifier))
        .filter((target): target is string => target !== undefined);
      const computed = [
        ...module.prefixes,
        ...module.specifiers.filter((specifier) => specifier.includes("*")),
      ].flatMap((prefix) => this.resolver.filesUnder(file, prefix));
      targets = [...new Set([...named, ...computed])];
      this.edges.set(key, targets);
    }
    return targets;
  }

  /** The defines whose variable the file's source mentions: the others change nothing in it. */
  private applicable(file: string, defines: Defines): Defines {
    let source = this.sources.get(file);
    if (source === undefined) {
      source = readFileSync(path.join(this.root, file), "utf8");
      this.sources.set(file, source);
    }
    return Object.fromEntries(
      Object.entries(defines).filter(([name]) => source.includes(name.split(".").pop()!)),
    );
  }

  private key(file: string, defines: Defines): string {
    return `${file}\0${JSON.stringify(this.applicable(file, defines))}`;
  }
}

function blocks(cut: Cut, importer: string, target: string): boolean {
  const to = packageOf(target);
  const from = packageOf(importer);
  if (to?.name !== cut.packageName || from?.dir !== to.dir) return false;
  const targetInPackage = target.slice(to.dir.length + 1);
  const importerInPackage = importer.slice(from.dir.length + 1);
  return (
    targetInPackage.startsWith(cut.target) &&
    !importerInPackage.startsWith(cut.target) &&
    cut.reviewedImporters.includes(importerInPackage)
  );
}

function isReviewed(file: string): boolean {
  const owner = packageOf(file);
  return owner !== undefined && REVIEWED_PACKAGES.has(owner.name);
}

function isJavaScript(file: string): boolean {
  return /\.[cm]?js$/.test(file);
}
