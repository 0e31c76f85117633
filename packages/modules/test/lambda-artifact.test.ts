import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readLambdaArtifact, sourceCodeHash, ValidationError } from "../src";

describe("readLambdaArtifact", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-artifact-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const json = path.join(dir, "artifact.json");
  const artifact = {
    zip: "fn.zip",
    sha256: "ab".repeat(32),
    architecture: "arm64",
    handler: "index.handler",
    runtime: "nodejs22.x",
  };

  it("resolves the zip relative to artifact.json", () => {
    fs.writeFileSync(path.join(dir, "fn.zip"), "zip");
    fs.writeFileSync(json, JSON.stringify(artifact));
    expect(readLambdaArtifact(json)).toEqual({ ...artifact, zip: path.join(dir, "fn.zip") });
  });

  it("says to build the package when artifact.json is missing", () => {
    expect(() => readLambdaArtifact(path.join(dir, "missing.json"))).toThrow(ValidationError);
    expect(() => readLambdaArtifact(path.join(dir, "missing.json"))).toThrow(
      /build the package first \(npm run build\)/,
    );
  });

  it("says to rebuild when the zip it names is gone", () => {
    fs.writeFileSync(json, JSON.stringify({ ...artifact, zip: "gone.zip" }));
    expect(() => readLambdaArtifact(json)).toThrow(
      /gone\.zip, which does not exist; rebuild the package/,
    );
  });

  it("gives Lambda's source_code_hash as base64 of the SHA-256", () => {
    expect(sourceCodeHash({ ...artifact, architecture: "arm64" })).toBe(
      Buffer.from("ab".repeat(32), "hex").toString("base64"),
    );
  });
});
