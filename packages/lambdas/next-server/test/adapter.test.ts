import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalResponseStream, readHttpIntegrationResponse } from "@zonke/lambda-local";
import { currentInstanceId } from "@zonke/lambda-runtime";
import { MAX_BUFFERED_RESULT_BYTES } from "../src/adapter";
import type { NodeRequestHandler } from "../src/serve";
import { functionUrlEvent } from "./support/events";
import { MODES, echoHandler, httpInProcess, inProcessAdapter, invoke } from "./support/in-process";

const BAD_EVENTS: Array<[string, unknown, RegExp]> = [
  ["null", null, /the event is null, not an object/],
  ["a string", "GET /", /the event is a string/],
  ["an array", [], /an array/],
  ["no version", { rawPath: "/" }, /not a payload 2\.0 event/],
  ["a payload 1.0 event", { version: "1.0", httpMethod: "GET", path: "/" }, /version "1\.0"/],
  [
    "no requestContext.http",
    { ...functionUrlEvent(), requestContext: {} },
    /no requestContext\.http/,
  ],
  [
    "no method",
    { ...functionUrlEvent(), requestContext: { http: { path: "/" } } },
    /method is missing/,
  ],
  [
    "a method that is not a token",
    { ...functionUrlEvent(), requestContext: { http: { method: "GET /x" } } },
    /not an HTTP method/,
  ],
  ["no rawPath", { ...functionUrlEvent(), rawPath: undefined }, /rawPath is missing/],
  ["a relative rawPath", { ...functionUrlEvent(), rawPath: "status" }, /does not start with \//],
  [
    "headers that are a list",
    { ...functionUrlEvent(), headers: ["a"] },
    /headers is not an object/,
  ],
  [
    "a header value with a line break",
    { ...functionUrlEvent(), headers: { "x-a": "1\r\nx-b: 2" } },
    /header x-a has a value that is not valid/,
  ],
  [
    "cookies that are a string",
    { ...functionUrlEvent(), cookies: "a=1" },
    /cookies is not an array/,
  ],
  ["a cookie that is a number", { ...functionUrlEvent(), cookies: [1] }, /not a valid cookie/],
  ["a body that is an object", { ...functionUrlEvent(), body: { a: 1 } }, /body is not a string/],
  [
    "isBase64Encoded that is a string",
    { ...functionUrlEvent(), body: "", isBase64Encoded: "true" },
    /isBase64Encoded is not a boolean/,
  ],
  [
    "a base64 body that is not base64",
    { ...functionUrlEvent({ method: "POST" }), body: "aGVsbG8*", isBase64Encoded: true },
    /not valid base64/,
  ],
  [
    "a base64 body without padding",
    { ...functionUrlEvent({ method: "POST" }), body: "aGVsbG8", isBase64Encoded: true },
    /not valid base64/,
  ],
];

describe.each(MODES)("the adapter (%s mode)", (mode) => {
  it("answers a warm event with the instance id after the delay, without the request handler", async () => {
    const handler = jest.fn<Promise<void>, [IncomingMessage, ServerResponse]>();
    const adapter = inProcessAdapter(handler);
    const started = Date.now();
    const answer = await invoke(adapter, mode, { zonke: "warm", delayMs: 120 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    const payload =
      answer.type === "stream" ? JSON.parse(answer.bytes.toString("utf8")) : answer.result;
    expect(payload).toEqual({
      zonke: "warm",
      instanceId: currentInstanceId(),
      coldStart: expect.any(Boolean),
    });
    if (answer.type === "stream") expect(answer.contentType).toBe("application/json");
    expect(handler).not.toHaveBeenCalled();
  });

  it("runs the warm-up during the hold, and answers only once it is done", async () => {
    const steps: string[] = [];
    let finishWarmUp = () => {};
    const warmUp = jest.fn(
      () =>
        new Promise<void>((resolve) => {
          steps.push("warm-up started");
          finishWarmUp = () => {
            steps.push("warm-up done");
            resolve();
          };
        }),
    );
    const handler = jest.fn<Promise<void>, [IncomingMessage, ServerResponse]>();
    const adapter = inProcessAdapter(handler, warmUp);
    const answered = invoke(adapter, mode, { zonke: "warm", delayMs: 30 }).then((answer) => {
      steps.push("answered");
      return answer;
    });
    // Longer than the delay: the answer still waits for the warm-up.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(steps).toEqual(["warm-up started"]);
    finishWarmUp();
    const answer = await answered;
    expect(steps).toEqual(["warm-up started", "warm-up done", "answered"]);
    const payload =
      answer.type === "stream" ? JSON.parse(answer.bytes.toString("utf8")) : answer.result;
    expect(payload).toMatchObject({ zonke: "warm", instanceId: currentInstanceId() });
    expect(warmUp).toHaveBeenCalledTimes(1);
    expect(handler).not.toHaveBeenCalled();
  });

  it("answers a warm event when the warm-up fails, and logs the failure once as JSON", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const adapter = inProcessAdapter(jest.fn(), () =>
        Promise.reject(new Error("route module failed to load")),
      );
      const answer = await invoke(adapter, mode, { zonke: "warm" });
      const payload =
        answer.type === "stream" ? JSON.parse(answer.bytes.toString("utf8")) : answer.result;
      expect(payload).toMatchObject({ zonke: "warm", instanceId: currentInstanceId() });
      expect(errors).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(errors.mock.calls[0]![0]))).toMatchObject({
        level: "error",
        message: "warm-up failed",
        errorMessage: "route module failed to load",
      });
    } finally {
      errors.mockRestore();
    }
  });

  it.each(BAD_EVENTS)("answers %s with a 400 that says why", async (_label, event, reason) => {
    const handler = jest.fn<Promise<void>, [IncomingMessage, ServerResponse]>();
    const answer = await httpInProcess(inProcessAdapter(handler), mode, event);
    expect(answer.statusCode).toBe(400);
    expect(answer.headers).toEqual({
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "private, no-store",
    });
    expect(answer.text).toMatch(/^Bad Request: /);
    expect(answer.text).toMatch(reason);
    expect(answer.text).not.toMatch(/\n\s+at /);
    expect(handler).not.toHaveBeenCalled();
  });

  it("answers 500 without details when the handler throws, and logs it once as JSON", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const adapter = inProcessAdapter(async () => {
        throw new Error("database password rejected for user app");
      });
      const answer = await httpInProcess(
        adapter,
        mode,
        functionUrlEvent({ path: "/orders", query: "token=abc" }),
      );
      expect(answer.statusCode).toBe(500);
      expect(answer.text).toBe("Internal Server Error\n");
      expect(answer.headers["cache-control"]).toBe("private, no-store");
      expect(errors).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(errors.mock.calls[0]![0]));
      expect(line).toMatchObject({
        level: "error",
        message: "request failed",
        method: "GET",
        path: "/orders",
        statusSent: false,
        errorName: "Error",
        errorMessage: "database password rejected for user app",
        stack: expect.stringContaining("adapter.test.ts"),
      });
      expect(JSON.stringify(line)).not.toContain("token=abc");
    } finally {
      errors.mockRestore();
    }
  });

  it("sends the bytes the handler wrote, also when it reuses its buffer after the write", async () => {
    const write = (res: ServerResponse, chunk: Buffer) =>
      new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    const adapter = inProcessAdapter(async (_req, res) => {
      // With a length, each write is the handler's own buffer, not a framed chunk.
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": "18" });
      await write(res, Buffer.from("head-"));
      const buffer = Buffer.from("first-");
      await write(res, buffer);
      // Allowed once the write is acknowledged: the bytes already belong to the socket.
      buffer.write("reused");
      await write(res, Buffer.from("second"));
      res.end();
    });
    const answer = await httpInProcess(adapter, mode, functionUrlEvent());
    expect(answer.text).toBe("head-first-second");
  });

  it("keeps the status and ends the body where it stopped when the handler fails mid-response", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const adapter = inProcessAdapter(async (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        await new Promise<void>((resolve) => res.write("partial", () => resolve()));
        throw new Error("render failed half way");
      });
      const answer = await httpInProcess(adapter, mode, functionUrlEvent());
      expect(answer.statusCode).toBe(200);
      expect(answer.text).toBe("partial");
      expect(errors).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(errors.mock.calls[0]![0]))).toMatchObject({ statusSent: true });
    } finally {
      errors.mockRestore();
    }
  });

  it("answers 500 when the response is destroyed before it started", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const adapter = inProcessAdapter(async (_req, res) => {
        res.destroy();
      });
      const answer = await httpInProcess(adapter, mode, functionUrlEvent());
      expect(answer.statusCode).toBe(500);
      expect(errors).toHaveBeenCalledTimes(1);
    } finally {
      errors.mockRestore();
    }
  });

  it.each([
    ["HEAD", 200],
    ["GET", 204],
    ["GET", 304],
  ])(
    "sends no body for %s with status %d, even if the handler writes one",
    async (method, status) => {
      const adapter = inProcessAdapter(async (_req, res) => {
        res.writeHead(status, { "content-type": "text/plain", etag: '"v1"' });
        res.end("this must not be sent");
      });
      const answer = await httpInProcess(adapter, mode, functionUrlEvent({ method }));
      expect(answer.statusCode).toBe(status);
      expect(answer.headers).toMatchObject({ etag: '"v1"' });
      expect(answer.body.length).toBe(0);
    },
  );

  it("keeps every Set-Cookie apart, commas and all", async () => {
    const cookies = [
      "session=a1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly",
      "theme=dark; Path=/",
      "list=a,b,c",
    ];
    const adapter = inProcessAdapter(async (_req, res) => {
      res.setHeader("set-cookie", cookies);
      res.appendHeader("vary", "accept");
      res.appendHeader("vary", "cookie");
      res.end();
    });
    const answer = await httpInProcess(adapter, mode, functionUrlEvent());
    expect(answer.cookies).toEqual(cookies);
    expect(answer.headers).not.toHaveProperty("set-cookie");
    expect(answer.headers["vary"]).toBe("accept, cookie");
  });
});

describe.each(MODES)("what the handler sees (%s mode)", (mode) => {
  it("gives the request the viewer connection's address, HTTPS and HTTP/1.1", async () => {
    const answer = await httpInProcess(
      inProcessAdapter(echoHandler),
      mode,
      functionUrlEvent({ sourceIp: "2001:db8::7", method: "DELETE", path: "/items/7" }),
    );
    expect(JSON.parse(answer.text)).toMatchObject({
      method: "DELETE",
      url: "/items/7",
      remoteAddress: "2001:db8::7",
      encrypted: true,
    });
  });
});

describe("buffered mode", () => {
  it("answers 500 and says why when the result would exceed Lambda's 6 MB", async () => {
    const errors = jest.spyOn(console, "error").mockImplementation(() => {});
    try {
      const adapter = inProcessAdapter(async (_req, res) => {
        res.setHeader("content-type", "application/octet-stream");
        res.end(Buffer.alloc(5 * 1024 * 1024)); // 6.7 MB once base64-encoded
      });
      const answer = await httpInProcess(adapter, "buffered", functionUrlEvent());
      expect(answer.statusCode).toBe(500);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(errors.mock.calls[0]![0]))).toMatchObject({
        message: "response too large for buffered mode",
        statusCode: 200,
        limit: MAX_BUFFERED_RESULT_BYTES,
      });
      const small = inProcessAdapter(async (_req, res) => {
        res.setHeader("content-type", "application/octet-stream");
        res.end(Buffer.alloc(4 * 1024 * 1024)); // 5.6 MB in base64: fits
      });
      expect((await httpInProcess(small, "buffered", functionUrlEvent())).statusCode).toBe(200);
    } finally {
      errors.mockRestore();
    }
  });
});

describe("streaming mode", () => {
  it("sends the prelude and the first chunk before the handler has finished", async () => {
    let firstChunkSeen!: () => void;
    const seen = new Promise<void>((resolve) => (firstChunkSeen = resolve));
    const stream = new (class extends LocalResponseStream {
      override _write(chunk: Buffer, encoding: BufferEncoding, done: () => void): void {
        super._write(chunk, encoding, done);
        if (this.bytes().includes("first")) firstChunkSeen();
      }
    })();
    const adapter = inProcessAdapter(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.write("<p>first</p>");
      // A buffering adapter would never let the chunk out before end(): this would hang.
      await seen;
      res.end("<p>second</p>");
    });
    const finished = new Promise((resolve) => stream.once("finish", resolve));
    await adapter.streaming(functionUrlEvent(), stream as never);
    await finished;
    const { prelude, body } = readHttpIntegrationResponse(stream.bytes());
    expect(prelude).toMatchObject({ statusCode: 200 });
    expect(body.toString()).toBe("<p>first</p><p>second</p>");
  });

  it("ends the stream with the prelude even when the body is empty", async () => {
    const adapter = inProcessAdapter(async (_req, res) => {
      res.writeHead(302, { location: "/next" });
      res.end();
    });
    const stream = new LocalResponseStream();
    const finished = new Promise((resolve) => stream.once("finish", resolve));
    await adapter.streaming(functionUrlEvent(), stream as never);
    await finished;
    expect(readHttpIntegrationResponse(stream.bytes())).toEqual({
      prelude: {
        statusCode: 302,
        headers: expect.objectContaining({ location: "/next" }),
        cookies: [],
      },
      body: Buffer.alloc(0),
    });
  });

  it("survives a response stream that fails while the handler writes", async () => {
    const stream = new (class extends LocalResponseStream {
      override _write(_chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void) {
        done(new Error("viewer went away"));
      }
    })();
    const handler: NodeRequestHandler = async (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("x".repeat(100_000));
    };
    await expect(
      inProcessAdapter(handler).streaming(functionUrlEvent(), stream as never),
    ).resolves.toBeUndefined();
  });
});
