// Shared build steps of the packages in packages/lambdas/*: deterministic zips and artifact.json.
export { deterministicZip } from "./zip.mjs";
export {
  writeLambdaArtifact,
  LambdaBuildError,
  MAX_ZIP_BYTES,
  MAX_UNZIPPED_BYTES,
  mib,
} from "./artifact.mjs";
export {
  RUNTIME,
  HANDLER,
  reporter,
  parseBuildOptions,
  bundleHandler,
  buildSingleFileLambda,
} from "./cli.mjs";
