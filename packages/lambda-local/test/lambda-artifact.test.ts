import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { extractLambdaArtifact, readLambdaArtifact } from "../src/lambda-artifact";
import { startLambdaInstance } from "../src/lambda-instance";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "zonke-lambda-artifact-test-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeArtifact(files: Record<string, string>, handler = "main.run"): string {
  const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strToU8(v)])));
  mkdirSync(out);
  writeFileSync(path.join(out, "fn-x86_64.zip"), zip);
  writeFileSync(
    path.join(out, "artifact.json"),
    JSON.stringify({
      zip: "fn-x86_64.zip",
      sha256: "00",
      architecture: "x86_64",
      handler,
      runtime: "nodejs22.x",
    }),
  );
  return path.join(out, "artifact.json");
}

it("extracts the zip as the task root and starts the handler artifact.json names", async () => {
  const artifactFile = writeArtifact({
    "main.js": 'exports.run = async () => ({ statusCode: 200, body: require("./lib/word") });',
    "lib/word.js": 'module.exports = "extracted";',
  });
  const { taskRoot, handler, zipFile } = extractLambdaArtifact(
    artifactFile,
    path.join(dir, "task"),
  );
  expect(handler).toBe("main.run");
  expect(zipFile).toBe(path.join(path.dirname(artifactFile), "fn-x86_64.zip"));
  expect(readFileSync(path.join(taskRoot, "lib/word.js"), "utf8")).toContain("extracted");

  const instance = await startLambdaInstance({ taskRoot, handler });
  try {
    expect((await instance.http({})).text).toBe("extracted");
  } finally {
    await instance.stop();
  }
});

it("refuses a zip entry that would land outside the task root", () => {
  const artifactFile = writeArtifact({ "../escape.js": "nope" });
  expect(() => extractLambdaArtifact(artifactFile, path.join(dir, "task2"))).toThrow(
    /entry "..\/escape.js" would be extracted outside/,
  );
});

it("says what is wrong with a file that is not an artifact.json", () => {
  const file = path.join(dir, "package.json");
  writeFileSync(file, '{"name": "x"}');
  expect(() => readLambdaArtifact(file)).toThrow(
    `${file} has no "zip": is it a Lambda artifact.json?`,
  );
});
