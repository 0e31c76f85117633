// Builds the image optimiser's Lambda zip and dist/artifact.json.
//
//   node scripts/build.mjs [--arch arm64|x86_64] [--next-dir <app>] [--out-dir <dir>]
//
// The zip holds index.js (the bundled handler, `index.handler`), config.json (the app's image
// settings from <app>/.next/images-manifest.json, or Next 16's defaults) and node_modules with
// sharp plus the native packages for the target architecture. `@aws-sdk/*` is left out: the
// nodejs22.x runtime provides SDK v3.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { sharpRuntimeFiles } from "./sharp-natives.mjs";
import { writeLambdaArtifact } from "@zonke/lambda-build";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RUNTIME = "nodejs22.x";
const HANDLER = "index.handler";

async function main() {
  const options = parseOptions();
  const started = Date.now();
  const config = await imageConfig(options.nextDir);
  const files = new Map([
    ["index.js", await bundleHandler()],
    ["config.json", Buffer.from(`${JSON.stringify(config, null, 2)}\n`)],
    ...sharpRuntimeFiles({ architecture: options.arch, log }),
  ]);
  writeLambdaArtifact({
    name: "image-optimizer",
    files,
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
      "next-dir": { type: "string" },
      "out-dir": { type: "string", default: path.join(PACKAGE_DIR, "dist") },
    },
  });
  if (values.arch !== "arm64" && values.arch !== "x86_64") {
    fail(`--arch "${values.arch}" is not allowed; use arm64 (default) or x86_64`);
  }
  return {
    arch: values.arch,
    nextDir: values["next-dir"] ? path.resolve(values["next-dir"]) : undefined,
    outDir: path.resolve(values["out-dir"]),
  };
}

/** The app's images settings, checked by the same code the runtime uses (src/image-config.ts). */
async function imageConfig(nextDir) {
  const { normaliseImageConfig, ImageConfigError } = await importTypeScript("src/image-config.ts");
  let images = {};
  let source = "Next.js 16 defaults";
  if (nextDir) {
    const manifestFile = path.join(nextDir, ".next", "images-manifest.json");
    if (!existsSync(manifestFile)) {
      fail(`${manifestFile} does not exist: run \`next build\` in ${nextDir} first`);
    }
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    if (manifest.version !== 1) {
      fail(
        `${manifestFile} has version ${JSON.stringify(manifest.version)}; this build reads version 1`,
      );
    }
    images = manifest.images;
    source = manifestFile;
  }
  try {
    const { config, warnings } = normaliseImageConfig(images);
    log(`image config from ${source}`);
    for (const warning of warnings) log(`warning: ${warning}`);
    return config;
  } catch (error) {
    if (error instanceof ImageConfigError) fail(`${source}: ${error.message}`);
    throw error;
  }
}

async function bundleHandler() {
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, "src/handler.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    // CommonJS: sharp is a CommonJS package and the handler reads __dirname for config.json.
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    external: ["@aws-sdk/*", "sharp"],
    write: false,
    logLevel: "warning",
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** Bundles a dependency-free TypeScript module and imports it, without a build step of its own. */
async function importTypeScript(file) {
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, file)],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
  });
  const code = Buffer.from(result.outputFiles[0].contents).toString("base64");
  return import(`data:text/javascript;base64,${code}`);
}

function log(line) {
  console.log(`image-optimizer: ${line}`);
}

function fail(message) {
  console.error(`image-optimizer build failed: ${message}`);
  process.exit(1);
}

main().catch((error) => {
  fail(error instanceof Error ? error.message : String(error));
});
