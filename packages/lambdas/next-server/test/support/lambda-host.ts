/**
 * One "Lambda instance" for the tests, run as a child process (bundled by the global setup):
 * like the Node.js runtime, it installs the `awslambda` global, imports the packaged handler
 * (`index.mjs` in ZONKE_TASK_ROOT, an extracted zip) with the environment it was given, and
 * invokes it for each event the test sends over IPC: streaming handlers with a response stream
 * (the payload is the raw stream bytes), others by their return value.
 *
 * It also counts `ServerResponse.end` calls, so tests can tell whether an event reached Next.js
 * (the adapter creates a Node response only for HTTP requests it hands to Next.js).
 */
import { randomUUID } from "node:crypto";
import { ServerResponse } from "node:http";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { invokeStreaming, isStreamingHandler, localAwsLambda } from "./awslambda-stand-in";

export type HostRequest =
  { id: number; type: "invoke"; event: unknown } | { id: number; type: "stats" };

export type HostReply =
  | { id: number; type: "buffered"; result: unknown }
  | { id: number; type: "stream"; contentType: string; payload: string }
  | { id: number; type: "stats"; nodeResponses: number }
  | { id: number; type: "error"; message: string };

export type HostStartup =
  { type: "ready"; initMs: number } | { type: "init-error"; message: string };

let nodeResponses = 0;
const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function countedEnd(this: ServerResponse, ...args: unknown[]) {
  nodeResponses += 1;
  return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof end;

function send(message: HostReply | HostStartup): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const taskRoot = process.env["ZONKE_TASK_ROOT"];
  if (!taskRoot) throw new Error("ZONKE_TASK_ROOT is not set");
  (globalThis as Record<string, unknown>)["awslambda"] = localAwsLambda;
  process.chdir(taskRoot);
  const started = performance.now();
  let handler: unknown;
  try {
    ({ handler } = await import(pathToFileURL(path.join(taskRoot, "index.mjs")).href));
  } catch (error) {
    send({ type: "init-error", message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }
  send({ type: "ready", initMs: Math.round(performance.now() - started) });

  process.on("message", (request: HostRequest) => {
    void answer(handler, request).then(send);
  });
}

async function answer(handler: unknown, request: HostRequest): Promise<HostReply> {
  const { id } = request;
  if (request.type === "stats") return { id, type: "stats", nodeResponses };
  const context = { awsRequestId: randomUUID(), functionName: "test-next-server" };
  try {
    if (isStreamingHandler(handler)) {
      const { contentType, bytes } = await invokeStreaming(
        handler as Parameters<typeof invokeStreaming>[0],
        request.event,
        context,
      );
      return { id, type: "stream", contentType, payload: bytes.toString("base64") };
    }
    const result = await (handler as (event: unknown, context: unknown) => unknown)(
      request.event,
      context,
    );
    return { id, type: "buffered", result };
  } catch (error) {
    return { id, type: "error", message: error instanceof Error ? error.message : String(error) };
  }
}

void main();
