#!/usr/bin/env node
// Builds each app's own Lambda packages, which synth needs before it can describe the app:
// for a Next.js app on Lambda, its server (next build output + the zonke adapter) and an image
// optimiser carrying the app's image settings, into <app>/.zonke/build/<package>/.
import "./startup";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { isValidationError } from "@zonke/modules";
import { APP_BUILD_DIR } from "./composers/artifacts";
import { DEFAULT_CONFIG_FILE, loadConfig } from "./config/load";
import type { AppConfig } from "./config/schema";
import { findArchitecture } from "./architectures/registry";

const USAGE = `usage: zonke-build-apps [--config <file>] [--app <name>]... [--arch arm64|x86_64] [--no-next-build]

  --config         config file (default: ${DEFAULT_CONFIG_FILE}; env ZONKE_CONFIG)
  --app            build only this app (repeat for several; default: every app)
  --arch           Lambda architecture (default: arm64)
  --no-next-build  package the existing .next output (e.g. when Turborepo just built the app)`;

/** Next.js apps, whose stacks run an image optimiser built with the app's image settings. */
function needsLambdaPackages(app: AppConfig): boolean {
  return app.kind === "nextjs" && findArchitecture(app.architecture).compose.nextjs !== undefined;
}

/** Apps whose Next.js server runs on Lambda (on ECS it runs from the app's image instead). */
function serverOnLambda(app: AppConfig): boolean {
  return !findArchitecture(app.architecture).ecsKinds.includes("nextjs");
}

function packageScript(packageName: string, script: string): string {
  return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), script);
}

function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: "inherit" });
}

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      app: { type: "string", multiple: true },
      arch: { type: "string", default: "arm64" },
      "no-next-build": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.arch !== "arm64" && values.arch !== "x86_64") {
    console.error(`zonke: --arch "${values.arch}" is not allowed; use arm64 or x86_64\n\n${USAGE}`);
    return 2;
  }
  const { config, root } = loadConfig(
    values.config || process.env.ZONKE_CONFIG || DEFAULT_CONFIG_FILE,
  );
  const unknown = (values.app ?? []).filter((name) => !config.apps.some((a) => a.name === name));
  if (unknown.length > 0) {
    console.error(
      `zonke: unknown app ${unknown.join(", ")}; the config defines ${config.apps.map((a) => a.name).join(", ")}`,
    );
    return 2;
  }
  const apps = config.apps.filter(
    (app) => (!values.app || values.app.includes(app.name)) && needsLambdaPackages(app),
  );
  // Packages land in the app's folder, so two config apps of one folder share one build.
  const folders = [...new Set(apps.map((app) => app.path))];
  for (const folder of folders) {
    const appsHere = apps.filter((app) => app.path === folder);
    const appDir = path.resolve(root, folder);
    const out = (packageName: string) => path.join(appDir, APP_BUILD_DIR, packageName);
    console.log(`==> ${appsHere.map((app) => app.name).join(", ")} (${folder})`);
    if (!values["no-next-build"]) run("npm", ["run", "build"], appDir);
    if (appsHere.some(serverOnLambda)) {
      run(
        process.execPath,
        [
          packageScript("@zonke/next-server", "scripts/package.mjs"),
          "--app",
          appDir,
          "--arch",
          values.arch,
          "--out",
          out("next-server"),
        ],
        root,
      );
    }
    run(
      process.execPath,
      [
        packageScript("@zonke/image-optimizer", "scripts/build.mjs"),
        "--next-dir",
        appDir,
        "--arch",
        values.arch,
        "--out-dir",
        out("image-optimizer"),
      ],
      root,
    );
  }
  if (apps.length === 0) console.log("zonke: no app needs Lambda packages");
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  const status = (error as { status?: number }).status;
  if (isValidationError(error) || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`zonke: ${(error as Error).message}`);
    process.exitCode = 2;
  } else if (typeof status === "number") {
    // A build step failed and already said why on stderr.
    console.error(`zonke: a build step exited with status ${status}`);
    process.exitCode = 1;
  } else {
    console.error("zonke: internal error (please report it with the output below)");
    console.error(error);
    process.exitCode = 70;
  }
}
