import fc from "fast-check";
import { ResponseParseError, ResponseParser, type ResponseHeadLines } from "../src/response-parser";

async function parse(method: string, pieces: Buffer[]) {
  const heads: ResponseHeadLines[] = [];
  const body: Buffer[] = [];
  const parser = new ResponseParser(method, {
    head: (head) => heads.push(head),
    body: (chunk) => {
      body.push(chunk);
    },
  });
  for (const piece of pieces) await parser.write(piece);
  return { heads, body: Buffer.concat(body) };
}

/** Cuts `bytes` at the given fractions: the parser must not care where socket writes split. */
function cut(bytes: Buffer, fractions: number[]): Buffer[] {
  const points = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort(
    (a, b) => a - b,
  );
  const pieces: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(start, point));
    start = point;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

function chunked(parts: Uint8Array[]): Buffer {
  const framed = parts
    .filter((part) => part.length > 0)
    .map((part) =>
      Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")]),
    );
  return Buffer.concat([...framed, Buffer.from("0\r\n\r\n")]);
}

describe("ResponseParser", () => {
  it("reads the head and a chunked body however the bytes are split", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        async (parts, fractions) => {
          const head = Buffer.from(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nTransfer-Encoding: chunked\r\n\r\n",
          );
          const wire = Buffer.concat([head, chunked(parts)]);
          const { heads, body } = await parse("GET", cut(wire, fractions));
          expect(heads).toEqual([
            {
              statusCode: 200,
              headers: [
                ["Content-Type", "application/octet-stream"],
                ["Set-Cookie", "a=1"],
                ["Set-Cookie", "b=2"],
                ["Transfer-Encoding", "chunked"],
              ],
            },
          ]);
          expect(body.equals(Buffer.concat(parts))).toBe(true);
        },
      ),
    );
  });

  it("passes a Content-Length body through", async () => {
    const { body } = await parse("GET", [
      Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"),
      Buffer.from("lo"),
    ]);
    expect(body.toString()).toBe("hello");
  });

  it("skips interim responses such as 103 Early Hints", async () => {
    const { heads, body } = await parse("GET", [
      Buffer.from("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"),
      Buffer.from("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"),
    ]);
    expect(heads.map((h) => h.statusCode)).toEqual([201]);
    expect(body.toString()).toBe("ok");
  });

  it.each([
    ["HEAD", 200],
    ["GET", 204],
    ["GET", 304],
  ])("expects no body for %s %d", async (method, status) => {
    const { body } = await parse(method, [
      Buffer.from(`HTTP/1.1 ${status} X\r\nTransfer-Encoding: chunked\r\n\r\nnot a chunk`),
    ]);
    expect(body.length).toBe(0);
  });

  it("drops trailers", async () => {
    const { body } = await parse("GET", [
      Buffer.from(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n",
      ),
    ]);
    expect(body.toString()).toBe("ok");
  });

  it.each([
    ["a bad status line", "HTTP/2 200\r\n\r\n"],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n"],
    ["a bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"],
    ["a chunk without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc"],
  ])("refuses %s", async (_label, wire) => {
    await expect(parse("GET", [Buffer.from(wire)])).rejects.toThrow(ResponseParseError);
  });
});
