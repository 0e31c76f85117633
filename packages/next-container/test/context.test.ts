/**
 * The build context zonke-next-image writes, from example-next's real standalone output: what
 * goes in (the traced server, byte for byte), what stays out and why, and what is refused.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import {
  disableIsrFlushToDisk,
  exclusionReason,
  isRefused,
  prepareContext,
} from "../src/prepare-context";
import { ImageError } from "../src/errors";
import { listTree } from "./support/container";
import { fixture } from "./support/fixture";

const { appDir, contextDir, cliOut, cliErr, cli, workDir } = fixture();
const APP = "apps/example-next";
const standalone = path.join(appDir, ".next", "standalone");

function files(dir: string): string[] {
  return listTree(dir).filter((rel) => !lstatSync(path.join(dir, rel)).isDirectory());
}

function runCli(args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
}

describe("the context of example-next's standalone build", () => {
  const contextFiles = files(contextDir);

  test("holds the Dockerfile and the app tree only", () => {
    expect(new Set(contextFiles.map((rel) => rel.split("/")[0]))).toEqual(
      new Set(["Dockerfile", "app"]),
    );
  });

  test("holds server.js at the app's path, its build and the traced node_modules", () => {
    for (const file of [
      `${APP}/server.js`,
      `${APP}/package.json`,
      `${APP}/.next/BUILD_ID`,
      `${APP}/.next/required-server-files.json`,
      `${APP}/.next/routes-manifest.json`,
      `${APP}/.next/server/app/static.html`,
      `${APP}/node_modules/next/package.json`,
      `${APP}/node_modules/next/dist/server/lib/start-server.js`,
      `${APP}/node_modules/react-dom/package.json`,
      "node_modules/styled-jsx/package.json",
      "node_modules/@swc/helpers/package.json",
    ]) {
      expect(contextFiles).toContain(`app/${file}`);
    }
  });

  test("every file of the standalone build is copied byte for byte, or left out for a reason", () => {
    const patched = new Set([`${APP}/server.js`, `${APP}/.next/required-server-files.json`]);
    let copied = 0;
    for (const rel of files(standalone)) {
      const reason = isRefused(rel) ? "refused" : exclusionReason(rel, APP);
      const inContext = contextFiles.includes(`app/${rel}`);
      expect({ rel, inContext }).toEqual({ rel, inContext: reason === undefined });
      if (reason !== undefined || patched.has(rel)) continue;
      const source = readFileSync(path.join(standalone, rel));
      expect(readFileSync(path.join(contextDir, "app", rel)).equals(source)).toBe(true);
      copied += 1;
    }
    expect(copied).toBeGreaterThan(1000);
  });

  test("leaves out sharp and @img, source maps and the build's traces; says so", () => {
    const leftOut = contextFiles.filter((rel) =>
      /node_modules\/(?:sharp|@img)\/|\.map$|\.nft\.json$|\.d\.ts$/.test(rel),
    );
    expect(leftOut).toEqual([]);
    expect(files(standalone).some((rel) => rel.startsWith("node_modules/sharp/"))).toBe(true);
    expect(cliOut).toMatch(
      /left out sharp and @img \(\/_next\/image is the image optimiser's\): \d+ files/,
    );
    expect(cliOut).toContain("context for apps/example-next:");
    expect(cliErr).toBe("");
  });

  test("no .next/static, public/, .next/cache or .env file", () => {
    expect(
      contextFiles.filter((rel) =>
        /(?:^|\/)\.next\/(?:static|cache)\/|^app\/apps\/example-next\/public\/|(?:^|\/)\.env/.test(
          rel,
        ),
      ),
    ).toEqual([]);
  });

  test("files are 0644 (0755 if executable), directories 0755", () => {
    const modes = new Set(
      listTree(contextDir).map((rel) => {
        const stats = lstatSync(path.join(contextDir, rel));
        return `${stats.isDirectory() ? "d" : "f"}${(stats.mode & 0o7777).toString(8)}`;
      }),
    );
    for (const mode of modes) expect(["d755", "f644", "f755"]).toContain(mode);
  });

  test("the config turns isrFlushToDisk off and changes nothing else", () => {
    const configOf = (file: string) =>
      JSON.parse(/^const nextConfig = (.*)$/m.exec(readFileSync(file, "utf8"))?.[1] ?? "null");
    const before = configOf(path.join(standalone, APP, "server.js"));
    const after = configOf(path.join(contextDir, "app", APP, "server.js"));
    expect(before.experimental.isrFlushToDisk).toBe(true);
    expect(after.experimental.isrFlushToDisk).toBe(false);
    expect({ ...after, experimental: { ...after.experimental, isrFlushToDisk: true } }).toEqual(
      before,
    );
    // The rest of server.js is Next.js's own.
    const strip = (file: string) =>
      readFileSync(file, "utf8").replace(/^const nextConfig = .*$/m, "");
    expect(strip(path.join(contextDir, "app", APP, "server.js"))).toBe(
      strip(path.join(standalone, APP, "server.js")),
    );
    const manifest = (dir: string) =>
      JSON.parse(readFileSync(path.join(dir, APP, ".next", "required-server-files.json"), "utf8"));
    const original = manifest(standalone);
    const patched = manifest(path.join(contextDir, "app"));
    expect(patched.config.experimental.isrFlushToDisk).toBe(false);
    original.config.experimental.isrFlushToDisk = false;
    expect(patched).toEqual(original);
  });
});

describe("a standalone tree holding what the image must not", () => {
  // A copy of the app's build, as a user would leave it after following the standalone docs
  // (static files and public/ copied next to server.js), plus env files and a build cache.
  const dirtyApp = path.join(workDir, "dirty-app");
  const tree = path.join(dirtyApp, ".next", "standalone");
  const SECRET = "zonke-test-secret-6f1d2a";
  let result: ReturnType<typeof runCli>;
  const out = path.join(workDir, "dirty-context");

  beforeAll(() => {
    mkdirSync(path.join(dirtyApp, ".next"), { recursive: true });
    for (const name of ["standalone", "required-server-files.json", "BUILD_ID"]) {
      cpSync(path.join(appDir, ".next", name), path.join(dirtyApp, ".next", name), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    cpSync(path.join(appDir, ".next", "static"), path.join(tree, APP, ".next", "static"), {
      recursive: true,
    });
    cpSync(path.join(appDir, "public"), path.join(tree, APP, "public"), { recursive: true });
    writeFileSync(path.join(tree, APP, ".env"), `GREETING_SECRET=${SECRET}\n`);
    writeFileSync(path.join(tree, APP, ".env.production"), `DB_PASSWORD=${SECRET}\n`);
    writeFileSync(path.join(tree, ".env.local"), `TOKEN=${SECRET}\n`);
    writeFileSync(path.join(tree, ".npmrc"), `//registry.npmjs.org/:_authToken=${SECRET}\n`);
    mkdirSync(path.join(tree, APP, ".next", "cache", "fetch-cache"), { recursive: true });
    writeFileSync(path.join(tree, APP, ".next", "cache", "fetch-cache", "entry"), SECRET);
    // A link inside the tree (as pnpm makes them) stays a link.
    symlinkSync("styled-jsx", path.join(tree, "node_modules", "styled-jsx-alias"));
    result = runCli(["--app", dirtyApp, "--context-only", out]);
  });

  test("succeeds and names every refused file on stderr", () => {
    expect(result.status).toBe(0);
    for (const file of [`${APP}/.env`, `${APP}/.env.production`, ".env.local", ".npmrc"]) {
      expect(result.stderr).toContain(`refused to copy ${file}: environment and credential files`);
    }
    expect(result.stdout).toMatch(
      /left out static assets \(\.next\/static, public\/: served from S3\): \d+ files/,
    );
    expect(result.stdout).toMatch(/left out build caches \(\.next\/cache\): 1 files/);
  });

  test("the context has none of them, and the secret appears in no file", () => {
    const inContext = files(out);
    expect(
      inContext.filter((rel) =>
        /(?:^|\/)\.env|(?:^|\/)\.npmrc$|\.next\/(?:static|cache)(?:\/|$)|^app\/apps\/example-next\/public(?:\/|$)/.test(
          rel,
        ),
      ),
    ).toEqual([]);
    expect(
      listTree(out).filter((rel) => /\.next\/(?:static|cache)$|example-next\/public$/.test(rel)),
    ).toEqual([]);
    for (const rel of inContext) {
      if (lstatSync(path.join(out, rel)).isSymbolicLink()) continue;
      expect({ rel, secret: readFileSync(path.join(out, rel)).includes(SECRET) }).toEqual({
        rel,
        secret: false,
      });
    }
    // Otherwise the same files as the clean build's context.
    expect(inContext.filter((rel) => !rel.includes("styled-jsx-alias"))).toEqual(files(contextDir));
  });

  test("keeps a link inside the tree as a link", () => {
    const link = path.join(out, "app", "node_modules", "styled-jsx-alias");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("styled-jsx");
  });

  test("refuses a link that leads out of the tree (exit 1)", () => {
    const outside = path.join(tree, "node_modules", "outside");
    symlinkSync("/etc", outside);
    try {
      const failed = runCli(["--app", dirtyApp, "--context-only", path.join(workDir, "ctx-link")]);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain(
        "zonke-next-image: node_modules/outside in the standalone tree links to /etc, outside it",
      );
    } finally {
      rmSync(outside);
    }
  });
});

describe("rules", () => {
  test.each([
    [`${APP}/.next/static/chunks/a.js`, "static assets (.next/static, public/: served from S3)"],
    [`${APP}/public/images/hero.jpg`, "static assets (.next/static, public/: served from S3)"],
    ["node_modules/sharp/lib/index.js", "sharp and @img (/_next/image is the image optimiser's)"],
    [
      "node_modules/@img/sharp-linux-x64/lib/x.node",
      "sharp and @img (/_next/image is the image optimiser's)",
    ],
    [`${APP}/.next/cache/fetch-cache/x`, "build caches (.next/cache)"],
    [`${APP}/.next/server/app/page.js.map`, "source maps"],
    ["node_modules/next/dist/server/index.d.ts", "TypeScript declarations"],
    [`${APP}/.next/server/app/page.js.nft.json`, "file traces of the build (.next/**/*.nft.json)"],
    ["node_modules/styled-jsx/README.md", "READMEs and changelogs"],
    // kept
    [`${APP}/server.js`, undefined],
    [`${APP}/.next/server/app/page.js`, undefined],
    ["node_modules/some-lib/public/logo.svg", undefined],
    ["node_modules/some-lib/static/x.js", undefined],
    ["node_modules/styled-jsx/LICENSE", undefined],
    [`${APP}/publications.js`, undefined],
  ])("%s: %s", (file, reason) => {
    expect(exclusionReason(file, APP)).toBe(reason);
  });

  test("public/ and .next/static of an app at the tree's root", () => {
    expect(exclusionReason("public/a.png", ".")).toMatch(/^static assets/);
    expect(exclusionReason(".next/static/a.js", ".")).toMatch(/^static assets/);
    expect(exclusionReason("apps/x/public/a.png", ".")).toBeUndefined();
  });

  test.each([
    [".env", true],
    [`${APP}/.env.production`, true],
    [".env.local", true],
    ["node_modules/x/.env.example", true],
    [".npmrc", true],
    ["node_modules/dotenv/lib/main.js", false],
    [`${APP}/environment.js`, false],
    [".envrc.js", false],
  ])("refused %s: %s", (file, refused) => {
    expect(isRefused(file)).toBe(refused);
  });

  test("a server.js without the config line is refused with a message", () => {
    const dir = path.join(workDir, "odd-server");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "server.js"), "require('next')\n");
    expect(() =>
      disableIsrFlushToDisk(path.join(dir, "server.js"), path.join(dir, "missing.json")),
    ).toThrow(
      new ImageError(
        `${path.join(dir, "server.js")} has no "const nextConfig = {...}" line: this Next.js version's standalone server is not supported`,
      ),
    );
  });

  test("prepareContext refuses a non-empty context directory", () => {
    expect(() => prepareContext({ appDir, contextDir })).toThrow(
      /the context directory must be empty or not exist/,
    );
  });
});
