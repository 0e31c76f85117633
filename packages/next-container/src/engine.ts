/**
 * The container engine, found the way the Django image's build-image finds it: docker when its
 * daemon answers (`docker info`), else buildah (`--storage-driver vfs`, `--isolation chroot`,
 * unless STORAGE_DRIVER / BUILDAH_ISOLATION say otherwise: both work without a daemon or root
 * privileges beyond a user namespace). Neither: a NoEngineError that says what to install.
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";
import { ImageError, NoEngineError } from "./errors";

export type EngineName = "docker" | "buildah";
export const ENGINE_CHOICES = ["auto", "docker", "buildah"] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/** What ECS runs: Fargate and EC2 capacity, x86_64 and Graviton. */
export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface Engine {
  readonly name: EngineName;
  /** The executable's absolute path. */
  readonly path: string;
  /** The executable and the global options every command takes. */
  readonly base: readonly string[];
}

/** The environment the engine is looked up and run in (`PATH`, `STORAGE_DRIVER`, ...). */
export type Env = Readonly<Record<string, string | undefined>>;

const INSTALL =
  "install Docker Engine (https://docs.docker.com/engine/install/) or buildah (Debian/Ubuntu: apt-get install -y buildah; Fedora: dnf install buildah)";

export function findEngine(requested: EngineChoice = "auto", env: Env = process.env): Engine {
  const docker = which("docker", env);
  const buildah = which("buildah", env);
  let dockerProblem: string | undefined;
  if ((requested === "auto" || requested === "docker") && docker) {
    const answer = spawnSync(docker, ["info", "--format", "{{.ServerVersion}}"], {
      encoding: "utf8",
      env: env as NodeJS.ProcessEnv,
      timeout: 20_000,
    });
    if (answer.status === 0) return { name: "docker", path: docker, base: [docker] };
    const lines = `${answer.stderr ?? ""}${answer.stdout ?? ""}`.trim().split("\n");
    dockerProblem =
      lines
        .filter((line) => line.trim())
        .pop()
        ?.trim() ?? (answer.error ? answer.error.message : `docker info exited ${answer.status}`);
  }
  if ((requested === "auto" || requested === "buildah") && buildah) {
    return {
      name: "buildah",
      path: buildah,
      base: [buildah, "--storage-driver", env["STORAGE_DRIVER"] || "vfs"],
    };
  }
  if (requested === "docker" && docker) {
    throw new NoEngineError(
      `docker is installed but its engine does not answer (${dockerProblem}): start the Docker daemon or set DOCKER_HOST`,
    );
  }
  if (requested !== "auto") {
    throw new NoEngineError(`${requested} is not installed (not on PATH): ${INSTALL}`);
  }
  if (docker) {
    throw new NoEngineError(
      `no container engine: docker is installed but its engine does not answer (${dockerProblem}), and buildah is not installed. Start the Docker daemon (or set DOCKER_HOST), or install buildah (Debian/Ubuntu: apt-get install -y buildah)`,
    );
  }
  throw new NoEngineError(`no container engine (docker or buildah) on PATH: ${INSTALL}`);
}

export interface BuildOptions {
  readonly contextDir: string;
  readonly tag: string;
  /** Where the engine writes the image id. */
  readonly iidFile: string;
  readonly platform?: Platform;
  /** Replaces the Dockerfile's pinned base (`ARG NODE_IMAGE`): a mirror, or a local image. */
  readonly baseImage?: string;
}

/** The engine's build command, as an argument vector. */
export function buildCommand(
  engine: Engine,
  options: BuildOptions,
  env: Env = process.env,
): string[] {
  const args = [...engine.base, "build"];
  if (engine.name === "buildah") {
    args.push("--isolation", env["BUILDAH_ISOLATION"] || "chroot", "--layers");
  }
  args.push(
    "--file",
    path.join(options.contextDir, "Dockerfile"),
    "--tag",
    options.tag,
    "--iidfile",
    options.iidFile,
  );
  if (options.platform) args.push("--platform", options.platform);
  if (options.baseImage) args.push("--build-arg", `NODE_IMAGE=${options.baseImage}`);
  args.push(options.contextDir);
  return args;
}

/**
 * Runs the engine; its output (progress and errors) goes to `forward`, so that our stdout holds
 * only our own lines. Resolves when it exits 0; an ImageError otherwise.
 */
export function runEngine(
  engine: Engine,
  command: readonly string[],
  forward: (chunk: Buffer) => void,
  env: Env = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (error) =>
      reject(new ImageError(`${engine.name} could not be started: ${error.message}`)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal ? `signal ${signal}` : `exit ${code}`;
        const hint =
          engine.name === "buildah"
            ? "; if the base image could not be pulled, pass --base-image with a mirror or a local image"
            : "";
        reject(new ImageError(`${engine.name} build failed (${how})${hint}`));
      }
    });
  });
}

/** The executable `name` on PATH, as `which` finds it, or undefined. */
export function which(name: string, env: Env = process.env): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `linux/amd64` or `linux/arm64` for this machine, or undefined elsewhere. */
export function hostPlatform(): Platform | undefined {
  if (process.platform !== "linux") return undefined;
  if (process.arch === "x64") return "linux/amd64";
  if (process.arch === "arm64") return "linux/arm64";
  return undefined;
}
