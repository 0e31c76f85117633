// Writes a Lambda package's zip and its dist/artifact.json (read by the modules through
// readLambdaArtifact), after checking the files against Lambda's size limits.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { deterministicZip } from "./zip.mjs";

/** Lambda's limits for a zip uploaded directly, and for the unpacked function. */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

export class LambdaBuildError extends Error {}

export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * @param {object} options
 * @param {string} options.name        zip name prefix, e.g. "image-optimizer"
 * @param {Map<string, Uint8Array>} options.files  zip path -> contents
 * @param {string} options.outDir
 * @param {"arm64" | "x86_64"} options.architecture
 * @param {string} options.handler     e.g. "index.handler"
 * @param {string} options.runtime     e.g. "nodejs22.x"
 * @param {(line: string) => void} [options.log]
 */
export function writeLambdaArtifact({ name, files, outDir, architecture, handler, runtime, log }) {
  const zip = deterministicZip(files);
  const unzippedBytes = [...files.values()].reduce((sum, bytes) => sum + bytes.length, 0);
  log?.(
    `${files.size} files: ${mib(zip.length)} zipped, ${mib(unzippedBytes)} unzipped (${architecture})`,
  );
  if (zip.length > MAX_ZIP_BYTES || unzippedBytes > MAX_UNZIPPED_BYTES) {
    throw new LambdaBuildError(
      `the zip (${mib(zip.length)}, ${mib(unzippedBytes)} unzipped) exceeds Lambda's limits ` +
        `(${mib(MAX_ZIP_BYTES)} zipped for direct upload, ${mib(MAX_UNZIPPED_BYTES)} unzipped)`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const zipFile = path.join(outDir, `${name}-${architecture}.zip`);
  writeFileSync(zipFile, zip);
  const artifact = {
    // Relative to artifact.json: dist/ may be restored from a cache into another checkout.
    zip: path.basename(zipFile),
    sha256: createHash("sha256").update(zip).digest("hex"),
    architecture,
    handler,
    runtime,
    zipBytes: zip.length,
    unzippedBytes,
  };
  writeFileSync(path.join(outDir, "artifact.json"), `${JSON.stringify(artifact, null, 2)}\n`);
  log?.(`wrote ${path.relative(process.cwd(), zipFile) || zipFile}`);
  return { ...artifact, zipFile };
}
