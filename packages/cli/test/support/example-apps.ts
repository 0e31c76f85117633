import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "@zonke/stacks";

export const REPO_ROOT = path.resolve(__dirname, "../../../..");
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, "zonke.config.ts");

/** The example app's Lambda packages, which synth reads; built from its Next build if missing. */
export function ensureAppPackages(): void {
  const { config, root } = loadConfig(EXAMPLE_CONFIG);
  const missing = config.apps
    .filter((app) => app.kind === "nextjs")
    .flatMap((app) =>
      ["next-server", "image-optimizer"].map((p) =>
        path.join(root, app.path, ".zonke/build", p, "artifact.json"),
      ),
    )
    .filter((file) => !fs.existsSync(file));
  if (missing.length === 0) return;
  try {
    execFileSync(process.execPath, ["packages/stacks/dist/build-apps.js", "--no-next-build"], {
      cwd: REPO_ROOT,
      stdio: "pipe",
    });
  } catch (error) {
    throw new Error(
      `the example apps' Lambda packages are missing (${missing.join(", ")}) and could not be built ` +
        `without a Next build; run npm start first:\n${(error as { stderr?: Buffer }).stderr ?? error}`,
    );
  }
}
