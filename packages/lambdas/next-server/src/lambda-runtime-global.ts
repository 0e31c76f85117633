/**
 * The `awslambda` global of the Lambda Node.js runtime, as far as the adapter uses it (declared
 * here rather than taken from @types/aws-lambda, whose global claims it exists everywhere):
 *
 * - `streamifyResponse(fn)` marks a handler as streaming; the runtime then calls
 *   `fn(event, responseStream, context)` and the invocation ends when the stream ends.
 * - `HttpResponseStream.from(stream, prelude)` sets the stream's content type to
 *   `application/vnd.awslambda.http-integration-response` and, just before the first `write()`
 *   (not `end(chunk)`), writes the JSON prelude `{statusCode, headers, cookies}` and 8 NUL bytes,
 *   which the Function URL turns into the HTTP status and headers.
 */
import type { Context } from "aws-lambda";

export interface LambdaResponseStream {
  write(chunk: string | Uint8Array): boolean;
  end(callback?: () => void): void;
  setContentType(contentType: string): void;
  once(
    event: "drain" | "close" | "error" | "finish",
    listener: (...args: unknown[]) => void,
  ): unknown;
  on(event: "error", listener: (error: unknown) => void): unknown;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
}

export type StreamingHandler = (
  event: unknown,
  responseStream: LambdaResponseStream,
  context: Context,
) => Promise<void>;

export interface AwsLambdaGlobal {
  streamifyResponse(handler: StreamingHandler): unknown;
  HttpResponseStream: {
    from(stream: LambdaResponseStream, prelude: Record<string, unknown>): LambdaResponseStream;
  };
}

export function awsLambdaGlobal(): AwsLambdaGlobal | undefined {
  return (globalThis as unknown as { awslambda?: AwsLambdaGlobal }).awslambda;
}
