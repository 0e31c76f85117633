/**
 * A local stand-in for the Lambda Node.js runtime's `awslambda` global, faithful to the parts the
 * adapter relies on (aws-lambda-nodejs-runtime-interface-client, src/stream/):
 *
 * - `streamifyResponse(fn)` returns `fn` marked with
 *   `Symbol.for("aws.lambda.runtime.handler.streaming") = "response"`, which is how the runtime
 *   tells streaming handlers apart; it then calls `fn(event, responseStream, context)`.
 * - The response stream is a Writable with `setContentType` (only before the first write;
 *   default `application/octet-stream`). Its `write()` runs a pending `_onBeforeFirstWrite` hook
 *   first; `end(chunk)` does NOT run it, as in the runtime, where `end` bypasses the patched write.
 *   Non-binary, non-string chunks are JSON-stringified.
 * - `HttpResponseStream.from(stream, prelude)` sets the content type
 *   `application/vnd.awslambda.http-integration-response` and installs the hook, which writes
 *   `JSON.stringify(prelude)` then 8 NUL bytes.
 * - `invokeStreaming` plays the runtime's part: it calls the handler and resolves, once the
 *   handler's promise settled and the stream finished, with the content type and the raw bytes
 *   (what `Invoke` returns as the payload of a streaming function).
 *
 * The Function URL's part, reading the prelude and the body, is in ./function-url-answer.ts.
 */
import { Writable } from "node:stream";

export const STREAMING_SYMBOL = Symbol.for("aws.lambda.runtime.handler.streaming");
export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
/** Between the prelude's JSON and the body. */
export const PRELUDE_DELIMITER = Buffer.alloc(8);

type WriteHook = (write: (chunk: string | Uint8Array) => void) => void;

export class LocalResponseStream extends Writable {
  contentType = "application/octet-stream";
  _onBeforeFirstWrite: WriteHook | undefined;
  private written = false;
  private readonly chunks: Buffer[] = [];

  setContentType(contentType: string): void {
    if (this.written) throw new Error("Cannot set content-type, too late.");
    this.contentType = contentType;
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    const data =
      typeof chunk === "string" || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk);
    if (!this.written) {
      this.written = true;
      this._onBeforeFirstWrite?.((first) => {
        super.write(first);
      });
    }
    return (super.write as (...args: unknown[]) => boolean)(data, ...rest);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export const localAwsLambda = {
  streamifyResponse<T extends (...args: never[]) => unknown>(handler: T): T {
    (handler as unknown as Record<symbol, string>)[STREAMING_SYMBOL] = "response";
    return handler;
  },
  HttpResponseStream: {
    from(stream: LocalResponseStream, prelude: Record<string, unknown>): LocalResponseStream {
      stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
      const metadata = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(PRELUDE_DELIMITER);
      };
      return stream;
    },
  },
};

export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === "function" &&
    (handler as unknown as Record<symbol, unknown>)[STREAMING_SYMBOL] === "response"
  );
}

export async function invokeStreaming(
  handler: (event: unknown, stream: LocalResponseStream, context: unknown) => unknown,
  event: unknown,
  context: unknown,
): Promise<{ contentType: string; bytes: Buffer }> {
  const stream = new LocalResponseStream();
  const finished = new Promise<void>((resolve, reject) => {
    stream.once("finish", resolve);
    stream.once("error", reject);
  });
  await handler(event, stream, context);
  await finished;
  return { contentType: stream.contentType, bytes: stream.bytes() };
}
