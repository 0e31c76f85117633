import * as fs from "node:fs";
import * as path from "node:path";
import { collectLocalFiles, NEXTJS_SOURCES, staticSources, UsageError } from "../src";
import { makeNextApp, sha256, tempDir, writeFile } from "./helpers";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("collectLocalFiles", () => {
  it("hashes every file and skips .next files outside .next/static", async () => {
    const app = makeNextApp({ ".next/static/a.js": "a", "public/b.txt": "bb" });
    dirs.push(app);
    const files = await collectLocalFiles(app, NEXTJS_SOURCES);
    expect(files.map((f) => [f.key, f.sha256, f.size, f.immutable])).toEqual([
      ["assets/_next/static/a.js", sha256("a"), 1, true],
      ["assets/b.txt", sha256("bb"), 2, false],
    ]);
  });

  it("accepts a Next.js build without public/", async () => {
    const app = makeNextApp({ ".next/static/a.js": "a" });
    dirs.push(app);
    expect(await collectLocalFiles(app, NEXTJS_SOURCES)).toHaveLength(1);
  });

  it("follows symbolic links to files and folders, but not a loop back to an ancestor", async () => {
    const root = tempDir("links");
    dirs.push(root);
    writeFile(root, "real/a.txt", "a");
    fs.symlinkSync(path.join(root, "real"), path.join(root, "linked"));
    fs.symlinkSync(path.join(root, "real/a.txt"), path.join(root, "b.txt"));
    fs.symlinkSync(root, path.join(root, "real/loop"));
    fs.symlinkSync(path.join(root, "missing"), path.join(root, "broken.txt"));
    const files = await collectLocalFiles(root, staticSources("/"));
    // real/loop points at the root being walked: skipped, as is the broken link.
    expect(files.map((f) => f.urlPath)).toEqual(["/b.txt", "/linked/a.txt", "/real/a.txt"]);
  });

  it("refuses two files served at one URL, naming both", async () => {
    const app = makeNextApp({ ".next/static/a.js": "a", "public/_next/static/a.js": "b" });
    dirs.push(app);
    const error = await collectLocalFiles(app, NEXTJS_SOURCES).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /\.next\/static\/a\.js and .*public\/_next\/static\/a\.js would both be served at \/_next\/static\/a\.js: rename one/,
    );
  });

  it("refuses a file name a browser cannot request as-is", async () => {
    const app = makeNextApp({ ".next/static/a.js": "a", "public/bad\\name.png": "x" });
    dirs.push(app);
    await expect(collectLocalFiles(app, NEXTJS_SOURCES)).rejects.toThrow(
      'cannot serve "/bad\\name.png": it contains a backslash, which browsers read as /',
    );
  });
});
