/**
 * The Lambda handlers, one per response mode, over the same request code (`serveRequest`):
 *
 * - buffered: `(event, context) => result`, Lambda's v2 result object (body at most 6 MB);
 * - streaming: `(event, responseStream, context)`, wrapped by `awslambda.streamifyResponse`;
 *   the status and headers go out in the stream's prelude, the body as Next.js writes it.
 *
 * A warm event (`{"zonke": "warm"}` from the warmer's direct Invoke) is answered with this
 * instance's id after the requested delay, without serving a request: the instance is already
 * initialised, which is the point of warming. While the answer is held, `warmUp` runs (Next.js
 * loads every route's modules, once per instance), and the answer waits for it too. In streaming
 * mode the answer is JSON written to the stream, which Invoke returns as the payload. Malformed events get a 400 that says what is
 * wrong. A buffered result over Lambda's 6 MB payload limit becomes a logged 500 instead of a
 * failed invocation (streamed responses are not held to that limit). Nothing throws out of a
 * handler.
 */
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import {
  answerWarm,
  countInvocation,
  isWarmEvent,
  type WarmAnswer,
  type WarmEvent,
} from "@zonke/lambda-runtime";
import { BadRequestError, readEvent } from "./event";
import type { AwsLambdaGlobal, LambdaResponseStream } from "./lambda-runtime-global";
import { errorFields, logLine } from "./log";
import { requestHeaders } from "./request-headers";
import { sendPlain, serveRequest, type NodeRequestHandler } from "./serve";
import { BufferedSink, StreamingSink, type ResponseSink } from "./sinks";

/** Lambda's limit for a buffered (RequestResponse) payload: 6 MB of JSON. */
export const MAX_BUFFERED_RESULT_BYTES = 6 * 1024 * 1024;

export interface Adapter {
  buffered(
    event: unknown,
    context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2 | WarmAnswer>;
  streaming(event: unknown, responseStream: LambdaResponseStream, context?: Context): Promise<void>;
}

export function createAdapter(options: {
  /** Next.js's request handler (or any Node request listener, in tests). */
  readonly handler: NodeRequestHandler;
  /** The runtime's `awslambda` global; needed by `streaming` only. */
  readonly runtime?: AwsLambdaGlobal;
  /**
   * Run during a warm event's hold, e.g. Next.js's preload of every route. A failure is logged;
   * the warm answer goes out anyway. @default - nothing
   */
  readonly warmUp?: () => Promise<void>;
}): Adapter {
  async function warm(event: WarmEvent, context?: Context): Promise<WarmAnswer> {
    const warmUp = options.warmUp?.().catch((error: unknown) => {
      logLine("error", "warm-up failed", {
        ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
        ...errorFields(error),
      });
    });
    const [answer] = await Promise.all([answerWarm(event), warmUp]);
    return answer;
  }

  async function serveEvent(event: unknown, sink: ResponseSink, context?: Context): Promise<void> {
    countInvocation();
    const logFields = context?.awsRequestId ? { requestId: context.awsRequestId } : {};
    try {
      const request = readEvent(event);
      await serveRequest({
        request: { ...request, headers: requestHeaders(request) },
        handler: options.handler,
        sink,
        logFields,
      });
    } catch (error) {
      if (error instanceof BadRequestError) {
        await sendPlain(sink, 400, `Bad Request: ${error.message}`);
      } else {
        // serveRequest never throws; this is a defect of the adapter itself.
        logLine("error", "adapter failed", { ...logFields, ...errorFields(error) });
        if (!sink.started) await sendPlain(sink, 500, "Internal Server Error");
      }
      await sink.end();
    }
  }

  return {
    async buffered(event, context) {
      if (isWarmEvent(event)) return warm(event, context);
      const sink = new BufferedSink();
      await serveEvent(event, sink, context);
      const result = sink.result();
      if (maxJsonBytes(result) <= MAX_BUFFERED_RESULT_BYTES) return result;
      const bytes = Buffer.byteLength(JSON.stringify(result));
      if (bytes <= MAX_BUFFERED_RESULT_BYTES) return result;
      // Lambda would fail the invocation and the viewer get a bare 502: answer, and say why.
      logLine("error", "response too large for buffered mode", {
        ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
        statusCode: result.statusCode,
        bytes,
        limit: MAX_BUFFERED_RESULT_BYTES,
        hint: "stream responses (ZONKE_RESPONSE_MODE=stream, the default) or make the response smaller",
      });
      const tooLarge = new BufferedSink();
      await sendPlain(tooLarge, 500, "Internal Server Error");
      return tooLarge.result();
    },

    async streaming(event, responseStream, context) {
      if (isWarmEvent(event)) {
        const answer = await warm(event, context);
        responseStream.setContentType("application/json");
        responseStream.write(JSON.stringify(answer));
        await new Promise<void>((resolve) => responseStream.end(resolve));
        return;
      }
      if (!options.runtime) {
        // index.mts refuses stream mode at init without the global; this is only a guard.
        throw new Error("streaming needs the Lambda runtime's awslambda global");
      }
      await serveEvent(event, new StreamingSink(responseStream, options.runtime), context);
    },
  };
}

/**
 * At least as many bytes as `JSON.stringify(result)` takes in UTF-8, without building it: a
 * string's UTF-16 unit takes at most 6 bytes (`\\u001f`, or 3 for a character of the BMP, 4 per
 * surrogate pair), plus quotes and separators. Only results near the limit are stringified.
 */
export function maxJsonBytes(result: APIGatewayProxyStructuredResultV2): number {
  const string = (text: string | undefined) => (text === undefined ? 0 : 6 * text.length + 3);
  let bytes = 128 + string(result.body);
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    bytes += string(name) + string(String(value));
  }
  for (const cookie of result.cookies ?? []) bytes += string(cookie);
  return bytes;
}
