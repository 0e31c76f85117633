import { Readable } from "node:stream";
import { s3ObjectSource } from "../src/s3-source";

type Send = (
  command: { input: unknown },
  options?: { abortSignal?: AbortSignal },
) => Promise<unknown>;

function source(send: Send, maxBytes = 1000, timeoutMs = 1000) {
  return s3ObjectSource({
    client: { send } as never,
    bucket: "assets-bucket",
    maxBytes,
    timeoutMs,
  });
}

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("s3ObjectSource", () => {
  beforeEach(() => jest.spyOn(console, "error").mockImplementation(() => {}));
  afterEach(() => jest.restoreAllMocks());

  test("reads the object, with its Cache-Control, from the configured bucket and key", async () => {
    const inputs: unknown[] = [];
    const image = await source(async (command) => {
      inputs.push(command.input);
      return {
        Body: Readable.from([Buffer.from("abc")]),
        ContentLength: 3,
        CacheControl: "max-age=60",
      };
    }).getObject("assets/a b.png");
    expect(image).toEqual({ body: Buffer.from("abc"), cacheControl: "max-age=60" });
    expect(inputs).toEqual([{ Bucket: "assets-bucket", Key: "assets/a b.png" }]);
  });

  test.each([
    ["NoSuchKey", 404, 404],
    ["AccessDenied", 403, 404], // GetObject-only roles see 403 for missing keys
    ["InternalError", 500, 502],
    ["SlowDown", 503, 502],
  ])("%s (%i) -> %i", async (name, status, expected) => {
    await expect(
      source(async () => {
        throw s3Error(name, status);
      }).getObject("assets/x.png"),
    ).rejects.toMatchObject({ status: expected });
  });

  test("a declared length over the cap is refused before reading", async () => {
    const body = Readable.from([Buffer.alloc(10)]);
    await expect(
      source(async () => ({ Body: body, ContentLength: 5000 })).getObject("k"),
    ).rejects.toMatchObject({ status: 413 });
    expect(body.destroyed).toBe(true);
  });

  test("a body longer than its declared length stops at the cap", async () => {
    let produced = 0;
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          produced += 100;
          yield Buffer.alloc(100);
        }
      })(),
    );
    await expect(
      source(async () => ({ Body: body, ContentLength: 10 })).getObject("k"),
    ).rejects.toMatchObject({ status: 413 });
    expect(produced).toBeLessThan(2000);
  });

  test("a read that outlives the timeout is a 504", async () => {
    const hang: Send = (_command, options) =>
      new Promise((_resolve, reject) =>
        options?.abortSignal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    await expect(source(hang, 1000, 50).getObject("k")).rejects.toMatchObject({ status: 504 });
  });
});
