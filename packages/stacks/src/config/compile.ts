import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError } from "./errors";

/**
 * A compiled TypeScript config, cached in the nearest `node_modules/.cache/zonke` so that a repeat
 * synth of an unchanged config skips esbuild (which starts a child process: about a tenth of a
 * synth). An entry is used only while every file esbuild read to build it hashes the same.
 */
interface CacheEntry {
  readonly esbuild: string;
  /** Absolute path -> sha256 of each file the bundle was built from. */
  readonly inputs: Record<string, string>;
  readonly code: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
// esbuild is required lazily (here and in build) so that a cache hit never loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuildVersion = () => (require("esbuild/package.json") as { version: string }).version;

/** CommonJS code of the config `file` (bundled with its local imports; packages stay imports). */
export function compileConfig(file: string, name: string): string {
  const cacheFile = cacheFileFor(file);
  const cached = cacheFile ? readEntry(cacheFile) : undefined;
  if (cached) return cached.code;

  const entry = build(file, name);
  if (cacheFile) writeEntry(cacheFile, entry);
  return entry.code;
}

function build(file: string, name: string): CacheEntry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: see esbuildVersion
  const esbuild = require("esbuild") as typeof import("esbuild");
  const dir = path.dirname(file);
  try {
    const result = esbuild.buildSync({
      entryPoints: [file],
      absWorkingDir: dir,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.fromEntries(
      Object.keys(result.metafile.inputs).map((input) => {
        const absolute = path.resolve(dir, input);
        return [absolute, sha256(fs.readFileSync(absolute))];
      }),
    );
    return { esbuild: esbuild.version, inputs, code: result.outputFiles[0]!.text };
  } catch (error) {
    const failure = error as import("esbuild").BuildFailure;
    const lines = (failure.errors ?? []).map((e) =>
      e.location ? `line ${e.location.line}, column ${e.location.column + 1}: ${e.text}` : e.text,
    );
    throw new ConfigError(name, lines.length ? lines : [String(error)]);
  }
}

function cacheFileFor(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "node_modules"))) {
      return path.join(dir, "node_modules/.cache/zonke/config", `${sha256(file)}.json`);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function readEntry(cacheFile: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as CacheEntry;
    // A new esbuild may compile differently: its version is part of the key.
    const sameCompiler = entry.esbuild === esbuildVersion();
    const fresh =
      sameCompiler &&
      Object.entries(entry.inputs).every(
        ([input, hash]) => fs.existsSync(input) && sha256(fs.readFileSync(input)) === hash,
      );
    return fresh && typeof entry.code === "string" ? entry : undefined;
  } catch {
    return undefined; // missing or unreadable: rebuild
  }
}

function writeEntry(cacheFile: string, entry: CacheEntry): void {
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(partial, JSON.stringify(entry));
    fs.renameSync(partial, cacheFile);
  } catch {
    // A read-only checkout still synthesises; it just compiles every time.
  }
}
