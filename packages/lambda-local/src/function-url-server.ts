/**
 * A local stand-in for a function's URL: an HTTP server on 127.0.0.1 that turns each request into
 * a Function URL event (./function-url-event.ts), invokes the function (an instance or a pool),
 * and writes the answer back as the Function URL would (./http-answer-writer.ts). A benchmark
 * can load a packaged function through it with any HTTP client.
 */
import type { HttpAnswer } from "./function-url-answer";
import { functionUrlEvent, type FunctionUrlEvent } from "./function-url-event";
import { writeHttpAnswer } from "./http-answer-writer";
import { listenLocal, type LocalServer } from "./local-server";
import { readRawHttpRequest } from "./raw-http-request";

export interface FunctionUrlServerOptions {
  /** What serves the events: a `LambdaInstance` or a `LambdaPool`. */
  readonly target: { http(event: FunctionUrlEvent): Promise<HttpAnswer> };
  /** @default - the request's own `host` (see FunctionUrlEventOptions) */
  readonly domainName?: string;
  /** Called with each event and its answer, e.g. to record them. @default - nothing */
  readonly onExchange?: (event: FunctionUrlEvent, answer: HttpAnswer) => void;
}

export function startFunctionUrlServer(options: FunctionUrlServerOptions): Promise<LocalServer> {
  return listenLocal(async (req, res) => {
    const request = await readRawHttpRequest(req);
    const event = functionUrlEvent(
      request,
      options.domainName ? { domainName: options.domainName } : {},
    );
    const answer = await options.target.http(event);
    options.onExchange?.(event, answer);
    writeHttpAnswer(res, answer, request.method);
  });
}
