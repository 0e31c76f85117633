/**
 * Runs the CLI in this process (`run`, fast) or as the built `dist/main.js` in a child process
 * (real argv, environment and exit code), and checks every run's output for secret values.
 *
 * Tests make their values with `secretValue()`: each holds a marker no message could contain by
 * chance. After every run the marker of every value made so far must be absent from stdout and
 * stderr, except the stdout of `get --reveal`, which must be exactly the revealed value.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { run, type RunOptions } from "../../src/run";

export const CLI = path.resolve(__dirname, "../../dist/main.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const markers = new Set<string>();
let runs = 0;

/** A value for a test secret, with a unique marker; every later run is checked for the marker. */
export function secretValue(shape: (marker: string) => string = (m) => `value-${m}`): string {
  const marker = `zk${randomBytes(6).toString("hex")}`;
  markers.add(marker);
  return shape(marker);
}

/** How many runs have been checked for leaks in this test file. */
export function checkedRuns(): number {
  return runs;
}

function checkForLeaks(args: readonly string[], result: CliResult): void {
  runs++;
  const revealed = args.includes("--reveal") && result.code === 0;
  for (const marker of markers) {
    if (result.stderr.includes(marker)) {
      throw new Error(
        `a secret value leaked to stderr of zonke ${args.join(" ")}:\n${result.stderr}`,
      );
    }
    if (!revealed && result.stdout.includes(marker)) {
      throw new Error(
        `a secret value leaked to stdout of zonke ${args.join(" ")}:\n${result.stdout}`,
      );
    }
  }
}

/** `zonke ...` in this process, against moto (the SDK reads the environment global-setup set). */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; stdin?: string; store?: RunOptions["store"]; tty?: boolean } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    io: {
      stdout: { write: (text: string) => (stdout += text), isTTY: options.tty ?? false },
      stderr: { write: (text: string) => (stderr += text) },
      readStdin: async () => options.stdin ?? "",
    },
    env: process.env,
    cwd: options.cwd ?? process.cwd(),
    ...(options.store ? { store: options.store } : {}),
  });
  const result = { code, stdout, stderr };
  checkForLeaks(args, result);
  return result;
}

/** `node dist/main.js ...` in a child process; `env` replaces the environment when given. */
export function spawnCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : undefined;
        if (code === undefined) {
          reject(error);
          return;
        }
        const result = { code, stdout, stderr };
        try {
          checkForLeaks(args, result);
          resolve(result);
        } catch (leak) {
          reject(leak);
        }
      },
    );
    child.stdin?.end(options.stdin ?? "");
  });
}
