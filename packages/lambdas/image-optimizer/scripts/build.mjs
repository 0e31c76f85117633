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
import * as esbuild from "esbuild";
import { sharpRuntimeFiles } from "./sharp-natives.mjs";
import {
  HANDLER,
  RUNTIME,
  bundleHandler,
  parseBuildOptions,
  reporter,
  writeLambdaArtifact,
} from "@zonke/lambda-build";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { log, fail } = reporter("image-optimizer");

async function main() {
  const options = parseBuildOptions({
    packageDir: PACKAGE_DIR,
    architectures: ["arm64", "x86_64"],
    fail,
    extraOptions: { "next-dir": { type: "string" } },
  });
  const started = Date.now();
  const config = await imageConfig(options["next-dir"] && path.resolve(options["next-dir"]));
  const files = new Map([
    [
      "index.js",
      await bundleHandler(path.join(PACKAGE_DIR, "src/handler.ts"), {
        external: ["@aws-sdk/*", "sharp"],
      }),
    ],
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

main().catch((error) => {
  fail(error instanceof Error ? error.message : String(error));
});
