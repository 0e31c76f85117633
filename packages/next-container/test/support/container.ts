/**
 * Runs a build context's server the way its image would: the command (CMD), working directory
 * (WORKDIR, with `COPY app/ /app/` mapped back to the context's `app/`), environment (ENV) and
 * user (USER) are read from the context's own Dockerfile, not restated here.
 *
 * Read-only root file system: when the tests run as root, the server runs as the Dockerfile's
 * user (1000:1000) and the context's files are root's (0644/0755), so it can read and not write
 * them, as in the image. As any other user, the app tree is made read-only (chmod a-w) while the
 * server runs. Either way only `tmpDir` (the task's /tmp volume) is writable, and `probeWrite`
 * proves both before a test relies on it.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import * as path from "node:path";
import { argDefaults, env, expand, last } from "./dockerfile";

export interface ContainerSpec {
  /** The server's working directory on this machine (the image's WORKDIR). */
  readonly workDir: string;
  readonly imageWorkDir: string;
  /** CMD, exec form. */
  readonly command: readonly string[];
  /** ENV of the image. */
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
}

export function containerSpec(contextDir: string): ContainerSpec {
  const text = readFileSync(path.join(contextDir, "Dockerfile"), "utf8");
  const workdir = expand(last(text, "WORKDIR")?.args ?? "/", argDefaults(text));
  const copy = last(text, "COPY")?.args.split(/\s+/);
  if (!copy || copy.length !== 2) throw new Error("the Dockerfile has no single-source COPY");
  const [from, to] = copy as [string, string];
  const imageRoot = to.replace(/\/$/, "");
  if (!workdir.startsWith(`${imageRoot}/`)) {
    throw new Error(`WORKDIR ${workdir} is not under the copied ${to}`);
  }
  const cmd = JSON.parse(last(text, "CMD")?.args ?? "null") as string[] | null;
  if (!Array.isArray(cmd)) throw new Error("the Dockerfile has no exec-form CMD");
  const user = /^(\d+):(\d+)$/.exec(last(text, "USER")?.args ?? "");
  if (!user) throw new Error("the Dockerfile has no numeric USER uid:gid");
  return {
    workDir: path.join(contextDir, from, workdir.slice(imageRoot.length + 1)),
    imageWorkDir: workdir,
    command: cmd,
    env: env(text),
    uid: Number(user[1]),
    gid: Number(user[2]),
  };
}

export const runningAsRoot = process.getuid?.() === 0;

/** A directory only the server's user can write: the task's /tmp volume. */
export function makeTmpDir(dir: string, spec: ContainerSpec): string {
  mkdirSync(dir, { recursive: true });
  if (runningAsRoot) chownSync(dir, spec.uid, spec.gid);
  chmodSync(dir, 0o700);
  return dir;
}

/** Makes the tree read-only for its owner (not needed as root: the server is another user). */
export function setReadOnly(tree: string, readOnly: boolean): void {
  if (runningAsRoot) return;
  const walk = (dir: string): void => {
    if (!readOnly) chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile())
        chmodSync(file, (lstatSync(file).mode & 0o777 & ~0o222) | (readOnly ? 0 : 0o200));
    }
    if (readOnly) chmodSync(dir, 0o555);
  };
  walk(tree);
}

/** The environment the server gets: the image's, with the test's host, port and /tmp. */
export function serverEnv(
  spec: ContainerSpec,
  port: number,
  tmpDir: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: "/nonexistent",
    ...spec.env,
    HOSTNAME: "127.0.0.1",
    PORT: String(port),
    TMPDIR: tmpDir,
    ...extra,
  };
}

/** Runs `node -e script` as the server's user, in its working directory; returns its exit code. */
export function runAsServerUser(
  spec: ContainerSpec,
  script: string,
  envVars: NodeJS.ProcessEnv,
): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: spec.workDir,
    env: envVars,
    encoding: "utf8",
    timeout: 15_000,
    ...(runningAsRoot ? { uid: spec.uid, gid: spec.gid } : {}),
  });
  return { status: result.status, stderr: result.stderr };
}

export interface RunningServer {
  readonly process: ChildProcess;
  readonly port: number;
  readonly url: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Starts CMD (its `node` is this Node.js) and waits until GET /status answers. */
export async function startServer(
  spec: ContainerSpec,
  envVars: NodeJS.ProcessEnv,
): Promise<RunningServer> {
  const [program, ...args] = spec.command;
  if (program !== "node") throw new Error(`CMD runs ${program}, not node`);
  const child = spawn(process.execPath, args, {
    cwd: spec.workDir,
    env: envVars,
    stdio: ["ignore", "pipe", "pipe"],
    ...(runningAsRoot ? { uid: spec.uid, gid: spec.gid } : {}),
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal as string))),
  );
  const port = Number(envVars["PORT"]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`the server exited before it answered:\n${output}`);
    try {
      const answer = await fetch(`${url}/status`);
      await answer.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`the server did not answer within 30 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { process: child, port, url, output: () => output, exited };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Every path under `dir` (relative), for before/after comparisons. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      out.push(child);
      if (entry.isDirectory()) walk(child);
    }
  };
  walk("");
  return out.sort();
}
