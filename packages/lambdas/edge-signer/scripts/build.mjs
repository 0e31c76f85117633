// Builds the edge signer's Lambda@Edge zip and dist/artifact.json.
//
//   node scripts/build.mjs [--arch x86_64] [--out-dir <dir>]
//
// The zip holds index.js only (the bundled handler, `index.handler`, no dependencies). Lambda@Edge
// runs x86_64 functions only (CloudFront refuses to associate an arm64 one), so that is the
// default and the only architecture allowed.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildSingleFileLambda } from "@zonke/lambda-build";

await buildSingleFileLambda({
  name: "edge-signer",
  packageDir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
  architectures: ["x86_64"],
  architectureNote: "Lambda@Edge supports x86_64 only",
});
