// Builds dist/adapter.mjs (the Lambda handler that zonke-next-package puts at the zip's root as
// index.mjs) and dist/packager.mjs (the packaging code behind scripts/package.mjs).
//
//   node scripts/build.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(PACKAGE_DIR, "dist");

/** The adapter: one ES module with its dependencies (the runtime helpers) inside, so the version
 * tested is the version shipped. Not bundled:
 * - Next.js: the adapter requires the app's own copy from the standalone build at init;
 * - the AWS SDK (`@aws-sdk/*`): the nodejs22.x runtime provides SDK v3 in
 *   /var/runtime/node_modules (on `NODE_PATH`). Bundled, the Secrets Manager client was 0.75 MiB
 *   of the adapter's 0.78 MiB, and parsing it cost every cold start about 30 ms even with no
 *   secret configured; the loader requires it only when a secret is. */
async function bundleAdapter() {
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, "src/index.mts")],
    bundle: true,
    platform: "node",
    // nodejs22.x on Lambda; node20 keeps the output runnable by the local tests too.
    target: "node20",
    format: "esm",
    external: ["@aws-sdk/*"],
    // Bundled CommonJS dependencies require Node's built-ins; ESM has no require of its own.
    banner: {
      js: 'import { createRequire as __zonkeCreateRequire } from "node:module";\nconst require = __zonkeCreateRequire(import.meta.url);',
    },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: "none",
    sourcemap: false,
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].contents;
}

async function bundlePackager() {
  const result = await esbuild.build({
    entryPoints: [path.join(PACKAGE_DIR, "src/packaging/index.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    write: false,
    logLevel: "warning",
  });
  return result.outputFiles[0].contents;
}

const started = Date.now();
const [adapter, packager] = await Promise.all([bundleAdapter(), bundlePackager()]);
mkdirSync(DIST, { recursive: true });
writeFileSync(path.join(DIST, "adapter.mjs"), adapter);
writeFileSync(path.join(DIST, "packager.mjs"), packager);
console.log(
  `next-server: dist/adapter.mjs ${(adapter.length / 1024).toFixed(0)} KiB, dist/packager.mjs in ${Date.now() - started} ms`,
);
