/**
 * One local "Lambda instance", run as a child process by ./lambda-instance.ts (this file is the
 * child's main script: it does its work when loaded). Like the Node.js runtime, it installs the
 * `awslambda` global, changes to the task root, loads the handler named by `_HANDLER` from
 * `LAMBDA_TASK_ROOT` (./handler-loader.ts) with the environment it was given, and invokes it for
 * each event the client sends over IPC: streaming handlers with a response stream (the payload is
 * the raw stream bytes), others by their return value or callback.
 *
 * It also counts `ServerResponse.end` calls, so tests can tell whether an event reached a Node
 * HTTP server inside the function (the Next.js adapter creates one response per HTTP request).
 */
import { randomUUID } from "node:crypto";
import { ServerResponse } from "node:http";
import { invokeStreaming, isStreamingHandler, localAwsLambda } from "./awslambda-stand-in";
import { loadHandler } from "./handler-loader";
import type { HostReply, HostRequest, HostStartup } from "./host-protocol";

/** Only reported by context.getRemainingTimeInMillis(); argv, so the function's env stays Lambda's. */
const TIMEOUT_SEC = Number(process.argv[2] ?? "30");

let nodeResponses = 0;
const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function countedEnd(this: ServerResponse, ...args: unknown[]) {
  nodeResponses += 1;
  return (end as (...a: unknown[]) => ServerResponse).apply(this, args);
} as typeof end;

function send(message: HostReply | HostStartup): void {
  process.send?.(message);
}

function errorFields(error: unknown): { errorType: string; errorMessage: string } {
  if (error instanceof Error) {
    const type = (error as { errorType?: unknown }).errorType;
    return { errorType: typeof type === "string" ? type : error.name, errorMessage: error.message };
  }
  return { errorType: "Error", errorMessage: String(error) };
}

async function main(): Promise<void> {
  const taskRoot = process.env["LAMBDA_TASK_ROOT"];
  const handlerString = process.env["_HANDLER"];
  if (!taskRoot || !handlerString) throw new Error("LAMBDA_TASK_ROOT and _HANDLER must be set");
  (globalThis as Record<string, unknown>)["awslambda"] = localAwsLambda;
  process.chdir(taskRoot);
  const started = performance.now();
  let handler: unknown;
  try {
    handler = await loadHandler(taskRoot, handlerString);
  } catch (error) {
    send({ type: "init-error", ...errorFields(error) });
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
  const context = invocationContext();
  try {
    if (isStreamingHandler(handler)) {
      const { contentType, bytes } = await invokeStreaming(
        handler as Parameters<typeof invokeStreaming>[0],
        request.event,
        context,
      );
      return { id, type: "stream", contentType, payload: bytes.toString("base64") };
    }
    const result = await invokeBuffered(
      handler as (event: unknown, context: unknown, callback: unknown) => unknown,
      request.event,
      context,
    );
    // Lambda returns the JSON of the result: what JSON drops (undefined, functions) is gone.
    return { id, type: "buffered", result: result === undefined ? null : result };
  } catch (error) {
    return { id, type: "error", ...errorFields(error) };
  }
}

/** nodejs22.x still accepts callback handlers: whichever of promise and callback comes first. */
function invokeBuffered(
  handler: (event: unknown, context: unknown, callback: unknown) => unknown,
  event: unknown,
  context: unknown,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error: unknown, result: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === "function") {
        (returned as Promise<unknown>).then(resolve, reject);
      } else if (handler.length < 3) {
        resolve(returned);
      }
    } catch (error) {
      reject(error);
    }
  });
}

function invocationContext(): Record<string, unknown> {
  const env = process.env;
  const functionName = env["AWS_LAMBDA_FUNCTION_NAME"] ?? "local-function";
  const deadline = Date.now() + TIMEOUT_SEC * 1000;
  return {
    awsRequestId: randomUUID(),
    functionName,
    functionVersion: env["AWS_LAMBDA_FUNCTION_VERSION"] ?? "$LATEST",
    memoryLimitInMB: env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] ?? "128",
    invokedFunctionArn: `arn:aws:lambda:${env["AWS_REGION"]}:123456789012:function:${functionName}`,
    logGroupName: env["AWS_LAMBDA_LOG_GROUP_NAME"],
    logStreamName: env["AWS_LAMBDA_LOG_STREAM_NAME"],
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

void main();
