/**
 * zonke-next-package: the zip built by the global setup (the real example-next build), a second
 * run for determinism, and small fake standalone builds for the rules, the errors and the limit.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { collectFiles } from "../src/packaging/collect";
import { exclusionReason } from "../src/packaging/select";
import { fixture } from "./support/fixture";

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(__dirname, "..");
const CLI = path.join(PACKAGE_DIR, "scripts/package.mjs");
const APP_DIR = path.dirname(require.resolve("example-next/package.json"));

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "zonke-next-package-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the example-next package", () => {
  const artifact = () => JSON.parse(readFileSync(fixture().artifactFile, "utf8"));
  const entries = () => unzipSync(readFileSync(fixture().zipFile));

  it("is described by artifact.json", () => {
    const zip = readFileSync(fixture().zipFile);
    const names = entries();
    expect(artifact()).toEqual({
      zip: "next-server-arm64.zip",
      sha256: createHash("sha256").update(zip).digest("hex"),
      architecture: "arm64",
      handler: "index.handler",
      runtime: "nodejs22.x",
      zipBytes: zip.length,
      unzippedBytes: Object.values(names).reduce((sum, bytes) => sum + bytes.length, 0),
    });
  });

  it("holds the handler, the manifest and the standalone server", () => {
    const names = Object.keys(entries());
    expect(names).toEqual(
      expect.arrayContaining([
        "index.mjs",
        "zonke-next.json",
        "apps/example-next/server.js",
        "apps/example-next/package.json",
        "apps/example-next/.next/required-server-files.json",
        "apps/example-next/.next/BUILD_ID",
        "apps/example-next/.next/server/middleware.js",
        "apps/example-next/node_modules/next/package.json",
        "apps/example-next/node_modules/react/package.json",
      ]),
    );
    expect(JSON.parse(Buffer.from(entries()["zonke-next.json"]!).toString())).toEqual({
      appDir: "apps/example-next",
    });
    // The handler is the adapter of this build, byte for byte.
    expect(
      Buffer.from(entries()["index.mjs"]!).equals(
        readFileSync(path.join(PACKAGE_DIR, "dist/adapter.mjs")),
      ),
    ).toBe(true);
  });

  it("leaves out sharp, @img, source maps, build caches, declarations and static assets", () => {
    const names = Object.keys(entries());
    expect(names.filter((n) => /(^|\/)node_modules\/(sharp|@img)\//.test(n))).toEqual([]);
    expect(names.filter((n) => n.endsWith(".map"))).toEqual([]);
    expect(names.filter((n) => n.includes(".next/cache/"))).toEqual([]);
    expect(names.filter((n) => /\.d\.[cm]?ts$/.test(n))).toEqual([]);
    expect(names.filter((n) => n.startsWith("apps/example-next/.next/static/"))).toEqual([]);
    expect(names.filter((n) => n.startsWith("apps/example-next/public/"))).toEqual([]);
  });

  it("really has no sharp for the server to find", () => {
    const appRequire = createRequire(path.join(fixture().taskRoot, "apps/example-next/server.js"));
    expect(() => appRequire.resolve("sharp")).toThrow(/Cannot find module 'sharp'/);
    expect(appRequire.resolve("next")).toContain(fixture().taskRoot);
  });

  it("indexes the relative requires of what it ships, each where Node.js's own resolver finds it", async () => {
    const { taskRoot } = fixture();
    const index = JSON.parse(
      readFileSync(path.join(taskRoot, "zonke-require-index.json"), "utf8"),
    ) as Record<string, Record<string, string>>;
    const entries = Object.values(index).reduce((sum, dir) => sum + Object.keys(dir).length, 0);
    expect(entries).toBeGreaterThan(500);
    // In a plain Node process (jest has a resolver of its own), on the extracted package.
    const script = `
      const { createRequire } = require("node:module");
      const path = require("node:path");
      const [root, file] = process.argv.slice(1);
      const index = JSON.parse(require("node:fs").readFileSync(file, "utf8"));
      const wrong = [];
      for (const [dir, requests] of Object.entries(index)) {
        const from = createRequire(path.join(root, dir, "importer.js"));
        for (const [request, target] of Object.entries(requests)) {
          let found;
          try { found = from.resolve(request); } catch (error) { found = error.code; }
          if (found !== path.join(root, dir, target)) wrong.push([dir, request, target, found]);
        }
      }
      process.stdout.write(JSON.stringify(wrong));
    `;
    const { stdout } = await run(process.execPath, [
      "-e",
      script,
      taskRoot,
      path.join(taskRoot, "zonke-require-index.json"),
    ]);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it("printed the sizes and the ten largest files", () => {
    const log = fixture().packageLog;
    expect(log).toMatch(/\d+ files: \d+\.\d MiB zipped, \d+\.\d MiB unzipped \(arm64\)/);
    expect(log).toMatch(/left out \d+ files \([\d.]+ MiB\): sharp and @img/);
    const largest = log.split("\n").filter((line) => /^next-server: +[\d.]+ KiB {2}\S/.test(line));
    expect(largest).toHaveLength(10);
  });

  it("is the same zip, byte for byte, when packaged again", async () => {
    const outDir = path.join(work, "again");
    await run(process.execPath, [CLI, "--app", APP_DIR, "--out", outDir]);
    const again = JSON.parse(readFileSync(path.join(outDir, "artifact.json"), "utf8"));
    expect(again.sha256).toBe(artifact().sha256);
  });
});

describe("zonke-next-package errors", () => {
  it("says to run next build with output: 'standalone' when there is no standalone build", async () => {
    const app = path.join(work, "not-built");
    mkdirSync(path.join(app, ".next"), { recursive: true });
    const error = await run(process.execPath, [CLI, "--app", app]).catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(
      /standalone does not exist: run next build with output: 'standalone'/,
    );
    expect(error.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses an unknown architecture and a missing --app", async () => {
    const arch = await run(process.execPath, [CLI, "--app", APP_DIR, "--arch", "mips"]).catch(
      (e) => e,
    );
    expect(arch.stderr).toMatch(/--arch "mips" is not allowed; use arm64 \(default\) or x86_64/);
    const app = await run(process.execPath, [CLI]).catch((e) => e);
    expect(app.stderr).toMatch(/--app <app dir> is required/);
  });
});

describe("packaging rules on a small standalone build", () => {
  const relativeAppDir = "apps/web";

  function fakeApp(name: string): string {
    const app = path.join(work, name, relativeAppDir);
    const standalone = path.join(app, ".next", "standalone");
    const files: Record<string, string> = {
      [`${relativeAppDir}/server.js`]: "// server",
      [`${relativeAppDir}/package.json`]: "{}",
      [`${relativeAppDir}/.next/BUILD_ID`]: "b1",
      [`${relativeAppDir}/.next/required-server-files.json`]: "{}",
      [`${relativeAppDir}/.next/server/app/page.js`]: "x".repeat(2000),
      [`${relativeAppDir}/.next/server/app/page.js.map`]: "{}",
      [`${relativeAppDir}/.next/cache/images/a.webp`]: "img",
      [`${relativeAppDir}/.next/static/chunks/a.js`]: "chunk",
      [`${relativeAppDir}/public/logo.png`]: "png",
      "node_modules/next/package.json": "{}",
      "node_modules/sharp/package.json": "{}",
      "node_modules/@img/sharp-linux-arm64/lib/sharp.node": "native",
      "node_modules/lib/README.md": "docs",
      "node_modules/lib/CHANGELOG.md": "docs",
      "node_modules/lib/LICENSE": "MIT",
      "node_modules/lib/history.js": "module.exports = 1",
      "node_modules/lib/index.d.ts": "export {}",
      "shared/linked/index.js": "module.exports = 2",
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(standalone, file)), { recursive: true });
      writeFileSync(path.join(standalone, file), text);
    }
    symlinkSync("../shared/linked", path.join(standalone, "node_modules/linked"));
    writeFileSync(
      path.join(app, ".next", "required-server-files.json"),
      JSON.stringify({ version: 1, config: {}, relativeAppDir, files: [], ignore: [] }),
    );
    return app;
  }

  /** Calls the packager module in a child process (it is an ES module; jest runs CommonJS). */
  async function packageWith(app: string, maxUnzippedBytes: number) {
    const script = `
      import { packageNextApp } from ${JSON.stringify(pathToFileURL(path.join(PACKAGE_DIR, "dist/packager.mjs")).href)};
      import { writeLambdaArtifact } from "@zonke/lambda-build";
      const [app, outDir, max] = process.argv.slice(1);
      try {
        const result = packageNextApp({ appDir: app, outDir, architecture: "x86_64", maxUnzippedBytes: Number(max),
          adapter: new TextEncoder().encode("export const handler = 1;\\n"), writeArtifact: writeLambdaArtifact });
        console.log(JSON.stringify({ ok: true, result }));
      } catch (error) {
        console.log(JSON.stringify({ ok: false, name: error.name, message: error.message }));
      }`;
    const outDir = path.join(app, ".zonke", "build", "next-server");
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", script, app, outDir, String(maxUnzippedBytes)],
      { cwd: PACKAGE_DIR },
    );
    return { outDir, ...JSON.parse(stdout.trim().split("\n").pop()!) };
  }

  it("keeps what the server needs and leaves out the rest, following links", async () => {
    const packaged = await packageWith(fakeApp("rules"), 250 * 1024 * 1024);
    expect(packaged.ok).toBe(true);
    const names = Object.keys(unzipSync(readFileSync(packaged.result.zipFile))).sort();
    expect(names).toEqual([
      "apps/web/.next/BUILD_ID",
      "apps/web/.next/required-server-files.json",
      "apps/web/.next/server/app/page.js",
      "apps/web/package.json",
      "apps/web/server.js",
      "index.mjs",
      "node_modules/lib/LICENSE",
      "node_modules/lib/history.js",
      "node_modules/linked/index.js",
      "node_modules/next/package.json",
      "shared/linked/index.js",
      "zonke-next.json",
      "zonke-require-index.json",
    ]);
    expect(packaged.result.zipFile).toBe(path.join(packaged.outDir, "next-server-x86_64.zip"));
  });

  it("fails with the limit and the largest files when the package is too big", async () => {
    const packaged = await packageWith(fakeApp("too-big"), 1000);
    expect(packaged).toMatchObject({ ok: false, name: "PackagingError" });
    expect(packaged.message).toMatch(
      /the package is 0\.0 MiB unzipped, over the limit of 0\.0 MiB \(Lambda's limit for a zip's unpacked code is 250 MiB\)/,
    );
    expect(packaged.message).toMatch(/2\.0 KiB {2}apps\/web\/\.next\/server\/app\/page\.js/);
    expect(packaged.message).toMatch(/outputFileTracingExcludes/);
  });
});

describe("exclusionReason", () => {
  it.each([
    ["node_modules/sharp/lib/index.js", "sharp and @img (the image optimiser's job)"],
    [
      "apps/web/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so",
      "sharp and @img (the image optimiser's job)",
    ],
    ["node_modules/next/dist/server/next-server.js.map", "source maps"],
    ["node_modules/next/dist/server/next-server.d.ts", "TypeScript declarations"],
    ["apps/web/.next/cache/fetch-cache/x", "build caches (.next/cache)"],
    ["apps/web/.next/static/chunks/main.js", "static assets (served from S3)"],
    ["apps/web/public/favicon.ico", "static assets (served from S3)"],
    ["node_modules/pkg/Readme.markdown", "READMEs and changelogs"],
  ])("leaves out %s: %s", (file, reason) => {
    expect(exclusionReason(file, "apps/web")).toBe(reason);
  });

  it.each([
    "node_modules/pkg/LICENSE",
    "node_modules/pkg/LICENCE.md",
    "node_modules/history/index.js",
    "node_modules/pkg/readme.js",
    "node_modules/sharpie/index.js",
    "apps/web/.next/server/app/public/page.js",
    "apps/other/public/x.png",
    "node_modules/pkg/types.d.ts.js",
  ])("keeps %s", (file) => {
    expect(exclusionReason(file, "apps/web")).toBeUndefined();
  });

  it("finds the static folders of an app at the standalone root", () => {
    expect(exclusionReason("public/logo.png", ".")).toBeDefined();
    expect(exclusionReason(".next/static/x.js", ".")).toBeDefined();
  });
});

describe("collectFiles", () => {
  it("follows links to files and directories and stops at a link cycle", () => {
    const root = path.join(work, "cycle");
    mkdirSync(path.join(root, "a"), { recursive: true });
    writeFileSync(path.join(root, "a", "file.txt"), "x");
    symlinkSync("..", path.join(root, "a", "up"));
    symlinkSync("a/file.txt", path.join(root, "alias.txt"));
    const { files } = collectFiles(root, () => undefined);
    expect([...files.keys()]).toEqual(["a/file.txt", "alias.txt"]);
  });
});
