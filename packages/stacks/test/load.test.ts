import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, loadConfig } from "../src";
import { EXAMPLE_CONFIG, tempDir } from "./helpers";
import { validConfig } from "./fixtures";

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
    expect(loaded.config.apps.map((a) => a.name)).toEqual([
      "web",
      "api",
      "store",
      "store-api",
      "site",
    ]);
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

describe("the compiled-config cache", () => {
  // A folder of its own with node_modules, which is where the cache lives.
  const project = tempDir("cache");
  fs.mkdirSync(path.join(project, "node_modules"));
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));
  const configFile = path.join(project, "zonke.config.ts");
  const cacheDir = path.join(project, "node_modules/.cache/zonke/config");
  const base = JSON.stringify(validConfig()).replace('"111111111111"', "DEV_ACCOUNT");

  fs.writeFileSync(
    path.join(project, "accounts.ts"),
    'export const DEV_ACCOUNT: string = "111111111111";\n',
  );
  fs.writeFileSync(
    configFile,
    `import { DEV_ACCOUNT } from "./accounts";\nexport default ${base};\n`,
  );

  it("compiles once and reuses the result while no input changed", () => {
    expect(loadConfig(configFile).config.environments.dev!.account).toBe("111111111111");
    const [entryFile] = fs.readdirSync(cacheDir);
    const entry = JSON.parse(fs.readFileSync(path.join(cacheDir, entryFile!), "utf8"));
    expect(Object.keys(entry.inputs).sort()).toEqual([
      path.join(project, "accounts.ts"),
      configFile,
    ]);
    // Prove the next load runs the cached code: plant a different account in it.
    entry.code = entry.code.replace('"111111111111"', '"333333333333"');
    fs.writeFileSync(path.join(cacheDir, entryFile!), JSON.stringify(entry));
    expect(loadConfig(configFile).config.environments.dev!.account).toBe("333333333333");
  });

  it("recompiles when a file the config imports changes", () => {
    fs.writeFileSync(
      path.join(project, "accounts.ts"),
      'export const DEV_ACCOUNT: string = "444444444444";\n',
    );
    expect(loadConfig(configFile).config.environments.dev!.account).toBe("444444444444");
  });

  it("recompiles when the cache entry is unreadable", () => {
    for (const name of fs.readdirSync(cacheDir))
      fs.writeFileSync(path.join(cacheDir, name), "{ not json");
    expect(loadConfig(configFile).config.environments.dev!.account).toBe("444444444444");
  });
});
