/**
 * An app's container image: which apps have one, and the steps that build it with the existing
 * scripts, push it to the app's ECR repository and record the digest the registry gave it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { findArchitecture, type AppConfig } from "@zonke/stacks";
import { MissingToolError } from "../errors";
import { StepFailedError } from "./errors";
import { which } from "./process";

/**
 * What ECS and Lambda run: the stacks leave the modules' default CPU architecture, arm64
 * (DjangoLambda, EcsService, the Lambda packages of zonke-build-apps). An image for another
 * platform would fail to start.
 */
export const IMAGE_PLATFORM = "linux/arm64";

export type ImageKind = "django" | "nextjs";

/**
 * The image an app's servers run from, if any. The stacks that declare the `image_digest`
 * variable are those of a Django app (on ECS, or a container-image Lambda in `django-lambda`) and
 * of a Next.js app whose servers run on ECS (the architecture's `ecsKinds`); a Next.js server on
 * Lambda is a zip (zonke-build-apps). An app whose architecture has no composer for its kind yet
 * has no stacks, so nothing to build.
 */
export function imageKindOf(app: AppConfig): ImageKind | undefined {
  const architecture = findArchitecture(app.architecture);
  if (architecture.compose[app.kind] === undefined) return undefined;
  if (app.kind === "django") return "django";
  return architecture.ecsKinds.includes("nextjs") ? "nextjs" : undefined;
}

export interface ContainerEngine {
  readonly name: "docker" | "buildah";
  /** The executable and the global options every command takes. */
  readonly base: readonly string[];
}

/** The part of @zonke/next-container this file uses: the image scripts' own engine rules. */
interface NextContainerModule {
  findEngine(
    requested: "auto",
    env: NodeJS.ProcessEnv,
  ): { name: "docker" | "buildah"; base: readonly string[] };
}

/**
 * The engine the image scripts would choose (docker when its daemon answers, else buildah), with
 * their own code, so that zonke pushes with the engine that built. Neither: exit 3, naming what to
 * install.
 */
export function findContainerEngine(env: NodeJS.ProcessEnv, stacksDir: string): ContainerEngine {
  let module: NextContainerModule;
  try {
    const load = createRequire(path.join(stacksDir, "package.json"));
    module = load("@zonke/next-container") as NextContainerModule;
  } catch {
    throw new MissingToolError(
      "@zonke/next-container is not installed in this workspace; run npm install (npm ci in CI)",
    );
  }
  try {
    const engine = module.findEngine("auto", env);
    return { name: engine.name, base: [...engine.base] };
  } catch (error) {
    if ((error as { exitCode?: unknown }).exitCode === 3) {
      throw new MissingToolError((error as Error).message);
    }
    throw error;
  }
}

/**
 * For a dry run, which runs no engine (`docker info` included): docker if it is on PATH, else
 * buildah; `note` says what a real run would find out.
 */
export function guessContainerEngine(env: NodeJS.ProcessEnv): {
  engine: ContainerEngine;
  note?: string;
} {
  const docker = which("docker", env);
  const buildah = which("buildah", env);
  if (docker) {
    return {
      engine: { name: "docker", base: [docker] },
      ...(buildah
        ? {
            note: "dry run: shown with docker; a real run uses it if its daemon answers, else buildah",
          }
        : {}),
    };
  }
  if (buildah) {
    return {
      engine: {
        name: "buildah",
        base: [buildah, "--storage-driver", env["STORAGE_DRIVER"] || "vfs"],
      },
    };
  }
  return {
    engine: { name: "docker", base: ["docker"] },
    note: "no container engine (docker or buildah) on PATH: a real run stops before building (exit 3); install Docker Engine or buildah",
  };
}

/** The engine's command line as shown: its name, not its path. */
export function engineWords(engine: ContainerEngine, args: readonly string[]): string[] {
  return [engine.name, ...engine.base.slice(1), ...args];
}

/**
 * A tag no other build of the app has (the repository's tags are immutable): the commit and the
 * time, e.g. `3f2c1a9b7d4e-20261124-093000`.
 */
export function imageTag(env: NodeJS.ProcessEnv, cwd: string, now: Date = new Date()): string {
  const commit =
    env["CODEBUILD_RESOLVED_SOURCE_VERSION"]?.trim() ||
    spawnSync("git", ["rev-parse", "HEAD"], {
      cwd,
      encoding: "utf8",
      timeout: 10_000,
    }).stdout?.trim() ||
    "local";
  const safe = commit.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 12) || "local";
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, "")
    .replace(/-/g, "")
    .replace(/:/g, "");
  return `${safe}-${stamp.replace("T", "-")}`;
}

/** The push command, and how to read the digest the registry gave the image. */
export function pushCommand(
  engine: ContainerEngine,
  reference: string,
  digestFile: string,
): string[] {
  return engine.name === "buildah"
    ? [...engine.base, "push", "--digestfile", digestFile, reference, `docker://${reference}`]
    : [...engine.base, "push", reference];
}

/**
 * The manifest digest of the push: buildah writes it to `--digestfile`; docker prints it on the
 * last line (`<tag>: digest: sha256:... size: N`).
 */
export function pushedDigest(engine: ContainerEngine, stdout: string, digestFile: string): string {
  const found =
    engine.name === "buildah"
      ? readIfExists(digestFile).trim()
      : ([...stdout.matchAll(/digest: (sha256:[0-9a-f]{64})/g)].at(-1)?.[1] ?? "");
  if (!/^sha256:[0-9a-f]{64}$/.test(found)) {
    throw new StepFailedError(
      `${engine.name} push reported no image digest (sha256:...); the image may not have been pushed`,
    );
  }
  return found;
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** A scratch folder for the push's digest file; removed by the caller. */
export function scratchDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "zonke-push-"));
}
