/**
 * Where a response goes. Both modes drive the same request code and differ only here: the
 * buffered sink collects the body and returns Lambda's v2 result object; the streaming sink
 * writes the prelude and then each body chunk to the Lambda response stream as Next.js produces
 * it. Every method is called in order: `start` once, `write` any number of times, `end` once.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { encodeBody } from "./body-encoding";
import type { AwsLambdaGlobal, LambdaResponseStream } from "./lambda-runtime-global";
import type { LambdaResponseHead } from "./response-head";

export interface ResponseSink {
  /** True once `start` was called: the status can no longer change. */
  readonly started: boolean;
  start(head: LambdaResponseHead): void;
  /** Resolves when the sink can take more. */
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void>;
}

export class BufferedSink implements ResponseSink {
  private head: LambdaResponseHead | undefined;
  private readonly chunks: Buffer[] = [];

  get started(): boolean {
    return this.head !== undefined;
  }

  start(head: LambdaResponseHead): void {
    this.head = head;
  }

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  async end(): Promise<void> {}

  /** The v2 result; only valid after `end`. */
  result(): APIGatewayProxyStructuredResultV2 {
    if (!this.head) throw new Error("BufferedSink.result() called before start()");
    const { statusCode, headers, cookies } = this.head;
    return {
      statusCode,
      headers,
      cookies,
      ...encodeBody(Buffer.concat(this.chunks), headers),
    };
  }
}

export class StreamingSink implements ResponseSink {
  private stream: LambdaResponseStream | undefined;
  private failed = false;

  constructor(
    private readonly responseStream: LambdaResponseStream,
    private readonly runtime: AwsLambdaGlobal,
  ) {
    // A viewer that goes away errors the stream; the response is lost either way, the process
    // must not be.
    responseStream.on("error", () => {
      this.failed = true;
    });
  }

  get started(): boolean {
    return this.stream !== undefined;
  }

  start(head: LambdaResponseHead): void {
    this.stream = this.runtime.HttpResponseStream.from(this.responseStream, {
      statusCode: head.statusCode,
      headers: head.headers,
      cookies: head.cookies,
    });
    // The prelude only goes out with the first write(): write one now, so that bodiless answers
    // (HEAD, 204, 304, redirects) still send their status and headers.
    this.stream.write(new Uint8Array(0));
  }

  async write(chunk: Buffer): Promise<void> {
    const stream = this.stream;
    if (!stream || this.failed || chunk.length === 0) return;
    if (!stream.write(chunk)) {
      await new Promise<void>((resolve) => {
        stream.once("drain", () => resolve());
        stream.once("close", () => resolve());
        stream.once("error", () => resolve());
      });
    }
  }

  async end(): Promise<void> {
    const stream = this.stream ?? this.responseStream;
    if (this.failed || stream.writableEnded) return;
    await new Promise<void>((resolve) => {
      stream.once("error", () => resolve());
      stream.end(() => resolve());
    });
  }
}
