// The built zip, as Lambda@Edge runs it: extracted, `require("./index.js")` in a fresh Node with
// no node_modules and no environment, answering origin-request events.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { base64Body, originRequestEvent } from "./events";

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, "..");

let work: string;
let artifact: Record<string, unknown>;
let zip: Buffer;
let entries: Record<string, Uint8Array>;
let extracted: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "edge-signer-build-"));
  const outDir = path.join(work, "dist");
  await run(process.execPath, ["scripts/build.mjs", "--out-dir", outDir], { cwd: PACKAGE_DIR });
  artifact = JSON.parse(readFileSync(path.join(outDir, "artifact.json"), "utf8"));
  zip = readFileSync(path.join(outDir, artifact["zip"] as string));
  entries = unzipSync(zip);
  extracted = mkdtempSync(path.join(work, "function-"));
  for (const [name, bytes] of Object.entries(entries))
    writeFileSync(path.join(extracted, name), bytes);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

test("artifact.json describes an x86_64 zip (the only architecture Lambda@Edge runs)", () => {
  expect(artifact).toEqual({
    zip: "edge-signer-x86_64.zip",
    sha256: createHash("sha256").update(zip).digest("hex"),
    architecture: "x86_64",
    handler: "index.handler",
    runtime: "nodejs22.x",
    zipBytes: zip.length,
    unzippedBytes: (entries["index.js"] as Uint8Array).length,
  });
});

test("the zip is one small index.js that requires nothing but Node's crypto", () => {
  expect(Object.keys(entries)).toEqual(["index.js"]);
  expect(zip.length).toBeLessThan(4 * 1024);
  const code = Buffer.from(entries["index.js"] as Uint8Array).toString("utf8");
  const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
  expect(new Set(required)).toEqual(new Set(["node:crypto"]));
});

test("--arch arm64 is refused: Lambda@Edge does not run arm64 functions", async () => {
  await expect(
    run(process.execPath, ["scripts/build.mjs", "--arch", "arm64", "--out-dir", work], {
      cwd: PACKAGE_DIR,
    }),
  ).rejects.toMatchObject({
    stderr: expect.stringContaining("Lambda@Edge supports x86_64 only"),
  });
});

test("the extracted function answers origin-request events", async () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const events = [
    originRequestEvent({ body: base64Body(bytes) }),
    originRequestEvent({ method: "DELETE", body: { data: "" } }),
    originRequestEvent({ method: "GET", body: null }),
    originRequestEvent({ body: { ...base64Body(bytes), inputTruncated: true } }),
  ];
  const script = `
    const { handler } = require("./index.js");
    const events = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    Promise.all(events.map((event) => handler(event))).then((results) =>
      process.stdout.write("RESULTS " + JSON.stringify(results) + "\\n"));`;
  const child = run(process.execPath, ["-e", script], {
    cwd: extracted,
    env: { PATH: process.env["PATH"] },
  });
  child.child.stdin?.end(JSON.stringify(events));
  const { stdout } = await child;
  const results = JSON.parse((stdout.trim().split("\n").at(-1) as string).replace(/^RESULTS /, ""));
  const header = (result: { headers: Record<string, { value: string }[]> }) =>
    result.headers["x-amz-content-sha256"]?.[0]?.value;
  expect(header(results[0])).toBe(createHash("sha256").update(bytes).digest("hex"));
  expect(header(results[1])).toBe(createHash("sha256").update("").digest("hex"));
  expect(results[2]).toEqual(events[2]?.Records[0]?.cf.request);
  expect(results[3]).toMatchObject({ status: "413", statusDescription: "Payload Too Large" });
});
