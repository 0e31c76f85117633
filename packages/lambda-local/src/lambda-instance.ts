/**
 * Starts one local "Lambda instance" on an extracted zip: ./lambda-host.ts in a child process
 * with the environment Lambda would give it (./lambda-environment.ts), and invokes it. Like a real
 * instance it handles one invocation at a time; further invokes wait their turn. Answers can be
 * read the way a Function URL reads them (`http`), so a test asserts the same HTTP response in
 * both invoke modes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { functionUrlAnswer, type HttpAnswer } from "./function-url-answer";
import type { HostReply, HostRequest, HostStartup } from "./host-protocol";
import type { InvokeResult } from "./invoke-result";
import { lambdaEnvironment } from "./lambda-environment";

/** The host is run from dist/ whether this module runs from src/ (ts-jest) or dist/. */
const HOST_SCRIPT = path.resolve(__dirname, "..", "dist", "lambda-host.js");

export interface LambdaInstanceOptions {
  /** The extracted zip: Lambda's /var/task. */
  readonly taskRoot: string;
  /** `<module>.<export>`, as in artifact.json. @default "index.handler" */
  readonly handler?: string;
  /** The function's environment variables. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** @default "local-function" */
  readonly functionName?: string;
  /** `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`. @default 128 (Lambda's default) */
  readonly memoryMiB?: number;
  /** `AWS_REGION`. @default "eu-west-1" */
  readonly region?: string;
  /**
   * Folders standing in for the runtime's `/opt/nodejs/node_modules` and
   * `/var/runtime/node_modules` (where nodejs22.x provides the AWS SDK v3), in `NODE_PATH`.
   * @default [] - the function finds only what its zip holds
   */
  readonly nodePath?: readonly string[];
  /**
   * Reported by `context.getRemainingTimeInMillis()`; not enforced.
   * @default 30
   */
  readonly timeoutSec?: number;
  /** Called with each line the instance writes to stdout or stderr. @default - kept in `logs` only */
  readonly onLog?: (line: string) => void;
}

export interface LambdaInstance {
  /** How long loading the handler took (Lambda's Init Duration). */
  readonly initMs: number;
  /** The child process's id: tells instances apart. */
  readonly pid: number;
  /** Lines the instance wrote to stdout and stderr, in order. */
  readonly logs: string[];
  /** Whether an invocation is running. */
  busy(): boolean;
  invoke(event: unknown): Promise<InvokeResult>;
  /** Invokes and reads the result as a Function URL would answer it. */
  http(event: unknown): Promise<HttpAnswer>;
  /** How many Node `ServerResponse`s the instance has ended (HTTP requests its code served). */
  nodeResponses(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLambdaInstance(options: LambdaInstanceOptions): Promise<LambdaInstance> {
  if (!existsSync(HOST_SCRIPT)) {
    throw new Error(`${HOST_SCRIPT} is missing: run \`npm run build\` in packages/lambda-local`);
  }
  const taskRoot = path.resolve(options.taskRoot);
  const child = fork(HOST_SCRIPT, [String(options.timeoutSec ?? 30)], {
    cwd: taskRoot,
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: lambdaEnvironment({
      taskRoot,
      handler: options.handler ?? "index.handler",
      functionName: options.functionName ?? "local-function",
      memoryMiB: options.memoryMiB ?? 128,
      region: options.region ?? "eu-west-1",
      nodePath: options.nodePath ?? [],
      env: options.env ?? {},
    }),
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const logs = collectLines(child, options.onLog);
  const startup = await new Promise<HostStartup>((resolve, reject) => {
    child.once("message", (message) => resolve(message as HostStartup));
    child.once("exit", (code) => {
      void closed.then(() =>
        reject(
          new Error(`the Lambda instance exited with ${code} during init:\n${logs.join("\n")}`),
        ),
      );
    });
  });
  if (startup.type === "init-error") {
    // After the streams close, so the error carries everything the init printed.
    await stopChild(child, closed);
    throw new Error(
      `init failed: ${startup.errorMessage} (${startup.errorType})\n${logs.join("\n")}`,
    );
  }
  child.removeAllListeners("exit");
  return connect(child, closed, startup.initMs, logs);
}

function connect(
  child: ChildProcess,
  closed: Promise<void>,
  initMs: number,
  logs: string[],
): LambdaInstance {
  let nextId = 1;
  let exitError: string | undefined;
  const waiting = new Map<number, (reply: HostReply) => void>();
  child.on("message", (reply: HostReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  child.once("exit", (code, signal) => {
    exitError = `Runtime exited with ${signal ?? `exit status ${code}`}`;
    for (const [id, resolve] of waiting) {
      resolve({ id, type: "error", errorType: "Runtime.ExitError", errorMessage: exitError });
    }
    waiting.clear();
  });

  function request(message: WithoutId<HostRequest>): Promise<HostReply> {
    const id = nextId++;
    if (exitError !== undefined) {
      return Promise.resolve({
        id,
        type: "error",
        errorType: "Runtime.ExitError",
        errorMessage: exitError,
      });
    }
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      // With a callback, a closed channel is reported here instead of crashing the caller.
      child.send({ ...message, id } as HostRequest, (error) => {
        if (!error || !waiting.delete(id)) return;
        resolve({ id, type: "error", errorType: "Runtime.ExitError", errorMessage: error.message });
      });
    });
  }

  // One invocation at a time, as on Lambda: each waits for the one before it.
  let queue: Promise<unknown> = Promise.resolve();
  let running = 0;
  async function invoke(event: unknown): Promise<InvokeResult> {
    running += 1;
    const turn = queue.then(() => request({ type: "invoke", event }));
    queue = turn.catch(() => undefined);
    try {
      return toInvokeResult(await turn);
    } finally {
      running -= 1;
    }
  }

  return {
    initMs,
    pid: child.pid ?? -1,
    logs,
    busy: () => running > 0,
    invoke,
    http: async (event) => functionUrlAnswer(await invoke(event)),
    async nodeResponses() {
      const reply = await request({ type: "stats" });
      if (reply.type !== "stats") throw new Error(`unexpected reply ${reply.type}`);
      return reply.nodeResponses;
    },
    stop: () => stopChild(child, closed),
  };
}

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

function toInvokeResult(reply: HostReply): InvokeResult {
  switch (reply.type) {
    case "stream":
      return {
        type: "stream",
        contentType: reply.contentType,
        payload: Buffer.from(reply.payload, "base64"),
      };
    case "buffered":
      return { type: "buffered", result: reply.result };
    case "error":
      return { type: "error", errorType: reply.errorType, errorMessage: reply.errorMessage };
    default:
      throw new Error(`unexpected reply ${reply.type} to an invocation`);
  }
}

function collectLines(child: ChildProcess, onLog?: (line: string) => void): string[] {
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (data: Buffer) => {
      const lines = (pending + data.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      logs.push(...lines);
      if (onLog) lines.forEach(onLog);
    });
  }
  return logs;
}

/**
 * SIGTERM, then SIGKILL if the instance has not exited within 3 s; resolves once its output
 * streams are closed too (`closed`, not `exit`), so `logs` is complete.
 */
async function stopChild(child: ChildProcess, closed: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => clearTimeout(kill));
    child.kill("SIGTERM");
  }
  await closed;
}
