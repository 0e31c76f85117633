/**
 * The programs `zonke build` runs, found where the workspace installed them (resolved from the
 * config's folder, then from the CLI's own): the stacks package's entries (zonke-build-apps,
 * zonke-synth), the Next.js image builder (zonke-next-image) and the Django one (build-image).
 * zonke builds nothing itself: these are the same scripts a developer runs by hand.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { MissingToolError } from "../errors";
import { which } from "./process";

export interface BuildTools {
  /** The `@zonke/stacks` package's folder. */
  readonly stacksDir: string;
  /** `@zonke/stacks` dist/build-apps.js: packages an app's Lambda functions. */
  readonly buildApps: string;
  /** `@zonke/stacks` dist/main.js: synthesises environments into cdktf.out. */
  readonly synth: string;
  /** `@zonke/next-container` dist/cli.js (zonke-next-image): a Next.js app's ECS image. */
  readonly nextImage: string;
  /** `@zonke/django-runtime` scripts/build-image: a Django app's image (Python 3.11+). */
  readonly djangoImage: string;
}

function packageDir(name: string, from: readonly string[]): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [...from] }));
  } catch {
    throw new MissingToolError(
      `${name} is not installed in this workspace (looked from ${from[0]}); run npm install (npm ci in CI)`,
    );
  }
}

/** Finds the tools; a package that is not installed is a MissingToolError (exit 3). */
export function findBuildTools(root: string): BuildTools {
  const from = [root, __dirname];
  const stacks = packageDir("@zonke/stacks", from);
  // zonke-next-image is a dependency of the stacks package: resolve it from there.
  const nextContainer = packageDir("@zonke/next-container", [stacks, ...from]);
  const djangoRuntime = packageDir("@zonke/django-runtime", from);
  return {
    stacksDir: stacks,
    buildApps: path.join(stacks, "dist", "build-apps.js"),
    synth: path.join(stacks, "dist", "main.js"),
    nextImage: path.join(nextContainer, "dist", "cli.js"),
    djangoImage: path.join(djangoRuntime, "scripts", "build-image"),
  };
}

/** The Python that runs build-image (3.11 or newer: it reads pyproject.toml with tomllib). */
export function findPython(env: NodeJS.ProcessEnv): string {
  const python = which("python3", env);
  const version = python
    ? spawnSync(python, ["-c", "import sys; print(sys.version_info >= (3, 11))"], {
        encoding: "utf8",
        env,
        timeout: 20_000,
      })
    : undefined;
  if (python === undefined || version?.stdout.trim() !== "True") {
    throw new MissingToolError(
      `${python ? "python3 is older than 3.11" : "python3 not found on PATH"}: the Django image is built by @zonke/django-runtime's build-image, which needs Python 3.11 or newer (Debian/Ubuntu: apt-get install -y python3)`,
    );
  }
  return python;
}
