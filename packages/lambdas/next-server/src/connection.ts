import { Duplex } from "node:stream";

/**
 * The socket under one request's `IncomingMessage` and `ServerResponse`. Nothing is read from it
 * (the request body is pushed into the message directly); what Node's `ServerResponse` writes to
 * it, the HTTP/1.1 response bytes, goes to `output`, whose promise is the backpressure: Node sees
 * a slow socket while the Lambda response stream is full.
 *
 * `output` gets bytes of its own, copied once: the writer may reuse its buffer as soon as the
 * write is acknowledged, while the Lambda response stream (or the buffered result) still holds
 * them.
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
    this.send(Buffer.from(chunk), done);
  }

  /**
   * What Node wrote while the socket was corked, in one piece. `ServerResponse` corks the socket
   * for the rest of the tick on each write, so the head and a chunk's size line, data and CRLF
   * arrive together: one copy and one parse instead of one per piece, each waiting for the last.
   */
  override _writev(
    chunks: ReadonlyArray<{ chunk: Buffer; encoding: BufferEncoding }>,
    done: (error?: Error) => void,
  ): void {
    this.send(Buffer.concat(chunks.map((entry) => entry.chunk)), done);
  }

  private send(owned: Buffer, done: (error?: Error) => void): void {
    try {
      Promise.resolve(this.output(owned)).then(() => done(), done);
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
