/**
 * The require index: what the packager writes (buildRequireIndex, from the scan's resolutions),
 * and how the adapter answers relative requires from it (installIndex). The packaged example
 * app's whole index is checked against Node's own resolver in ./packaging.test.ts.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildRequireIndex } from "../src/packaging/require-index";
import { bundleForNode, inNode } from "./support/in-node";

describe("buildRequireIndex", () => {
  const files = new Map(
    Object.entries({
      "apps/web/server.js": "",
      "apps/web/node_modules/next/package.json": '{"name":"next","main":"./dist/server/next.js"}',
      "apps/web/node_modules/next/dist/server/next.js": "",
      "apps/web/node_modules/next/dist/server/config.js": "",
      "apps/web/node_modules/next/dist/lib/constants.js": "",
      "apps/web/node_modules/next/dist/lib/dir/index.js": "",
      "apps/web/node_modules/next/dist/lib/shadowed": "",
      "apps/web/node_modules/next/dist/lib/shadowed.js": "",
      "apps/web/node_modules/@swc/helpers/package.json": JSON.stringify({
        exports: { "./_/x": { "module-sync": "./esm/x.js", default: "./cjs/x.cjs" } },
      }),
      "apps/web/node_modules/@swc/helpers/cjs/x.cjs": "",
    }).map(([file, text]) => [file, Buffer.from(text)]),
  );
  const server = "apps/web/node_modules/next/dist/server";

  it("maps each directory's requests to the file, relative to the directory", () => {
    expect(
      buildRequireIndex(
        [
          [server, "./config", `${server}/config.js`],
          [server, "../lib/constants", "apps/web/node_modules/next/dist/lib/constants.js"],
          [server, "../lib/dir", "apps/web/node_modules/next/dist/lib/dir/index.js"],
          [server, "./next.js", `${server}/next.js`],
          ["apps/web", "./node_modules/next/dist/server/next", `${server}/next.js`],
          ["apps/web", "next", `${server}/next.js`],
        ],
        files,
      ),
    ).toEqual({
      "apps/web": {
        "./node_modules/next/dist/server/next": "./node_modules/next/dist/server/next.js",
        next: "./node_modules/next/dist/server/next.js",
      },
      [server]: {
        "../lib/constants": "../lib/constants.js",
        "../lib/dir": "../lib/dir/index.js",
        "./config": "./config.js",
        "./next.js": "./next.js",
      },
    });
  });

  it("leaves out what the final package, or another Node.js, could answer differently", () => {
    expect(
      buildRequireIndex(
        [
          // Trimmed after the scan resolved it.
          [server, "./gone", `${server}/gone.js`],
          // The package has a file named exactly like the request, which the scan did not see.
          [server, "../lib/shadowed", "apps/web/node_modules/next/dist/lib/shadowed.js"],
          // Leaves the package.
          [".", "../outside", "server.js"],
          // Node.js 22 requires with the module-sync condition, Node.js 20 without.
          ["apps/web", "@swc/helpers/_/x", "apps/web/node_modules/@swc/helpers/cjs/x.cjs"],
          // Absolute: where the package is unpacked is not known here.
          ["apps/web", "/var/task/apps/web/server.js", "apps/web/server.js"],
        ],
        files,
      ),
    ).toEqual({});
  });
});

describe("installIndex, in a Node process", () => {
  let root: string;
  let bundle: string;

  beforeAll(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), "zonke-require-index-")));
    mkdirSync(path.join(root, "lib"));
    for (const name of ["a", "b", "c"]) {
      writeFileSync(
        path.join(root, "lib", `${name}.js`),
        `module.exports = ${JSON.stringify(name)};`,
      );
    }
    writeFileSync(path.join(root, "main.js"), "");
    bundle = bundleForNode("require-index", root);
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  // An index that disagrees with the files, so that each answer shows where it came from.
  const INDEX = { ".": { "./lib/a": "./lib/b.js", pkg: "./lib/b.js", path: "./lib/b.js" } };

  it("answers the requires it holds, and leaves everything else to Node", () => {
    const result = inNode(
      bundle,
      `
      const installed = exports.installIndex(root, INDEX);
      const fromMain = createRequire(path.join(root, "main.js"));
      return {
        indexed: fromMain.resolve("./lib/a"),
        loaded: fromMain("./lib/a"),
        packageIndexed: fromMain.resolve("pkg"),
        notIndexed: fromMain.resolve("./lib/c"),
        withPaths: fromMain.resolve("./lib/a", { paths: [root] }),
        builtin: fromMain.resolve("path"),
        absolute: fromMain.resolve(path.join(root, "lib", "a.js")),
        otherDirectory: createRequire(path.join(root, "lib", "x.js")).resolve("./a"),
        stats: installed.stats,
      };
    `,
      { root, INDEX },
    );
    expect(result).toEqual({
      indexed: path.join(root, "lib", "b.js"),
      loaded: "b",
      packageIndexed: path.join(root, "lib", "b.js"),
      notIndexed: path.join(root, "lib", "c.js"),
      withPaths: path.join(root, "lib", "a.js"),
      builtin: "path",
      absolute: path.join(root, "lib", "a.js"),
      otherDirectory: path.join(root, "lib", "a.js"),
      stats: { entries: 3, hits: 3, misses: 2, missed: ["./lib/c from .", "./a from lib"] },
    });
  });

  it("leaves package requests to Node when --conditions changes how they resolve", () => {
    const result = inNode(
      bundle,
      `
      exports.installIndex(root, INDEX);
      const fromMain = createRequire(path.join(root, "main.js"));
      let pkg;
      try { pkg = fromMain.resolve("pkg"); } catch (error) { pkg = error.code; }
      return { relative: fromMain.resolve("./lib/a"), pkg };
    `,
      { root, INDEX },
      ["--conditions=custom"],
    );
    expect(result).toEqual({ relative: path.join(root, "lib", "b.js"), pkg: "MODULE_NOT_FOUND" });
  });

  it("puts Node's resolver back when uninstalled", () => {
    const result = inNode(
      bundle,
      `
      exports.installIndex(root, INDEX).uninstall();
      return createRequire(path.join(root, "main.js")).resolve("./lib/a");
    `,
      { root, INDEX },
    );
    expect(result).toBe(path.join(root, "lib", "a.js"));
  });
});
