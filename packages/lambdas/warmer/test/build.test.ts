// The built zip, as Lambda runs it: extracted to a directory, `require("./index.js")` with only
// the SDK provided from outside (the nodejs22.x runtime ships it), invoked against the fake API.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { answer, startFakeLambdaApi, type FakeLambdaApi } from "./support/fake-lambda-api";

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, "..");
// Where Node finds @aws-sdk/client-lambda (and its @smithy deps) here; Lambda's runtime has its own.
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
let api: FakeLambdaApi;

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

/** Loads the extracted index.js in a fresh Node with `env`, runs the handler on `event`. */
function runZip(dir: string, env: Record<string, string>, event: unknown) {
  const script = `
    const { handler } = require("./index.js");
    handler(${JSON.stringify(event)}).then((result) => process.stdout.write("RESULT " + JSON.stringify(result) + "\\n"));`;
  return run(process.execPath, ["-e", script], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"],
      NODE_PATH: SDK_PATHS,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDFAKE",
      AWS_SECRET_ACCESS_KEY: "fake-secret",
      AWS_ENDPOINT_URL_LAMBDA: api.endpoint,
      ...env,
    },
  });
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "warmer-build-"));
  api = await startFakeLambdaApi(() =>
    answer({ zonke: "warm", instanceId: `id-${api.requests.length}`, coldStart: false }),
  );
  [arm64, x64] = await Promise.all([build([], "arm64"), build(["--arch", "x86_64"], "x64")]);
}, 60_000);

afterAll(async () => {
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

test("artifact.json describes the arm64 zip (the default)", () => {
  expect(arm64.artifact).toEqual({
    zip: "warmer-arm64.zip",
    sha256: createHash("sha256").update(arm64.zip).digest("hex"),
    architecture: "arm64",
    handler: "index.handler",
    runtime: "nodejs22.x",
    zipBytes: arm64.zip.length,
    unzippedBytes: (arm64.entries["index.js"] as Uint8Array).length,
  });
  expect(x64.artifact).toMatchObject({ zip: "warmer-x86_64.zip", architecture: "x86_64" });
});

test("the zip holds one minified index.js that leaves the SDK to the runtime", () => {
  expect(Object.keys(arm64.entries)).toEqual(["index.js"]);
  const code = Buffer.from(arm64.entries["index.js"] as Uint8Array).toString("utf8");
  expect(code).toContain('require("@aws-sdk/client-lambda")');
  expect(code).not.toContain("sourceMappingURL");
  expect(arm64.zip.length).toBeLessThan(10 * 1024);
});

test("an unknown --arch fails the build with the allowed values", async () => {
  await expect(
    run(process.execPath, ["scripts/build.mjs", "--arch", "arm", "--out-dir", work], {
      cwd: PACKAGE_DIR,
    }),
  ).rejects.toMatchObject({ stderr: expect.stringContaining('--arch "arm" is not allowed') });
});

test("the built handler warms the configured targets and logs one line per target", async () => {
  const before = api.requests.length;
  const { stdout } = await runZip(
    x64.dir,
    { WARMER_TARGETS: '[{"functionName":"web","count":3}]', WARMER_DELAY_MS: "10" },
    { source: "aws.events", "detail-type": "Scheduled Event", detail: {} },
  );
  const lines = stdout.trim().split("\n");
  const log = JSON.parse(lines[0] as string);
  expect(log).toMatchObject({ level: "info", message: "warmed", functionName: "web", reached: 3 });
  const result = JSON.parse((lines.at(-1) as string).replace(/^RESULT /, ""));
  expect(result.targets[0]).toMatchObject({ requested: 3, reached: 3, coldStarts: 0 });
  expect(api.requests.length - before).toBe(3);
});

test("the built handler fails at init on a bad config, naming the variable", async () => {
  await expect(runZip(arm64.dir, { WARMER_TARGETS: "[]" }, {})).rejects.toMatchObject({
    stderr: expect.stringContaining("WARMER_TARGETS must be a non-empty JSON array of targets"),
  });
});
