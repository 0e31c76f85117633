/**
 * Runs the tools a build step needs (Turborepo, the packaging and image scripts, the container
 * engine) as child processes. Their output goes to `forward` (zonke's stderr), so that zonke's
 * stdout holds only its own step lines and summary.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MissingToolError } from "../errors";
import { stepError } from "./errors";

export interface ProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed (e.g. a registry password: never an argument). */
  readonly input?: string;
  /** Receives the child's stdout and stderr as they come. */
  readonly forward: (chunk: Buffer) => void;
  /** Keep stdout to return it (still forwarded). @default false */
  readonly capture?: boolean;
}

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The child's stdout, when `capture` was set. */
  readonly stdout: string;
}

/** Runs `argv`; resolves with how it ended. A command that cannot start is a MissingToolError. */
export function runProcess(
  argv: readonly string[],
  options: ProcessOptions,
): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("runProcess: empty command");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => {
      if (options.capture) stdout.push(chunk);
      options.forward(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => options.forward(chunk));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on("error", () => undefined); // a child that exits without reading its input
      child.stdin.end(options.input);
    }
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT"
          ? new MissingToolError(`${path.basename(command)} not found: ${command} is not on PATH`)
          : error,
      );
    });
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString("utf8") }),
    );
  });
}

/** Runs `argv` and throws the step's error (exit code kept: 2, 3, else 1) unless it exits 0. */
export async function runChecked(
  argv: readonly string[],
  description: string,
  options: ProcessOptions,
): Promise<ProcessResult> {
  const result = await runProcess(argv, options);
  if (result.code !== 0) throw stepError(description, result.code, result.signal);
  return result;
}

/** The executable `name` on PATH (as `which` finds it), or undefined. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      if (!fs.statSync(candidate).isFile()) continue;
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
