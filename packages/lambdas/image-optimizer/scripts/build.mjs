// Builds the image optimiser's Lambda zip and dist/artifact.json.
//
//   node scripts/build.mjs [--arch arm64|x86_64] [--next-dir <app>] [--out-dir <dir>]
//
// The zip holds index.js (the bundled handler, `index.handler`), config.json (the app's image
// settings from <app>/.next/images-manifest.json, or Next 16's defaults) and node_modules with
// sharp plus the native packages for the target architecture. `@aws-sdk/*` is left out: the
// nodejs22.x runtime provides SDK v3.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { sharpRuntimeFiles } from "./sharp-natives.mjs";
import { deterministicZip } from "./zip.mjs";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Lambda's limits for a zip uploaded directly, and for the unpacked function.
const MAX_ZIP_BYTES = 50 * 1024 * 1024;
const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;
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
  const zip = deterministicZip(files);
  const unzippedBytes = [...files.values()].reduce((sum, bytes) => sum + bytes.length, 0);
  log(
    `${files.size} files: ${mib(zip.length)} zipped, ${mib(unzippedBytes)} unzipped (${options.arch})`,
  );
  if (zip.length > MAX_ZIP_BYTES || unzippedBytes > MAX_UNZIPPED_BYTES) {
    fail(
      `the zip exceeds Lambda's limits (${mib(MAX_ZIP_BYTES)} zipped for direct upload, ${mib(MAX_UNZIPPED_BYTES)} unzipped)`,
    );
  }

  mkdirSync(options.outDir, { recursive: true });
  const zipFile = path.join(options.outDir, `image-optimizer-${options.arch}.zip`);
  writeFileSync(zipFile, zip);
  const artifact = {
    // Relative to artifact.json: dist/ may be restored from a cache into another checkout.
    zip: path.basename(zipFile),
    sha256: createHash("sha256").update(zip).digest("hex"),
    architecture: options.arch,
    handler: HANDLER,
    runtime: RUNTIME,
    zipBytes: zip.length,
    unzippedBytes,
  };
  writeFileSync(
    path.join(options.outDir, "artifact.json"),
    `${JSON.stringify(artifact, null, 2)}\n`,
  );
  log(`wrote ${path.relative(process.cwd(), zipFile) || zipFile} in ${Date.now() - started} ms`);
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

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
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
