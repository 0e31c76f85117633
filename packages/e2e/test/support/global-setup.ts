/**
 * Once per run, the artifacts a deployment would use, built by their own CLIs:
 *
 * - example-next's `next build`, only when its output is older than its sources;
 * - the server zip (`zonke-next-package`; it has no native code, so its architecture is moot);
 * - the image optimiser zip for this machine's architecture (it carries sharp's natives) with the
 *   app's image settings;
 * - the edge signer zip.
 *
 * Each zip is extracted into a temporary folder outside the repository (Node resolves modules
 * upwards: inside the repo a function could load what its zip lacks from the root node_modules).
 * Test files read the paths from ZONKE_E2E_FIXTURE (./fixture.ts).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { extractLambdaArtifact } from "@zonke/lambda-local";
import { FIXTURE_ENV, type E2eFixture, type ExtractedFunction } from "./fixture";
import { ensureNextBuild, newestMtime } from "./next-build";

const run = promisify(execFile);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

export default async function globalSetup(): Promise<void> {
  assertBuilt(["@zonke/lambda-local", "@zonke/modules", "@zonke/deploy"]);
  const appDir = packageDir("example-next");
  ensureNextBuild(appDir);

  const workDir = mkdtempSync(path.join(tmpdir(), "zonke-e2e-"));
  const out = (name: string) => path.join(workDir, "out", name);
  const nextServer = packageDir("@zonke/next-server");
  const imageOptimizer = packageDir("@zonke/image-optimizer");
  const edgeSigner = packageDir("@zonke/edge-signer");
  await Promise.all([
    run(process.execPath, ["scripts/build.mjs"], { cwd: nextServer }).then(() =>
      run(process.execPath, ["scripts/package.mjs", "--app", appDir, "--out", out("server")], {
        cwd: nextServer,
      }),
    ),
    run(
      process.execPath,
      [
        "scripts/build.mjs",
        "--arch",
        hostArchitecture(),
        "--next-dir",
        appDir,
        "--out-dir",
        out("images"),
      ],
      { cwd: imageOptimizer },
    ),
    run(process.execPath, ["scripts/build.mjs", "--out-dir", out("signer")], { cwd: edgeSigner }),
  ]);

  const extract = (name: string): ExtractedFunction => {
    const { taskRoot, handler } = extractLambdaArtifact(
      path.join(out(name), "artifact.json"),
      path.join(workDir, "task", name),
    );
    return { taskRoot, handler };
  };
  const fixture: E2eFixture = {
    appDir,
    server: extract("server"),
    imageOptimizer: extract("images"),
    edgeSigner: extract("signer"),
    runtimeModules: runtimeModules(workDir),
    workDir,
  };
  const fixtureFile = path.join(workDir, "fixture.json");
  writeFileSync(fixtureFile, JSON.stringify(fixture, null, 2));
  process.env[FIXTURE_ENV] = fixtureFile;
}

/** Lambda's names for this machine's architecture: the optimiser's zip must run here. */
function hostArchitecture(): string {
  if (process.arch === "x64") return "x86_64";
  if (process.arch === "arm64") return "arm64";
  throw new Error(`no Lambda architecture matches this machine's ${process.arch}`);
}

/**
 * A node_modules holding only `@aws-sdk`, like the nodejs22.x runtime's own: the image optimiser
 * leaves the SDK out of its zip. Its dependencies resolve from the real path of the link.
 */
function runtimeModules(workDir: string): string {
  const dir = path.join(workDir, "runtime", "node_modules");
  mkdirSync(dir, { recursive: true });
  symlinkSync(path.dirname(packageDir("@aws-sdk/client-s3")), path.join(dir, "@aws-sdk"));
  return dir;
}

/** The tests load these packages' dist/: fail early, with the fix, when it is missing or stale. */
function assertBuilt(names: string[]): void {
  for (const name of names) {
    const dir = packageDir(name);
    const dist = path.join(dir, "dist");
    if (!existsSync(dist) || newestMtime(path.join(dir, "src")) > newestMtime(dist)) {
      throw new Error(
        `${name} is not built or older than its sources: run npm run build -w ${name}`,
      );
    }
  }
}
