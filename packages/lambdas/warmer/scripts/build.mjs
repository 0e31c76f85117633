// Builds the warmer's Lambda zip and dist/artifact.json.
//
//   node scripts/build.mjs [--arch arm64|x86_64] [--out-dir <dir>]
//
// The zip holds index.js only (the bundled handler, `index.handler`). `@aws-sdk/*` is left out:
// the nodejs22.x runtime provides SDK v3.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { writeLambdaArtifact } from "@zonke/lambda-build";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIME = "nodejs22.x";
const HANDLER = "index.handler";

async function main() {
  const options = parseOptions();
  const started = Date.now();
  writeLambdaArtifact({
    name: "warmer",
    files: new Map([["index.js", await bundleHandler()]]),
    outDir: options.outDir,
    architecture: options.arch,
    handler: HANDLER,
    runtime: RUNTIME,
    log,
  });
  log(`built in ${Date.now() - started} ms`);
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      arch: { type: "string", default: "arm64" },
      "out-dir": { type: "string", default: path.join(PACKAGE_DIR, "dist") },
    },
  });
  if (values.arch !== "arm64" && values.arch !== "x86_64") {
    fail(`--arch "${values.arch}" is not allowed; use arm64 (default) or x86_64`);
  }
  return { arch: values.arch, outDir: path.resolve(values["out-dir"]) };
}

async function bundleHandler() {
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, "src/handler.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    external: ["@aws-sdk/*"],
    write: false,
    logLevel: "warning",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

function log(line) {
  console.log(`warmer: ${line}`);
}

function fail(message) {
  console.error(`warmer build failed: ${message}`);
  process.exit(1);
}

main().catch((error) => {
  fail(error instanceof Error ? error.message : String(error));
});
