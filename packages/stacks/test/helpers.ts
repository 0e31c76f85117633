import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp, loadConfig, type SynthOptions } from "../src";
import type { TerraformJson } from "../src";

export const REPO_ROOT = path.resolve(__dirname, "../../..");
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, "zonke.config.ts");
export const ALL_OPTIONS_CONFIG = path.join(REPO_ROOT, "security/fixtures/all-options.config.ts");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `zonke-${prefix}-`));
}

/** Synthesises a config into a temporary folder and returns each stack's parsed JSON by name. */
export function synthConfig(file: string, options: Omit<SynthOptions, "outdir"> = {}) {
  const outdir = tempDir("synth");
  try {
    const { app, stacks, pending } = buildApp(loadConfig(file), { ...options, outdir });
    app.synth();
    const json = Object.fromEntries(
      stacks.map(({ name }) => [
        name,
        JSON.parse(
          fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8"),
        ) as TerraformJson & {
          terraform: { backend: Record<string, Record<string, unknown>> };
          provider: { aws: Record<string, unknown>[] };
        },
      ]),
    );
    return { stacks, pending, json };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
