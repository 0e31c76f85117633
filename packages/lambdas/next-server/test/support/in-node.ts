/**
 * Runs code against Node's own module loader. Jest gives test files a `module` built-in of its
 * own, so what hooks Node's loader (the require index, the deferred modules) is tested in a plain
 * Node process: the source module bundled by esbuild, then a script that uses it.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

/** Bundles `src/<name>.ts` into `dir` as CommonJS; returns the file. */
export function bundleForNode(name: string, dir: string): string {
  const bundle = buildSync({
    entryPoints: [path.resolve(__dirname, "../../src", `${name}.ts`)],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
    logLevel: "silent",
  });
  const file = path.join(dir, `${name}.cjs`);
  writeFileSync(file, bundle.outputFiles[0]!.contents);
  return file;
}

/**
 * Runs `body` (a function body that returns a JSON value) in a new Node process, with
 * `createRequire`, `path`, `exports` (the bundle's) and `scope` (JSON values by name) defined.
 */
export function inNode(
  bundle: string,
  body: string,
  scope: Record<string, unknown> = {},
  nodeOptions: string[] = [],
): unknown {
  const script = `
    const { createRequire } = require("node:module");
    const path = require("node:path");
    const exports = require(${JSON.stringify(bundle)});
    ${Object.entries(scope)
      .map(([name, value]) => `const ${name} = ${JSON.stringify(value)};`)
      .join("\n")}
    const result = (() => { ${body} })();
    process.stdout.write(JSON.stringify(result));
  `;
  return JSON.parse(
    execFileSync(process.execPath, [...nodeOptions, "-e", script], { encoding: "utf8" }),
  );
}
