// The packager's API, bundled to dist/packager.mjs for scripts/package.mjs (zonke-next-package).
export { packageNextApp, HANDLER, RUNTIME, ZIP_NAME } from "./package-app";
export type { Architecture, PackageOptions, PackageResult, WriteArtifact } from "./package-app";
export { PackagingError } from "./errors";
