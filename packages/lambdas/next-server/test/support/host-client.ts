/**
 * Starts test "Lambda instances" (./lambda-host.ts in a child process, each with its own
 * environment) on the package built by the global setup, and reads their answers the way the
 * Function URL does, so tests assert the same HTTP response in both modes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { HTTP_INTEGRATION_CONTENT_TYPE, readHttpIntegrationResponse } from "./awslambda-stand-in";
import type { HostReply, HostRequest, HostStartup } from "./lambda-host";

export interface Fixture {
  /** The extracted zip (Lambda's /var/task). */
  readonly taskRoot: string;
  /** lambda-host.ts, bundled. */
  readonly hostScript: string;
  readonly zipFile: string;
  readonly artifactFile: string;
  readonly outDir: string;
  readonly workDir: string;
  /** The package CLI's output. */
  readonly packageLog: string;
}

export function fixture(): Fixture {
  const file = process.env["ZONKE_NEXT_SERVER_FIXTURE"];
  if (!file) throw new Error("ZONKE_NEXT_SERVER_FIXTURE is not set: run the tests through jest");
  return JSON.parse(readFileSync(file, "utf8")) as Fixture;
}

export type Mode = "stream" | "buffered";

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
  readonly body: Buffer;
  readonly text: string;
  /** Buffered mode only: whether Lambda's JSON carried the body as base64. */
  readonly isBase64Encoded?: boolean;
}

export interface LambdaHost {
  readonly mode: Mode;
  readonly initMs: number;
  /** Lines the instance wrote to stdout and stderr, in order. */
  readonly logs: string[];
  invoke(event: unknown): Promise<HostReply>;
  http(event: unknown): Promise<HttpAnswer>;
  /** How many Node responses the instance has ended (requests handed to Next.js). */
  nodeResponses(): Promise<number>;
  stop(): Promise<void>;
}

export async function startLambdaHost(
  mode: Mode,
  env: Record<string, string> = {},
): Promise<LambdaHost> {
  const { taskRoot, hostScript } = fixture();
  const child = fork(hostScript, [], {
    cwd: taskRoot,
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: {
      PATH: process.env["PATH"] ?? "",
      TZ: "UTC",
      ZONKE_TASK_ROOT: taskRoot,
      ZONKE_RESPONSE_MODE: mode,
      ...env,
    },
  });
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (data: Buffer) => {
      const lines = (pending + data.toString("utf8")).split("\n");
      pending = lines.pop() ?? "";
      logs.push(...lines);
    });
  }
  const startup = await new Promise<HostStartup>((resolve, reject) => {
    child.once("message", (message) => resolve(message as HostStartup));
    child.once("exit", (code) =>
      reject(new Error(`the Lambda host exited with ${code} during init:\n${logs.join("\n")}`)),
    );
  });
  if (startup.type === "init-error") {
    await stopChild(child);
    throw new Error(`init failed: ${startup.message}\n${logs.join("\n")}`);
  }
  child.removeAllListeners("exit");

  let nextId = 1;
  const waiting = new Map<number, (reply: HostReply) => void>();
  child.on("message", (reply: HostReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  function request(
    message: { type: "invoke"; event: unknown } | { type: "stats" },
  ): Promise<HostReply> {
    const id = nextId++;
    return new Promise((resolve) => {
      waiting.set(id, resolve);
      child.send({ ...message, id } satisfies HostRequest);
    });
  }

  return {
    mode,
    initMs: startup.initMs,
    logs,
    invoke: (event) => request({ type: "invoke", event }),
    async http(event) {
      return toHttpAnswer(await request({ type: "invoke", event }));
    },
    async nodeResponses() {
      const reply = await request({ type: "stats" });
      if (reply.type !== "stats") throw new Error(`unexpected reply ${reply.type}`);
      return reply.nodeResponses;
    },
    stop: () => stopChild(child),
  };
}

/** Reads an invocation's answer as the Function URL would turn it into an HTTP response. */
export function toHttpAnswer(reply: HostReply): HttpAnswer {
  if (reply.type === "stream") {
    if (reply.contentType !== HTTP_INTEGRATION_CONTENT_TYPE) {
      throw new Error(
        `the stream's content type is ${reply.contentType}, not the HTTP integration`,
      );
    }
    const { prelude, body } = readHttpIntegrationResponse(Buffer.from(reply.payload, "base64"));
    return {
      statusCode: prelude.statusCode ?? 200,
      headers: prelude.headers ?? {},
      cookies: prelude.cookies ?? [],
      body,
      text: body.toString("utf8"),
    };
  }
  if (reply.type === "buffered") {
    const result = reply.result as APIGatewayProxyStructuredResultV2;
    const body = Buffer.from(result.body ?? "", result.isBase64Encoded ? "base64" : "utf8");
    return {
      statusCode: result.statusCode ?? 200,
      headers: (result.headers ?? {}) as Record<string, string>,
      cookies: result.cookies ?? [],
      body,
      text: body.toString("utf8"),
      isBase64Encoded: result.isBase64Encoded ?? false,
    };
  }
  throw new Error(`the invocation failed: ${JSON.stringify(reply)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
