/**
 * Reads a Lambda artifact (`artifact.json` as written by @zonke/lambda-build: `zip` relative to
 * it, `handler`, `architecture`, ...) and extracts its zip into a folder, as Lambda unpacks it
 * into /var/task, for `startLambdaInstance({ taskRoot, handler })`.
 *
 * Extract outside the repository: Node resolves modules upwards from the task root, and inside
 * the repo a function could quietly load a package its zip lacks from the root node_modules.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { unzipSync } from "fflate";

export interface LambdaArtifact {
  /** Absolute path of the zip. */
  readonly zipFile: string;
  readonly handler: string;
  readonly architecture: string;
  readonly runtime: string;
  readonly sha256: string;
}

export function readLambdaArtifact(artifactFile: string): LambdaArtifact {
  const json = JSON.parse(readFileSync(artifactFile, "utf8")) as Record<string, unknown>;
  for (const field of ["zip", "handler", "architecture", "runtime", "sha256"]) {
    if (typeof json[field] !== "string") {
      throw new Error(`${artifactFile} has no "${field}": is it a Lambda artifact.json?`);
    }
  }
  return {
    zipFile: path.resolve(path.dirname(artifactFile), json["zip"] as string),
    handler: json["handler"] as string,
    architecture: json["architecture"] as string,
    runtime: json["runtime"] as string,
    sha256: json["sha256"] as string,
  };
}

/** Extracts `zipFile` into `taskRoot` (created if needed); refuses entries that leave it. */
export function extractZip(zipFile: string, taskRoot: string): void {
  const root = path.resolve(taskRoot);
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipFile)))) {
    const file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep)) {
      throw new Error(`${zipFile}: entry ${JSON.stringify(name)} would be extracted outside`);
    }
    if (name.endsWith("/")) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
}

/** Reads `artifactFile`, extracts its zip into `taskRoot`, and says which handler to start. */
export function extractLambdaArtifact(
  artifactFile: string,
  taskRoot: string,
): LambdaArtifact & { readonly taskRoot: string } {
  const artifact = readLambdaArtifact(artifactFile);
  extractZip(artifact.zipFile, taskRoot);
  return { ...artifact, taskRoot: path.resolve(taskRoot) };
}
