import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, loadConfig } from "../src";
import { EXAMPLE_CONFIG, tempDir } from "./helpers";

const dir = tempDir("load");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function messageOf(file: string): string {
  try {
    loadConfig(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected loadConfig to fail");
}

describe("loadConfig", () => {
  it("runs the TypeScript example config, resolving its imports from its own folder", () => {
    const loaded = loadConfig(EXAMPLE_CONFIG);
    expect(loaded.root).toBe(path.dirname(EXAMPLE_CONFIG));
    expect(loaded.config.apps.map((a) => a.name)).toEqual(["web", "api"]);
    expect(Object.keys(loaded.config.environments)).toEqual(["dev", "prod"]);
  });

  it("says where it looked when the file is missing", () => {
    expect(messageOf(path.join(dir, "nope.config.ts"))).toMatch(
      /file not found \(looked for .*nope\.config\.ts\); create it or pass --config <file>/,
    );
  });

  it("points at the line and column of a syntax error", () => {
    const file = write("syntax.config.ts", "export default {\n  project: 'shop',,\n};\n");
    expect(messageOf(file)).toMatch(/line 2, column 19: /);
  });

  it("reports an error thrown while the config runs, without a stack trace", () => {
    const file = write(
      "throws.config.ts",
      "throw new Error('ACCOUNT is not set');\nexport default {};\n",
    );
    const message = messageOf(file);
    expect(message).toMatch(/failed while running: ACCOUNT is not set/);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it("says which import is missing instead of printing Node's require stack", () => {
    const file = write(
      "imports.config.ts",
      'import { defineConfig } from "@zonke/stacks/config";\nexport default defineConfig({} as never);\n',
    );
    const message = messageOf(file);
    expect(message).toMatch(
      /imports "@zonke\/stacks\/config", which is not installed where the config is; run npm install/,
    );
    expect(message).not.toMatch(/Require stack/);
  });

  it("asks for a default export", () => {
    expect(messageOf(write("named.config.ts", "export const config = {};\n"))).toMatch(
      /has no default export; end it with `export default defineConfig/,
    );
  });

  it("validates what the file exports", () => {
    expect(messageOf(write("bad.config.ts", "export default { project: 'x' };\n"))).toMatch(
      /project = "x": must be 2-20 lowercase letters/,
    );
  });

  it("reads JSON configs too, and reports invalid JSON", () => {
    expect(messageOf(write("broken.json", "{ project: }"))).toMatch(/is not valid JSON/);
  });
});
