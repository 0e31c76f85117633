import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import sharp from "sharp";
import { normaliseImageConfig } from "../src/image-config";
import { startUpstream } from "./helpers";

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, "..");
const REPO_NODE_MODULES = path.resolve(PACKAGE_DIR, "../../../node_modules");
const MANIFEST = path.join(__dirname, "fixtures", "images-manifest.json");

let work: string;

interface Built {
  artifact: Record<string, unknown>;
  zip: Buffer;
  entries: Record<string, Uint8Array>;
}

async function build(args: string[], outDir: string): Promise<Built> {
  await run(process.execPath, ["scripts/build.mjs", ...args, "--out-dir", outDir], {
    cwd: PACKAGE_DIR,
  });
  const artifact = JSON.parse(readFileSync(path.join(outDir, "artifact.json"), "utf8"));
  const zip = readFileSync(path.join(outDir, artifact.zip));
  return { artifact, zip, entries: unzipSync(zip) };
}

let arm64: Built;
let x64: Built;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "image-optimizer-build-"));
  const app = path.join(work, "app");
  mkdirSync(path.join(app, ".next"), { recursive: true });
  copyFileSync(MANIFEST, path.join(app, ".next", "images-manifest.json"));
  [arm64, x64] = await Promise.all([
    build(["--next-dir", app], path.join(work, "arm64")),
    build(["--arch", "x86_64"], path.join(work, "x64")),
  ]);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the arm64 zip (default)", () => {
  test("artifact.json describes the zip", () => {
    expect(arm64.artifact).toEqual({
      zip: "image-optimizer-arm64.zip",
      sha256: createHash("sha256").update(arm64.zip).digest("hex"),
      architecture: "arm64",
      handler: "index.handler",
      runtime: "nodejs22.x",
      zipBytes: arm64.zip.length,
      unzippedBytes: Object.values(arm64.entries).reduce((sum, e) => sum + e.length, 0),
    });
  });

  test("holds the handler, the config and sharp with arm64 natives only", () => {
    const names = Object.keys(arm64.entries);
    expect(names).toEqual(
      expect.arrayContaining([
        "index.js",
        "config.json",
        "node_modules/sharp/package.json",
        "node_modules/sharp/dist/index.cjs",
        "node_modules/sharp/dist/sharp.cjs",
        "node_modules/@img/sharp-linux-arm64/package.json",
        "node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64-0.35.5.node",
        "node_modules/@img/sharp-libvips-linux-arm64/lib/libvips-cpp.so.8.18.7",
        "node_modules/detect-libc/package.json",
        "node_modules/semver/package.json",
        "node_modules/@img/colour/package.json",
      ]),
    );
    expect(names.filter((n) => /x64|x86/.test(n))).toEqual([]);
    expect(names.filter((n) => /\.map$|\.d\.[cm]?ts$|README|\.h$|\.mjs$|\/bin\//.test(n))).toEqual(
      [],
    );
    expect(names.filter((n) => n.startsWith("node_modules/@aws-sdk"))).toEqual([]);
    const binding = Buffer.from(
      arm64.entries[
        "node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64-0.35.5.node"
      ] as Uint8Array,
    );
    expect(binding.readUInt16LE(18)).toBe(183); // ELF e_machine: AArch64
  });

  test("index.js is minified, bundles our code and leaves the SDK and sharp to require", () => {
    const code = Buffer.from(arm64.entries["index.js"] as Uint8Array).toString("utf8");
    expect(code).toContain('require("@aws-sdk/client-s3")');
    expect(code).toContain('require("sharp")');
    expect(code).not.toContain("sourceMappingURL");
    expect(code.split("\n").length).toBeLessThan(10);
  });

  test("--next-dir embeds the app's images-manifest.json as config.json", () => {
    const config = JSON.parse(Buffer.from(arm64.entries["config.json"] as Uint8Array).toString());
    const manifest = JSON.parse(readFileSync(MANIFEST, "utf8"));
    expect(config).toEqual(normaliseImageConfig(manifest.images).config);
    expect(config.qualities).toEqual([50, 75, 90]);
    expect(config.formats).toEqual(["image/avif", "image/webp"]);
  });

  test("entries are sorted and timestamped identically (reproducible bytes)", () => {
    const names = Object.keys(arm64.entries);
    expect(names).toEqual([...names].sort());
    const dosDates = new Set<number>();
    for (let at = 0; (at = arm64.zip.indexOf("PK\x01\x02", at)) !== -1; at += 4) {
      dosDates.add(arm64.zip.readUInt32LE(at + 12));
    }
    expect(dosDates.size).toBe(1);
  });
});

describe("the x86_64 zip", () => {
  test("without --next-dir uses Next 16's defaults and x64 natives", () => {
    expect(x64.artifact["architecture"]).toBe("x86_64");
    const config = JSON.parse(Buffer.from(x64.entries["config.json"] as Uint8Array).toString());
    expect(config).toEqual(normaliseImageConfig({}).config);
    const names = Object.keys(x64.entries);
    expect(names).toContain("node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node");
    expect(names.filter((n) => /arm64/.test(n))).toEqual([]);
  });

  test("runs: the bundle loads its own sharp and optimises an image read from (fake) S3", async () => {
    const dir = path.join(work, "x64-unzipped");
    for (const [name, bytes] of Object.entries(x64.entries)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), bytes);
    }
    const png = await sharp({
      create: { width: 800, height: 600, channels: 3, background: "#f80" },
    })
      .png()
      .toBuffer();
    const s3 = await startUpstream({
      "/bucket/assets/photo.png": (_req, res) => {
        res.writeHead(200, { "content-type": "image/png", "content-length": String(png.length) });
        res.end(png);
      },
    });
    try {
      const script = `
        const { handler } = require("./index.js");
        const event = (qs, method = "GET") => ({ rawQueryString: qs, headers: { accept: "image/webp" },
          requestContext: { http: { method } } });
        (async () => {
          const results = [];
          for (const [qs, method] of [["url=%2Fphoto.png&w=640&q=75"], ["url=%2F%2Fevil&w=640&q=75"], ["", "POST"]]) {
            const r = await handler(event(qs, method));
            results.push({ status: r.statusCode, type: r.headers["content-type"], body: r.body });
          }
          console.log(JSON.stringify({ sharp: require.resolve("sharp"), results }));
        })();`;
      const { stdout } = await run(process.execPath, ["-e", script], {
        cwd: dir,
        env: {
          PATH: process.env["PATH"],
          NODE_PATH: REPO_NODE_MODULES, // only for @aws-sdk, which Lambda's runtime provides
          ASSETS_BUCKET: "bucket",
          AWS_REGION: "eu-west-1",
          AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3.port}`,
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          AWS_EC2_METADATA_DISABLED: "true",
        },
      });
      const out = JSON.parse(stdout.trim().split("\n").pop() as string);
      expect(out.sharp).toBe(path.join(dir, "node_modules", "sharp", "dist", "index.cjs"));
      const [ok, bad, post] = out.results;
      expect([ok.status, ok.type]).toEqual([200, "image/webp"]);
      const meta = await sharp(Buffer.from(ok.body, "base64")).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(["webp", 640, 480]);
      expect(bad.status).toBe(400);
      expect(post.status).toBe(405);
      expect(s3.requests.map((r) => r.url.split("?")[0])).toEqual(["/bucket/assets/photo.png"]);
    } finally {
      await s3.close();
    }
  });
});
