/**
 * Serves one request: Node's request and response objects over a `LambdaConnection`, Next.js's
 * request handler in this process, and the bytes Node writes parsed into a sink. Never throws:
 * a failure before the status was sent becomes a generic 500 (the details go to one JSON log
 * line), a failure after it ends the response where it stopped.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { LambdaConnection } from "./connection";
import { errorFields, logLine, type LogFields } from "./log";
import { createNodeExchange, type NodeRequestSpec } from "./node-request";
import { lambdaResponseHead } from "./response-head";
import { ResponseParser } from "./response-parser";
import type { ResponseSink } from "./sinks";

/** A Node request listener, as `http.createServer` takes: what Next.js's router server returns. */
export type NodeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<unknown>;

export interface ServeOptions {
  readonly request: NodeRequestSpec & { readonly sourceIp: string | undefined };
  readonly handler: NodeRequestHandler;
  readonly sink: ResponseSink;
  /** Added to the error log line, e.g. the Lambda request id. */
  readonly logFields?: LogFields;
}

export async function serveRequest(options: ServeOptions): Promise<void> {
  const { request, handler, sink } = options;
  const parser = new ResponseParser(request.method, {
    head: (head) => sink.start(lambdaResponseHead(head)),
    body: (chunk) => sink.write(chunk),
  });
  const connection = new LambdaConnection(request.sourceIp, (chunk) => parser.write(chunk));
  let failure: unknown;
  // A socket error (say, the parser refusing the bytes) must fail this request, not the process.
  connection.on("error", (error) => {
    failure ??= error;
  });
  try {
    const { req, res } = createNodeExchange(request, connection);
    // 'finish': every byte reached the parser. 'close' without it: the response was destroyed.
    const done = new Promise<void>((resolve) => {
      res.once("finish", resolve);
      res.once("close", resolve);
    });
    await handler(req, res);
    await done;
    if (!res.writableFinished) failure ??= new Error("the response was closed before it ended");
  } catch (error) {
    failure ??= error;
  } finally {
    // Like a server closing the connection: Node emits 'close' on the response, which ends
    // Next.js's request signal and runs its after() callbacks.
    connection.destroy();
  }
  if (failure !== undefined) {
    logLine("error", "request failed", {
      method: request.method,
      path: request.target.split("?", 1)[0],
      statusSent: sink.started,
      ...options.logFields,
      ...errorFields(failure),
    });
    if (!sink.started) await sendPlain(sink, 500, "Internal Server Error");
  }
  await sink.end();
}

/** A short text answer of the adapter's own (400, 500): never cached, never the app's. */
export async function sendPlain(
  sink: ResponseSink,
  statusCode: number,
  text: string,
): Promise<void> {
  sink.start({
    statusCode,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "private, no-store",
    },
    cookies: [],
  });
  await sink.write(Buffer.from(`${text}\n`, "utf8"));
}
