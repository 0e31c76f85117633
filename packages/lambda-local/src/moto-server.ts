/**
 * moto's server (a local AWS API, from the project's virtualenv made by scripts/bootstrap-python)
 * on 127.0.0.1 and a free port, for tests of code that calls AWS through the real SDK. The caller
 * stops it with `stop()`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

// dist/ or src/ of packages/lambda-local, three levels below the repository root.
const REPO_ROOT = path.resolve(__dirname, "../../..");
export const MOTO_SERVER = path.join(REPO_ROOT, ".venv/bin/moto_server");

export interface MotoServer {
  readonly endpoint: string;
  /** A folder of its own (the log, files tests want to keep out of $HOME). */
  readonly dir: string;
  stop(): Promise<void>;
}

/** Starts moto; `env` adds settings such as INITIAL_NO_AUTH_ACTION_COUNT (IAM enforcement). */
export async function startMotoServer(env: Record<string, string> = {}): Promise<MotoServer> {
  if (!fs.existsSync(MOTO_SERVER)) {
    throw new Error(
      `${MOTO_SERVER} is missing: run scripts/bootstrap-python (npm test runs it first) to install moto`,
    );
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-moto-"));
  const logFile = path.join(dir, "moto.log");
  const log = fs.openSync(logFile, "w");
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", log, log],
    env: { ...process.env, ...env, PYTHONUNBUFFERED: "1" },
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const output = fs.readFileSync(logFile, "utf8");
      await stop();
      throw new Error(`moto_server exited (${child.exitCode}):\n${output}`);
    }
    if (await answers(`${endpoint}/moto-api/data.json`)) return { endpoint, dir, stop };
    if (Date.now() > deadline) {
      const output = fs.readFileSync(logFile, "utf8");
      await stop();
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false; // not listening yet
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
