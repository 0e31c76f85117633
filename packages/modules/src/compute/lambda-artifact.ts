import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError } from "../core/errors";

/** A Lambda package built by its own workspace package (see packages/lambdas/*: dist/artifact.json). */
export interface LambdaArtifact {
  /** Absolute path of the zip. */
  readonly zip: string;
  /** Hex SHA-256 of the zip: a new value deploys new code. */
  readonly sha256: string;
  readonly architecture: "arm64" | "x86_64";
  readonly handler: string;
  readonly runtime: string;
}

/** Lambda's `source_code_hash` format (base64 of the SHA-256), from the artifact's hex digest. */
export function sourceCodeHash(artifact: LambdaArtifact): string {
  return Buffer.from(artifact.sha256, "hex").toString("base64");
}

/**
 * Reads a Lambda package's `artifact.json` (its `zip` is relative to that file, so a build
 * restored from a cache into another checkout still points at the right place).
 */
export function readLambdaArtifact(artifactJson: string): LambdaArtifact {
  let artifact: LambdaArtifact;
  try {
    artifact = JSON.parse(fs.readFileSync(artifactJson, "utf8")) as LambdaArtifact;
  } catch (error) {
    throw new ValidationError(
      `cannot read the Lambda artifact ${artifactJson} (${(error as Error).message}); build the package first (npm run build)`,
    );
  }
  const zip = path.resolve(path.dirname(artifactJson), artifact.zip);
  if (!fs.existsSync(zip)) {
    throw new ValidationError(
      `the Lambda artifact ${artifactJson} names ${zip}, which does not exist; rebuild the package`,
    );
  }
  return { ...artifact, zip };
}
