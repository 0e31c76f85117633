/**
 * Finding and running Terraform for `zonke plan`, the way scripts/terraform-toolchain finds it:
 * `$ZONKE_TERRAFORM` (a path or a command name), then `$TERRAFORM_BINARY_NAME` (cdktf's own
 * variable), `terraform` and `tofu` on PATH, each kept only if `<cli> version` answers; last, the
 * CLI recorded in the toolchain's `toolchain.env` (e.g. the OpenTofu it built), with its provider
 * configuration (TF_CLI_CONFIG_FILE, local mirrors) unless one is set already.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { MissingToolError } from "../errors";

export interface Terraform {
  /** The executable's absolute path. */
  readonly cli: string;
  /** The environment Terraform runs with. */
  readonly env: NodeJS.ProcessEnv;
}

export interface TerraformResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export function findTerraform(env: NodeJS.ProcessEnv, cwd: string): Terraform {
  const runEnv: NodeJS.ProcessEnv = {
    ...env,
    TF_IN_AUTOMATION: env["TF_IN_AUTOMATION"] ?? "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: env["CHECKPOINT_DISABLE"] ?? "1",
  };
  const explicit = env["ZONKE_TERRAFORM"]?.trim();
  if (explicit) {
    const cli = resolveExecutable(explicit, env, cwd);
    if (cli === undefined || !answersVersion(cli, runEnv)) {
      throw new MissingToolError(
        `ZONKE_TERRAFORM names ${explicit}, which is not a working Terraform (or OpenTofu) executable`,
      );
    }
    return { cli, env: runEnv };
  }
  const names = [env["TERRAFORM_BINARY_NAME"]?.trim(), "terraform", "tofu"].filter(
    (name): name is string => Boolean(name),
  );
  for (const name of names) {
    const cli = resolveExecutable(name, env, cwd);
    if (cli !== undefined && answersVersion(cli, runEnv)) return { cli, env: runEnv };
  }
  const toolchain = readToolchainEnv(env);
  if (toolchain?.["TERRAFORM_CLI"] && answersVersion(toolchain["TERRAFORM_CLI"], runEnv)) {
    const config = env["TF_CLI_CONFIG_FILE"] ?? toolchain["TF_CLI_CONFIG_FILE"];
    return {
      cli: toolchain["TERRAFORM_CLI"],
      env: { ...runEnv, ...(config ? { TF_CLI_CONFIG_FILE: config } : {}) },
    };
  }
  throw new MissingToolError(
    "Terraform not found: no terraform or tofu on PATH; install Terraform (or OpenTofu), or point " +
      "ZONKE_TERRAFORM at it, or render plans made elsewhere with --plans <dir>",
  );
}

/** Receives Terraform's output as it runs (e.g. to show a long apply in a CI log). */
export interface TerraformStreams {
  readonly stdout?: (chunk: Buffer) => void;
  readonly stderr?: (chunk: Buffer) => void;
}

/**
 * `terraform <args>` in `cwd`; never throws (a failure to start is a failed result). The result
 * holds everything Terraform printed; `streams` also get it chunk by chunk as it comes.
 */
export function runTerraform(
  terraform: Terraform,
  cwd: string,
  args: readonly string[],
  streams: TerraformStreams = {},
): Promise<TerraformResult> {
  return new Promise((resolve) => {
    const child = spawn(terraform.cli, [...args], {
      cwd,
      env: terraform.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      streams.stdout?.(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr.push(chunk);
      streams.stderr?.(chunk);
    });
    child.once("error", (error) =>
      resolve({
        ok: false,
        stdout: "",
        stderr: `Error: could not run ${terraform.cli}: ${error.message}`,
      }),
    );
    child.once("close", (code) =>
      resolve({
        ok: code === 0,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}

/**
 * Terraform's diagnostics, from its first "Error:" line (stderr first: with -no-color in
 * automation it holds only the diagnostics), at most `maxLines` lines, without the box drawing;
 * else the end of what it printed.
 */
export function terraformErrors(result: TerraformResult, maxLines = 25): string {
  const clean = (text: string) =>
    text.split("\n").map((line) => line.replace(/^[│╷╵]\s?/, "").trimEnd());
  const fromFirstError = (lines: string[]) => {
    const first = lines.findIndex((line) => line.startsWith("Error:"));
    return first >= 0 ? lines.slice(first) : undefined;
  };
  const chosen = fromFirstError(clean(result.stderr)) ??
    fromFirstError(clean(result.stdout)) ?? [
      ...clean(`${result.stdout}\n${result.stderr}`)
        .filter((line) => line.trim() !== "")
        .slice(-maxLines),
    ];
  const kept = chosen.slice(0, maxLines);
  while (kept.length > 0 && kept.at(-1) === "") kept.pop();
  return [...kept, ...(chosen.length > maxLines ? ["…"] : [])].join("\n");
}

function resolveExecutable(name: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  const candidates = name.includes("/")
    ? [path.resolve(cwd, name)]
    : (env["PATH"] ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, name));
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

function answersVersion(cli: string, env: NodeJS.ProcessEnv): boolean {
  const result = spawnSync(cli, ["version"], { env, stdio: "ignore", timeout: 30_000 });
  return result.status === 0;
}

/** scripts/terraform-toolchain's record (`KEY=value` lines), if it ran on this machine. */
function readToolchainEnv(env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  const cache =
    env["ZONKE_TOOLS_CACHE"] ||
    path.join(env["XDG_CACHE_HOME"] || path.join(env["HOME"] || os.homedir(), ".cache"), "zonke");
  try {
    const text = fs.readFileSync(path.join(cache, "terraform", "toolchain.env"), "utf8");
    return Object.fromEntries(
      text
        .split("\n")
        .filter((line) => line.includes("="))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
  } catch {
    return undefined;
  }
}
