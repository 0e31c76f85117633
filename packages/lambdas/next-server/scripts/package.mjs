#!/usr/bin/env node
// zonke-next-package: packages a built Next.js app (output: "standalone") for the server Lambda.
//
//   zonke-next-package --app <app dir> [--arch arm64|x86_64] [--out <dir>]
//
// Writes <out>/next-server-<arch>.zip and <out>/artifact.json (default out:
// <app>/.zonke/build/next-server), prints the sizes and the largest files, and fails with a
// message (no stack) when the build is missing or the package would exceed Lambda's limits.
// Needs `npm run build` in this package first (dist/adapter.mjs, dist/packager.mjs).
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { MAX_UNZIPPED_BYTES, writeLambdaArtifact } from "@zonke/lambda-build";

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

function log(line) {
  console.log(`next-server: ${line}`);
}

function fail(message) {
  console.error(`zonke-next-package failed: ${message}`);
  process.exit(1);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        app: { type: "string" },
        arch: { type: "string", default: "arm64" },
        out: { type: "string" },
      },
    }));
  } catch (error) {
    fail(
      `${error.message}\nusage: zonke-next-package --app <app dir> [--arch arm64|x86_64] [--out <dir>]`,
    );
  }
  if (!values.app) fail("--app <app dir> is required (the directory where next build ran)");
  if (values.arch !== "arm64" && values.arch !== "x86_64") {
    fail(`--arch "${values.arch}" is not allowed; use arm64 (default) or x86_64`);
  }
  const appDir = path.resolve(values.app);
  return {
    appDir,
    architecture: values.arch,
    outDir: path.resolve(values.out ?? path.join(appDir, ".zonke", "build", "next-server")),
  };
}

async function main() {
  const options = parseOptions();
  const adapterFile = path.join(DIST, "adapter.mjs");
  const packagerFile = path.join(DIST, "packager.mjs");
  if (!existsSync(adapterFile) || !existsSync(packagerFile)) {
    fail(`${DIST} has no build: run npm run build in packages/lambdas/next-server first`);
  }
  const { packageNextApp, PackagingError } = await import(pathToFileURL(packagerFile).href);
  const started = Date.now();
  try {
    packageNextApp({
      ...options,
      adapter: readFileSync(adapterFile),
      maxUnzippedBytes: MAX_UNZIPPED_BYTES,
      writeArtifact: writeLambdaArtifact,
      log,
    });
  } catch (error) {
    if (error instanceof PackagingError) fail(error.message);
    throw error;
  }
  log(`packaged in ${Date.now() - started} ms`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
