// Builds the migrator's Lambda zip and dist/artifact.json.
//
//   node scripts/build.mjs [--arch arm64|x86_64] [--out-dir <dir>]
//
// The zip holds index.js only (the bundled handler, `index.handler`). `@aws-sdk/*` is left out:
// the nodejs22.x runtime provides SDK v3.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSingleFileLambda } from "@zonke/lambda-build";

await buildSingleFileLambda({
  name: "migrator",
  packageDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
  architectures: ["arm64", "x86_64"],
  external: ["@aws-sdk/*"],
});
