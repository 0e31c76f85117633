/**
 * Once per test run: make sure example-next's standalone build is current (next build only when
 * it is missing or older than the app's sources, as @zonke/next-server's tests decide), compile
 * this package (the tests run the real CLI, dist/cli.js), and write one build context with
 * `zonke-next-image --context-only` into a temporary directory. Test files read the paths from
 * ZONKE_NEXT_CONTAINER_FIXTURE (./fixture.ts).
 *
 * The temporary directory is outside the repository on purpose: Node resolves modules upwards,
 * and inside the repo the context's server could quietly load Next.js from the root node_modules
 * instead of its own traced copy.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FIXTURE_ENV, type Fixture } from "./fixture";

const PACKAGE_DIR = path.resolve(__dirname, "../..");

export default async function globalSetup(): Promise<void> {
  const appDir = path.dirname(require.resolve("example-next/package.json"));
  ensureNextBuild(appDir);
  execFileSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: PACKAGE_DIR,
      stdio: "pipe",
    },
  );

  const workDir = mkdtempSync(path.join(tmpdir(), "zonke-next-container-test-"));
  // Readable by other users: the server test runs the context as an unprivileged user.
  chmodSync(workDir, 0o755);
  const contextDir = path.join(workDir, "context");
  const cli = path.join(PACKAGE_DIR, "dist", "cli.js");
  const result = spawnSync(process.execPath, [cli, "--app", appDir, "--context-only", contextDir], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`zonke-next-image --context-only failed (${result.status}):\n${result.stderr}`);
  }
  const fixture: Fixture = {
    appDir,
    workDir,
    contextDir,
    cliOut: result.stdout,
    cliErr: result.stderr,
    cli,
  };
  const fixtureFile = path.join(workDir, "fixture.json");
  writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));
  process.env[FIXTURE_ENV] = fixtureFile;
}

/** Runs next build when the standalone output is missing or older than any app source. */
function ensureNextBuild(appDir: string): void {
  const marker = path.join(appDir, ".next", "standalone");
  const buildId = path.join(appDir, ".next", "BUILD_ID");
  const built = existsSync(marker) && existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = ["app", "public", "proxy.ts", "middleware.ts", "next.config.ts", "package.json"]
    .map((name) => path.join(appDir, name))
    .filter((file) => existsSync(file));
  if (built > 0 && sources.every((source) => newestMtime(source) <= built)) return;
  execFileSync("npx", ["next", "build"], {
    cwd: appDir,
    stdio: "pipe",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

function newestMtime(file: string): number {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(file).reduce(
    (newest, name) => Math.max(newest, newestMtime(path.join(file, name))),
    stats.mtimeMs,
  );
}
