import * as fs from "node:fs";
import * as path from "node:path";
import Module from "node:module";
import { configSchema, type ZonkeConfig } from "./schema";
import { ConfigError, formatIssues } from "./errors";
import { compileConfig } from "./compile";

export const DEFAULT_CONFIG_FILE = "zonke.config.ts";

/** A validated config and where it came from; app paths and local state resolve from `root`. */
export interface LoadedConfig {
  readonly config: ZonkeConfig;
  readonly file: string;
  readonly root: string;
}

/** Validates a config object; throws a ConfigError listing every problem. */
export function parseConfig(input: unknown, source = "config"): ZonkeConfig {
  const result = configSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError(source, formatIssues(result.error.issues));
  return result.data;
}

/** Loads `zonke.config.ts` (or .js/.mjs/.cjs/.json), runs it and validates what it exports. */
export function loadConfig(file: string = DEFAULT_CONFIG_FILE): LoadedConfig {
  const absolute = path.resolve(file);
  const name = path.relative(process.cwd(), absolute) || absolute;
  if (!fs.existsSync(absolute)) {
    throw new ConfigError(name, [
      `file not found (looked for ${absolute}); create it or pass --config <file>`,
    ]);
  }
  const exported = absolute.endsWith(".json") ? readJson(absolute, name) : evaluate(absolute, name);
  return { config: parseConfig(exported, name), file: absolute, root: path.dirname(absolute) };
}

function readJson(file: string, name: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(name, [`is not valid JSON: ${(error as Error).message}`]);
  }
}

/** Compiles the TypeScript config and runs it in memory, resolving imports from its folder. */
function evaluate(file: string, name: string): unknown {
  const code = compileConfig(file, name);
  const loaded = new Module(file) as Module & {
    _compile(code: string, filename: string): void;
  };
  loaded.filename = file;
  loaded.paths = (
    Module as unknown as { _nodeModulePaths(dir: string): string[] }
  )._nodeModulePaths(path.dirname(file));
  try {
    loaded._compile(code, file);
  } catch (error) {
    throw new ConfigError(name, [describeRunError(error as NodeJS.ErrnoException)]);
  }
  const exports = loaded.exports as { default?: unknown };
  if (exports.default === undefined) {
    throw new ConfigError(name, [
      "has no default export; end it with `export default defineConfig({...})`",
    ]);
  }
  return exports.default;
}

function describeRunError(error: NodeJS.ErrnoException): string {
  const missing =
    error.code === "MODULE_NOT_FOUND" && /Cannot find module '([^']+)'/.exec(error.message);
  if (missing) {
    return `imports "${missing[1]}", which is not installed where the config is; run npm install in that folder (for @zonke/stacks/config, add @zonke/stacks to its package.json)`;
  }
  // Only the first line: Node appends require stacks and the like, which help nobody here.
  return `failed while running: ${error.message.split("\n")[0]}`;
}
