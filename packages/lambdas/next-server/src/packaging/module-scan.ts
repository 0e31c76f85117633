/**
 * What a JavaScript file can load, read with esbuild's parser: the specifiers of its require(),
 * import(), import statements and require.resolve(), after `defines` have been substituted and the
 * branches they make dead are gone (`if (process.env.NODE_ENV === 'production') require(a) else
 * require(b)` names only `a`); the string literals left in it that look like a module path
 * (`path.join(__dirname, 'worker.js')`, Turbopack's `.y("pkg")`), and the static start of computed
 * ones (`'./locale/' + name`, `` `./locale/${name}` ``); and the lines where a load's argument is
 * computed and cannot be read at all (`require(id)`), which someone has to review.
 *
 * Files are parsed in batches (one esbuild call each), each file alone with every import external,
 * so nothing is resolved here: ./module-resolve.ts resolves the way Node.js will.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync, type BuildFailure, type Message } from "esbuild";

export interface ScannedModule {
  /** Specifiers of require/import/require.resolve calls and import statements, as written. */
  readonly specifiers: readonly string[];
  /** String literals that look like a module path or a file name. */
  readonly mentions: readonly string[];
  /** Static starts of computed paths: `'./x/' + a` gives `./x/`, `` `./x/${a}` `` too. */
  readonly prefixes: readonly string[];
  /** 1-based lines of loads whose argument is computed (`require(id)`, `import(url)`). */
  readonly computedLoads: readonly number[];
  /** esbuild could not parse it: its names come from the raw text, dead branches included. */
  readonly unparsed: boolean;
}

export type Defines = Readonly<Record<string, string>>;

const BATCH = 400;

/** Parses `files` (paths relative to `root`) with `defines` applied. */
export function scanModules(
  root: string,
  files: readonly string[],
  defines: Defines,
): Map<string, ScannedModule> {
  const scanned = new Map<string, ScannedModule>();
  for (let start = 0; start < files.length; start += BATCH) {
    scanBatch(root, files.slice(start, start + BATCH), defines, scanned);
  }
  return scanned;
}

function scanBatch(
  root: string,
  files: readonly string[],
  defines: Defines,
  into: Map<string, ScannedModule>,
): void {
  let pending = [...files];
  // A file esbuild rejects fails its whole batch: read it from its raw text, parse the rest again.
  while (pending.length > 0) {
    const failed = tryBuild(root, pending, defines, into);
    if (failed.size === 0) return;
    const rejected = pending.filter((file) => failed.has(file));
    // An error esbuild did not tie to one of these files: read them all from their text.
    const unparsed = rejected.length > 0 ? rejected : pending;
    for (const file of unparsed) into.set(file, fromRawText(readFileSync(path.join(root, file))));
    pending = pending.filter((file) => !unparsed.includes(file));
  }
}

/** Scans `files` into `into`; returns the files esbuild could not parse (nothing is added then). */
function tryBuild(
  root: string,
  files: readonly string[],
  defines: Defines,
  into: Map<string, ScannedModule>,
): Set<string> {
  // Entry names e0, e1, ... so that each output maps back to its file whatever the file is called.
  const entryPoints = Object.fromEntries(
    files.map((file, index) => [`e${index}`, path.join(root, file)]),
  );
  let result;
  try {
    result = buildSync({
      absWorkingDir: root,
      entryPoints,
      outdir: "scan-out",
      bundle: true,
      external: ["*"],
      platform: "node",
      format: "esm",
      write: false,
      metafile: true,
      define: { ...defines },
      logLevel: "silent",
      logOverride: {
        "unsupported-require-call": "warning",
        "unsupported-dynamic-import": "warning",
      },
    });
  } catch (error) {
    const failed = new Set(
      ((error as BuildFailure).errors ?? [])
        .map((message) => message.location?.file)
        .filter((file): file is string => file !== undefined)
        .map((file) => toRelative(root, file)),
    );
    // An error without a file would repeat forever: treat the whole batch as unparsed.
    return failed.size > 0 ? failed : new Set(files);
  }

  const computed = computedLoadLines(root, result.warnings);
  const outputs = new Map(result.outputFiles.map((output) => [output.path, output.text]));
  for (const [outputPath, output] of Object.entries(result.metafile.outputs)) {
    if (output.entryPoint === undefined) continue;
    const file = toRelative(root, path.join(root, output.entryPoint));
    const text = outputs.get(path.join(root, outputPath)) ?? "";
    const specifiers = (result.metafile.inputs[output.entryPoint]?.imports ?? [])
      .map((record) => record.path)
      .filter((specifier) => specifier !== "<runtime>");
    into.set(file, {
      specifiers,
      ...namesInText(text),
      computedLoads: computed.get(file) ?? [],
      unparsed: false,
    });
  }
  return new Set();
}

function computedLoadLines(root: string, warnings: readonly Message[]): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  for (const warning of warnings) {
    if (warning.id !== "unsupported-require-call" && warning.id !== "unsupported-dynamic-import") {
      continue;
    }
    if (!warning.location) continue;
    const file = toRelative(root, path.join(root, warning.location.file));
    lines.set(file, [...(lines.get(file) ?? []), warning.location.line]);
  }
  return lines;
}

function fromRawText(bytes: Uint8Array): ScannedModule {
  return {
    specifiers: [],
    ...namesInText(Buffer.from(bytes).toString("utf8")),
    computedLoads: [],
    unparsed: true,
  };
}

// A quoted run without quotes, spaces or backslashes. The closing quote is only looked at, not
// consumed, so it can open the next match: a stray quote (in a regular expression, say) never
// hides a string that follows it. Finding too many strings only keeps more files.
const QUOTED = /(["'`])([^"'`\s\\]{1,512})(?=\1)/g;
// The text of a template literal up to its first substitution.
const TEMPLATE_START = /`([^`$\s\\]{1,512})\$\{/g;
const MODULE_FILE = /\.(?:[cm]?js|json|node)$/;

function namesInText(text: string): { mentions: string[]; prefixes: string[] } {
  const mentions = new Set<string>();
  const prefixes = new Set<string>();
  for (const match of text.matchAll(QUOTED)) {
    const value = match[2]!;
    const end = match.index + match[0].length + 1;
    if (/^\s*\+/.test(text.slice(end, end + 8))) {
      if (looksLikePath(value)) prefixes.add(value);
      continue;
    }
    if (looksLikeModule(value)) mentions.add(value);
  }
  for (const match of text.matchAll(TEMPLATE_START)) {
    if (looksLikePath(match[1]!)) prefixes.add(match[1]!);
  }
  return { mentions: [...mentions], prefixes: [...prefixes] };
}

/** `./x`, `../x`, `pkg`, `@scope/pkg/x`, or a bare file name with a module extension. */
function looksLikeModule(value: string): boolean {
  return looksLikePath(value) || /^(?:@[\w.-]+\/)?[\w.-]+$/.test(value) || MODULE_FILE.test(value);
}

function looksLikePath(value: string): boolean {
  return /^\.\.?\//.test(value) || /^(?:@[\w.-]+\/)?[\w.-]+\/[\w./@-]*$/.test(value);
}

function toRelative(root: string, file: string): string {
  return path.relative(root, path.resolve(root, file)).split(path.sep).join("/");
}
