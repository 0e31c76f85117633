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
