// The built zip, as Lambda runs it: extracted to a directory, `require("./index.js")` with only
// the SDK provided from outside (the nodejs22.x runtime ships it), run on a job against fakes.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { functionAnswer, startFakeLambdaApi, type FakeLambdaApi } from "./support/fake-lambda-api";
import { ARTIFACT_CREDENTIALS, jobEvent } from "./support/job-event";
import { expectNoCredentials } from "./support/secrets";

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, "..");
// Where Node finds @aws-sdk/* (and their @smithy deps) here; Lambda's runtime has its own.
const SDK_PATHS = [
  path.join(PACKAGE_DIR, "node_modules"),
  path.resolve(PACKAGE_DIR, "../../../node_modules"),
].join(path.delimiter);

interface Built {
  artifact: Record<string, unknown>;
  zip: Buffer;
  entries: Record<string, Uint8Array>;
  dir: string;
}

let work: string;
let arm64: Built;
let x64: Built;
let codepipeline: FakeCodePipeline;
let lambdaApi: FakeLambdaApi;

async function build(args: string[], name: string): Promise<Built> {
  const outDir = path.join(work, name);
  await run(process.execPath, ["scripts/build.mjs", ...args, "--out-dir", outDir], {
    cwd: PACKAGE_DIR,
  });
  const artifact = JSON.parse(readFileSync(path.join(outDir, "artifact.json"), "utf8"));
  const zip = readFileSync(path.join(outDir, artifact.zip));
  const entries = unzipSync(zip);
  const dir = path.join(work, `${name}-unzipped`);
  for (const [file, bytes] of Object.entries(entries)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), bytes);
  }
  return { artifact, zip, entries, dir };
}

/** Loads the extracted index.js in a fresh Node, runs the handler on `event`. */
function runZip(dir: string, event: unknown) {
  const script = `
    const { handler } = require("./index.js");
    handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 60000 })
      .then((result) => process.stdout.write("RESULT " + JSON.stringify(result) + "\\n"));`;
  return run(process.execPath, ["--no-warnings", "-e", script], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"],
      NODE_PATH: SDK_PATHS,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDFAKE",
      AWS_SECRET_ACCESS_KEY: "fake-secret",
      AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
      AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
    },
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "migrator-build-"));
  codepipeline = await startFakeCodePipeline();
  lambdaApi = await startFakeLambdaApi(() =>
    functionAnswer({
      zonke: "manage",
      exitCode: 1,
      output: "django.db.utils.OperationalError: no such table",
    }),
  );
  [arm64, x64] = await Promise.all([build([], "arm64"), build(["--arch", "x86_64"], "x64")]);
}, 60_000);

afterAll(async () => {
  await Promise.all([codepipeline?.close(), lambdaApi?.close()]);
  rmSync(work, { recursive: true, force: true });
});

test("artifact.json describes the arm64 zip (the default)", () => {
  expect(arm64.artifact).toEqual({
    zip: "migrator-arm64.zip",
    sha256: createHash("sha256").update(arm64.zip).digest("hex"),
    architecture: "arm64",
    handler: "index.handler",
    runtime: "nodejs22.x",
    zipBytes: arm64.zip.length,
    unzippedBytes: (arm64.entries["index.js"] as Uint8Array).length,
  });
  expect(x64.artifact).toMatchObject({ zip: "migrator-x86_64.zip", architecture: "x86_64" });
});

test("the zip holds one minified index.js that leaves the SDK to the runtime", () => {
  expect(Object.keys(arm64.entries)).toEqual(["index.js"]);
  const code = Buffer.from(arm64.entries["index.js"] as Uint8Array).toString("utf8");
  expect(code).toContain('require("@aws-sdk/client-lambda")');
  expect(code).toContain('require("@aws-sdk/client-ecs")');
  expect(code).toContain('require("@aws-sdk/client-codepipeline")');
  expect(code).toContain('require("@aws-sdk/client-cloudwatch-logs")');
  expect(code).not.toContain("sourceMappingURL");
  // No request signing or HTTP code of its own: the runtime's SDK does that.
  expect(code).not.toContain("AWS4-HMAC-SHA256");
  expect(code).not.toMatch(/require\("(node:)?https?"\)/);
  expect(arm64.zip.length).toBeLessThan(20 * 1024);
});

test("the built handler runs a job and reports it; its stdout is JSON lines without credentials", async () => {
  const { id, event } = jobEvent({
    kind: "lambda",
    functionName: "shop-prod-django",
    qualifier: "42",
  });
  const { stdout, stderr } = await runZip(x64.dir, event);
  const lines = stdout.trim().split("\n");
  const result = JSON.parse((lines.pop() as string).replace(/^RESULT /, ""));
  expect(result).toEqual({ jobId: id, result: "failed", failureType: "JobFailed", reported: true });
  expect(lines.map((line) => JSON.parse(line).step)).toEqual([
    "job",
    "target",
    "invoke",
    "invoked",
    "reported",
  ]);
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].message).toMatch(
    /^Migration failed: manage\.py migrate --noinput exited 1 on shop-prod-django:42\..*\n--- output ---\ndjango\.db\.utils\.OperationalError: no such table$/,
  );
  expectNoCredentials([stdout, stderr]);
  expect(stdout).not.toContain(ARTIFACT_CREDENTIALS.secretAccessKey);
});
