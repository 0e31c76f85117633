/**
 * minifyJavaScript: whitespace and comments go, behaviour stays (names, requires, licences, module
 * format), and files it cannot improve or read safely are left exactly as they were.
 */
import { runInNewContext } from "node:vm";
import { minifyJavaScript } from "../src/packaging/minify";

function minified(files: Record<string, string | Uint8Array>) {
  const map = new Map(
    Object.entries(files).map(([file, body]) => [
      file,
      typeof body === "string" ? Buffer.from(body) : body,
    ]),
  );
  const result = minifyJavaScript(map);
  const text = (file: string) => Buffer.from(map.get(file)!).toString("utf8");
  return { map, result, text };
}

/** Runs CommonJS source and returns its exports. */
function load(source: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(source, { module, exports: module.exports, require: (id: string) => ({ id }) });
  return module.exports;
}

const MODULE = `/*!
 * lib v1.0.0 (c) Someone. MIT licence.
 */
"use strict";
// A comment that goes.
const helper = require("./helper");

/** Function and class expressions keep their names (minifySyntax would drop them). */
exports.named = function named(a, b) {
  return a + b;
};
exports.NotFound = class NotFound extends Error {};
exports.helper = helper;
exports.source = function shown() { return 1; }.toString().includes("return 1");
`;

describe("minifyJavaScript", () => {
  it("removes whitespace and comments but keeps licences, names and requires", () => {
    const { text, result } = minified({ "node_modules/lib/index.js": MODULE });
    const out = text("node_modules/lib/index.js");
    expect(out.length).toBeLessThan(MODULE.length);
    expect(out).not.toContain("A comment that goes");
    expect(out).toContain("(c) Someone. MIT licence.");
    expect(out).toContain('require("./helper")');
    expect(result).toEqual({ files: 1, savedBytes: MODULE.length - out.length });

    const before = load(MODULE);
    const after = load(out);
    expect((after["named"] as { name: string }).name).toBe("named");
    expect((after["NotFound"] as { name: string }).name).toBe("NotFound");
    expect((after["named"] as (a: number, b: number) => number)(2, 3)).toBe(5);
    expect(after["helper"]).toEqual(before["helper"]);
    expect(after["source"]).toBe(true);
  });

  it("keeps ES modules as ES modules and CommonJS with a top-level return as it is", () => {
    const { text } = minified({
      "a.mjs": 'import { x } from "./x.mjs";\n\nexport const y = x + 1;\n',
      "b.js": "if (process.env.SKIP) {\n  return;\n}\nmodule.exports = 1;\n",
    });
    expect(text("a.mjs")).toBe('import{x}from"./x.mjs";export const y=x+1;\n');
    expect(text("b.js")).toBe("if(process.env.SKIP){return}module.exports=1;\n");
  });

  it("leaves alone what it cannot improve or parse, and files that are not JavaScript", () => {
    const invalidUtf8 = Uint8Array.from([0x76, 0x61, 0x72, 0x20, 0x61, 0x3d, 0x22, 0xff, 0x22]);
    const alreadyMinified = `module.exports={a:1,${"b:2,".repeat(300)}c:3};`;
    const files = {
      "broken.js": "function (\n\n",
      "invalid.js": invalidUtf8,
      "min.js": alreadyMinified,
      "tiny.js": "x",
      "data.json": '{\n  "a": 1\n}\n',
    };
    const { map, result } = minified(files);
    for (const [file, body] of Object.entries(files)) {
      expect(Buffer.from(map.get(file)!).equals(Buffer.from(body))).toBe(true);
    }
    expect(result).toEqual({ files: 0, savedBytes: 0 });
  });
});
