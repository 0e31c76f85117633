import { Duplex } from "node:stream";

/**
 * The socket under one request's `IncomingMessage` and `ServerResponse`. Nothing is read from it
 * (the request body is pushed into the message directly); what Node's `ServerResponse` writes to
 * it, the HTTP/1.1 response bytes, goes to `output`, whose promise is the backpressure: Node sees
 * a slow socket while the Lambda response stream is full.
 *
 * It answers what Next.js and Node read from a socket: the peer's address, `encrypted` (the viewer
 * connection is HTTPS), and no-op timeouts (Lambda's own timeout applies).
 */
export class LambdaConnection extends Duplex {
  readonly encrypted = true;
  readonly remoteFamily: string | undefined;

  /** `remoteAddress` is undefined when the event names no source IP, as on a closed socket. */
  constructor(
    readonly remoteAddress: string | undefined,
    private readonly output: (chunk: Buffer) => Promise<void> | void,
  ) {
    super({ allowHalfOpen: true });
    this.remoteFamily = remoteAddress && (remoteAddress.includes(":") ? "IPv6" : "IPv4");
  }

  override _read(): void {
    // Nothing to read: see above.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    try {
      Promise.resolve(this.output(chunk)).then(() => done(), done);
    } catch (error) {
      done(error as Error);
    }
  }

  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }
}
