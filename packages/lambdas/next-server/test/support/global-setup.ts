/**
 * Once per test run: make sure example-next's standalone build is current (next build only when
 * it is missing or older than the app's sources), build this package, package the app with the
 * real CLI into a temporary directory, and extract the zip there as Lambda would (/var/task).
 * Test files read the paths from ZONKE_NEXT_SERVER_FIXTURE (./fixture.ts).
 *
 * It also makes the stand-in for the runtime's /var/runtime/node_modules: a folder with only
 * `@aws-sdk`, which the adapter does not bundle (the nodejs22.x runtime provides SDK v3).
 *
 * The temporary directory is outside the repository on purpose: Node resolves modules upwards,
 * and inside the repo the package could quietly load sharp or Next.js from the root node_modules.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { extractLambdaArtifact } from "@zonke/lambda-local";
import { FIXTURE_ENV, type Fixture } from "./fixture";

const PACKAGE_DIR = path.resolve(__dirname, "../..");

export default async function globalSetup(): Promise<void> {
  const appDir = path.dirname(require.resolve("example-next/package.json"));
  ensureNextBuild(appDir);
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: PACKAGE_DIR, stdio: "pipe" });

  const workDir = mkdtempSync(path.join(tmpdir(), "zonke-next-server-test-"));
  const outDir = path.join(workDir, "out");
  const packageLog = execFileSync(
    process.execPath,
    ["scripts/package.mjs", "--app", appDir, "--out", outDir],
    { cwd: PACKAGE_DIR, encoding: "utf8" },
  );
  const artifactFile = path.join(outDir, "artifact.json");
  const { taskRoot, handler, zipFile } = extractLambdaArtifact(
    artifactFile,
    path.join(workDir, "task"),
  );

  const fixture: Fixture = {
    taskRoot,
    handler,
    zipFile,
    artifactFile,
    outDir,
    workDir,
    packageLog,
    runtimeModules: runtimeModules(workDir),
  };
  const fixtureFile = path.join(workDir, "fixture.json");
  writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));
  process.env[FIXTURE_ENV] = fixtureFile;
}

/**
 * A node_modules holding only `@aws-sdk`, like the nodejs22.x runtime's own. The SDK's own
 * dependencies resolve from the real path of the link (the repository's node_modules); nothing
 * else of the repository is reachable from the package.
 */
function runtimeModules(workDir: string): string {
  const dir = path.join(workDir, "runtime", "node_modules");
  mkdirSync(dir, { recursive: true });
  // The version @zonke/lambda-runtime depends on (its loader requires the client).
  const runtimePackage = path.dirname(require.resolve("@zonke/lambda-runtime/package.json"));
  const client = require.resolve("@aws-sdk/client-secrets-manager/package.json", {
    paths: [runtimePackage],
  });
  const sdk = path.dirname(path.dirname(client));
  symlinkSync(sdk, path.join(dir, "@aws-sdk"));
  return dir;
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
