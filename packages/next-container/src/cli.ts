#!/usr/bin/env node
// `zonke-next-image`: builds the ECS container image of a Next.js app from its standalone output.
// Exit codes: 0 done; 1 the build failed; 2 bad usage, or an app that is not built; 3 no container
// engine; 70 a bug. Our stdout holds only our own lines (the last one is `digest: sha256:...`);
// the engine's output goes to stderr.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  buildCommand,
  ENGINE_CHOICES,
  type EngineChoice,
  type Env,
  findEngine,
  hostPlatform,
  type Platform,
  PLATFORMS,
  runEngine,
} from "./engine";
import { ImageError, UsageError } from "./errors";
import { type PreparedContext, prepareContext } from "./prepare-context";
import { locateStandalone } from "./standalone";

export const USAGE = `usage: zonke-next-image --app <dir> --tag <name:tag> [--platform linux/arm64] [options]
       zonke-next-image --app <dir> --context-only <dir>

Builds the container image of a Next.js app for ECS: the standalone server (node server.js), run
as a non-root user. Run next build first (next.config: output: "standalone"). The image holds the
traced server only: .next/static and public/ go to the S3 assets bucket (zonke-assets upload),
and /_next/image is the image optimiser's.

  --app <dir>            the app's directory, where next build ran
  --tag <name:tag>       the image's reference, e.g. example-next:dev or <registry>/example-next:1.2.3
  --platform <platform>  linux/amd64 or linux/arm64 (default: the engine's own)
  --engine <engine>      auto (default: docker when its daemon answers, else buildah), docker, buildah
  --base-image <ref>     another node:22 base than the Dockerfile's pinned digest (a mirror, a local image)
  --context-only <dir>   write the build context to <dir> (empty or new) and stop; no engine needed
  -h, --help             print this help

Exit codes: 0 done, 1 the build failed, 2 bad usage or the app is not built, 3 no container engine.`;

// A reference as docker accepts it: [registry[:port]/]name[/name...][:tag] (as build-image checks).
const TAG =
  /^(?:[A-Za-z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The engine's own output. */
  readonly engineOutput: (chunk: Buffer) => void;
  readonly env: Env;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  engineOutput: (chunk) => process.stderr.write(chunk),
  env: process.env,
};

/** Runs the command and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`zonke-next-image: ${(error as Error).message}`);
      if (!(error instanceof UsageError) || isArgumentError(error)) io.err(`\n${USAGE}`);
      return 2;
    }
    if (error instanceof ImageError) {
      io.err(`zonke-next-image: ${error.message}`);
      return error.exitCode;
    }
    io.err("zonke-next-image: internal error (please report it with the output below)");
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 70;
  }
}

/** A usage error about the command line (as opposed to the app), which the usage text helps. */
class ArgumentError extends UsageError {}
function isArgumentError(error: unknown): boolean {
  return error instanceof ArgumentError;
}

interface Options {
  readonly appDir: string;
  readonly tag?: string;
  readonly platform?: Platform;
  readonly engine: EngineChoice;
  readonly baseImage?: string;
  readonly contextOnly?: string;
}

function parse(argv: readonly string[]): Options | "help" {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      app: { type: "string" },
      tag: { type: "string" },
      platform: { type: "string" },
      engine: { type: "string" },
      "base-image": { type: "string" },
      "context-only": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return "help";
  if (positionals.length > 0) throw new ArgumentError(`unexpected argument "${positionals[0]}"`);
  const app = values.app?.trim();
  if (!app) throw new ArgumentError("missing --app <dir> (the directory where next build ran)");
  const contextOnly = values["context-only"]?.trim();
  if (values["context-only"] !== undefined && !contextOnly) {
    throw new ArgumentError("--context-only needs a directory");
  }
  const tag = values.tag?.trim();
  if (contextOnly === undefined && !tag) {
    throw new ArgumentError("missing --tag <name:tag> (e.g. --tag example-next:dev)");
  }
  if (tag && !TAG.test(tag)) {
    throw new ArgumentError(
      `--tag "${tag}" is not an image reference: [registry/]name[:tag], name in lower case (letters, digits, . _ -)`,
    );
  }
  const platform = values.platform;
  if (platform !== undefined && !(PLATFORMS as readonly string[]).includes(platform)) {
    throw new ArgumentError(
      `--platform "${platform}" is not allowed; use ${PLATFORMS.join(" or ")}`,
    );
  }
  const engine = values.engine ?? "auto";
  if (!(ENGINE_CHOICES as readonly string[]).includes(engine)) {
    throw new ArgumentError(
      `--engine "${engine}" is not allowed; use ${ENGINE_CHOICES.join(", ")}`,
    );
  }
  const baseImage = values["base-image"]?.trim();
  if (values["base-image"] !== undefined && !baseImage) {
    throw new ArgumentError("--base-image needs an image reference");
  }
  return {
    appDir: path.resolve(app),
    engine: engine as EngineChoice,
    ...(tag ? { tag } : {}),
    ...(platform ? { platform: platform as Platform } : {}),
    ...(baseImage ? { baseImage } : {}),
    ...(contextOnly !== undefined ? { contextOnly: path.resolve(contextOnly) } : {}),
  };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const options = parse(argv);
  if (options === "help") {
    io.out(USAGE);
    return 0;
  }
  if (options.contextOnly !== undefined) {
    const context = prepareContext({ appDir: options.appDir, contextDir: options.contextOnly });
    report(context, options.platform, io);
    io.out(`build context in ${context.contextDir}; build it with:`);
    io.out(`  docker build --tag <name:tag> ${context.contextDir}`);
    return 0;
  }
  // The cheap checks first: a missing build or engine fails before anything is copied.
  locateStandalone(options.appDir);
  const engine = findEngine(options.engine, io.env);
  const scratch = mkdtempSync(path.join(tmpdir(), "zonke-next-image-"));
  try {
    const context = prepareContext({
      appDir: options.appDir,
      contextDir: path.join(scratch, "context"),
    });
    report(context, options.platform, io);
    const tag = options.tag as string;
    const iidFile = path.join(scratch, "iid");
    io.out(`zonke-next-image: building ${tag} with ${engine.name}`);
    const command = buildCommand(
      engine,
      {
        contextDir: context.contextDir,
        tag,
        iidFile,
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.baseImage ? { baseImage: options.baseImage } : {}),
      },
      io.env,
    );
    await runEngine(engine, command, io.engineOutput, io.env);
    let id: string;
    try {
      id = readFileSync(iidFile, "utf8").trim();
    } catch {
      throw new ImageError(`${engine.name} build exited 0 but wrote no image id (--iidfile)`);
    }
    if (!/^(?:sha256:)?[0-9a-f]{64}$/.test(id)) {
      throw new ImageError(`${engine.name} wrote an image id that is not a sha256 digest: "${id}"`);
    }
    const digest = id.startsWith("sha256:") ? id : `sha256:${id}`;
    io.out(`image: ${tag}`);
    io.out(
      `digest: ${digest} (image id: the config's sha256; the registry reports the manifest digest on push)`,
    );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** What went into the context, what was left out and refused, and native addons to check. */
function report(context: PreparedContext, platform: Platform | undefined, io: CliIo): void {
  const appFiles = context.files.length - 1;
  io.out(
    `zonke-next-image: context for ${context.appPath}: ${appFiles} files, ${size(context.bytes)} (WORKDIR /app/${context.appPath}, CMD node server.js)`,
  );
  for (const { reason, files, bytes } of context.leftOut) {
    io.out(`  left out ${reason}: ${files} files, ${size(bytes)}`);
  }
  for (const file of context.refused) {
    io.err(
      `zonke-next-image: refused to copy ${file}: environment and credential files never go into an image; set variables in the task definition and secrets in Secrets Manager (the app will not see what this file sets)`,
    );
  }
  if (context.nativeAddons.length > 0) {
    const host = hostPlatform() ?? `${process.platform}/${process.arch}`;
    const list = context.nativeAddons.slice(0, 10).join(", ");
    const more =
      context.nativeAddons.length > 10 ? `, and ${context.nativeAddons.length - 10} more` : "";
    if (platform !== undefined && platform !== host) {
      io.err(
        `zonke-next-image: warning: native addons were installed for ${host} (this machine) and will not load on ${platform}: ${list}${more}; run next build on a ${platform} machine (or install those packages for it)`,
      );
    } else {
      io.out(`  native addons (built for ${host}, glibc): ${list}${more}`);
    }
  }
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown } | null)?.code).startsWith("ERR_PARSE_ARGS");
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
