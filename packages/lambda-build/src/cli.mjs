// The command-line frame every Lambda package's build script shares: options, logs prefixed with
// the package name, and failures reported as one line (no stack trace) with exit status 1.
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { writeLambdaArtifact } from "./artifact.mjs";

export const RUNTIME = "nodejs22.x";
export const HANDLER = "index.handler";

/** `log` and `fail` for one package, e.g. "warmer: ..." / "warmer build failed: ...". */
export function reporter(name) {
  return {
    log: (line) => console.log(`${name}: ${line}`),
    fail: (message) => {
      console.error(`${name} build failed: ${message}`);
      process.exit(1);
    },
  };
}

/**
 * Parses `--arch` and `--out-dir` (plus `extraOptions`, parseArgs style).
 * @param {{ packageDir: string, architectures: string[], fail: (m: string) => never,
 *   extraOptions?: object, architectureNote?: string }} options
 */
export function parseBuildOptions({
  packageDir,
  architectures,
  fail,
  extraOptions = {},
  architectureNote,
}) {
  const { values } = parseArgs({
    options: {
      arch: { type: "string", default: architectures[0] },
      "out-dir": { type: "string", default: path.join(packageDir, "dist") },
      ...extraOptions,
    },
  });
  if (!architectures.includes(values.arch)) {
    fail(
      `--arch "${values.arch}" is not allowed; use ${architectures.join(" or ")} (default ${architectures[0]})` +
        (architectureNote ? `: ${architectureNote}` : ""),
    );
  }
  return { ...values, arch: values.arch, outDir: path.resolve(values["out-dir"]) };
}

/** Bundles a TypeScript handler into one minified CommonJS file for nodejs22.x. */
export async function bundleHandler(entry, { external = [] } = {}) {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    // CommonJS: native packages such as sharp are CommonJS, and handlers may read __dirname.
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    external,
    write: false,
    logLevel: "warning",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/**
 * The whole build of a package whose zip is its bundled handler alone (`index.js`).
 * @param {{ name: string, packageDir: string, architectures: string[], external?: string[],
 *   architectureNote?: string }} options
 */
export async function buildSingleFileLambda({
  name,
  packageDir,
  architectures,
  external = [],
  architectureNote,
}) {
  const { log, fail } = reporter(name);
  try {
    const options = parseBuildOptions({ packageDir, architectures, fail, architectureNote });
    const started = Date.now();
    writeLambdaArtifact({
      name,
      files: new Map([
        ["index.js", await bundleHandler(path.join(packageDir, "src/handler.ts"), { external })],
      ]),
      outDir: options.outDir,
      architecture: options.arch,
      handler: HANDLER,
      runtime: RUNTIME,
      log,
    });
    log(`built in ${Date.now() - started} ms`);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
