/**
 * Reads the HTTP/1.1 response that Node's `ServerResponse` writes to its socket: the status line
 * and header lines (interim 1xx responses such as 103 Early Hints are skipped), then the body,
 * de-chunked when `Transfer-Encoding: chunked`. Reading the wire format, rather than the
 * response object's internals, sees exactly what a client of `next start` would: every header
 * line as sent (one per `Set-Cookie`), in order, whichever API Next.js used to set it.
 */
export interface ResponseHeadLines {
  readonly statusCode: number;
  /** [name, value] in wire order and spelling. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface ResponseParserEvents {
  head(head: ResponseHeadLines): void;
  /** May return a promise: parsing waits for it (backpressure). */
  body(chunk: Buffer): Promise<void> | void;
}

export class ResponseParseError extends Error {
  override readonly name = "ResponseParseError";
}

type State = "head" | "raw" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "done";

const HEAD_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
const EMPTY = Buffer.alloc(0);

export class ResponseParser {
  private buffer: Buffer = EMPTY;
  private state: State = "head";
  private chunkLeft = 0;

  /** `requestMethod` decides, like an HTTP client, whether the response can have a body. */
  constructor(
    private readonly requestMethod: string,
    private readonly events: ResponseParserEvents,
  ) {}

  get headParsed(): boolean {
    return this.state !== "head";
  }

  /** `data` must not change afterwards: body chunks are views of it (LambdaConnection copies). */
  async write(data: Buffer): Promise<void> {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    for (;;) {
      switch (this.state) {
        case "head": {
          const end = this.buffer.indexOf(HEAD_END);
          if (end < 0) return;
          const text = this.buffer.subarray(0, end).toString("latin1");
          this.buffer = this.buffer.subarray(end + HEAD_END.length);
          this.readHead(text);
          break;
        }
        case "raw": {
          const chunk = this.take(this.buffer.length);
          if (chunk.length > 0) await this.events.body(chunk);
          return;
        }
        case "chunk-size": {
          const line = this.takeLine();
          if (line === undefined) return;
          const size = Number.parseInt(line.split(";", 1)[0]!.trim(), 16);
          if (!Number.isSafeInteger(size) || size < 0) {
            throw new ResponseParseError(`bad chunk size line ${JSON.stringify(line)}`);
          }
          this.chunkLeft = size;
          this.state = size === 0 ? "trailers" : "chunk-data";
          break;
        }
        case "chunk-data": {
          if (this.buffer.length === 0) return;
          const chunk = this.take(Math.min(this.chunkLeft, this.buffer.length));
          this.chunkLeft -= chunk.length;
          if (this.chunkLeft === 0) this.state = "chunk-end";
          await this.events.body(chunk);
          break;
        }
        case "chunk-end": {
          if (this.buffer.length < CRLF.length) return;
          if (!this.take(CRLF.length).equals(CRLF)) {
            throw new ResponseParseError("a chunk does not end with CRLF");
          }
          this.state = "chunk-size";
          break;
        }
        case "trailers": {
          // Lambda responses have no trailers: read up to the blank line and drop them.
          const line = this.takeLine();
          if (line === undefined) return;
          if (line === "") this.state = "done";
          break;
        }
        case "done":
          this.buffer = EMPTY;
          return;
      }
    }
  }

  private readHead(text: string): void {
    const [statusLine = "", ...lines] = text.split("\r\n");
    const match = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
    if (!match) throw new ResponseParseError(`bad status line ${JSON.stringify(statusLine)}`);
    const statusCode = Number(match[1]);
    if (statusCode >= 100 && statusCode < 200) return; // interim response; the real one follows
    const headers: Array<readonly [string, string]> = [];
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new ResponseParseError(`bad header line ${JSON.stringify(line)}`);
      headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    this.events.head({ statusCode, headers });
    const noBody = this.requestMethod === "HEAD" || statusCode === 204 || statusCode === 304;
    const chunked = headers.some(
      ([name, value]) =>
        name.toLowerCase() === "transfer-encoding" && /(?:^|,)\s*chunked\s*$/i.test(value),
    );
    this.state = noBody ? "done" : chunked ? "chunk-size" : "raw";
  }

  /** A view, not a copy: `write` takes bytes that nobody changes afterwards. */
  private take(length: number): Buffer {
    const taken = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return taken;
  }

  private takeLine(): string | undefined {
    const end = this.buffer.indexOf(CRLF);
    if (end < 0) return undefined;
    const line = this.buffer.subarray(0, end).toString("latin1");
    this.buffer = this.buffer.subarray(end + CRLF.length);
    return line;
  }
}
