import fc from "fast-check";
import sharp from "sharp";
import type { ImageHandler } from "../src/app";
import { imageEvent, makeHandler, memoryObjects } from "./helpers";

let handler: ImageHandler;

beforeAll(async () => {
  const png = await sharp({
    create: { width: 64, height: 48, channels: 3, background: "#08f" },
  })
    .png()
    .toBuffer();
  handler = makeHandler({
    objects: memoryObjects({ "assets/a.png": { body: png } }),
    images: {
      formats: ["image/avif", "image/webp"],
      remotePatterns: [{ hostname: "**.example.com" }],
    },
    // Remote URLs fail at DNS (the stub knows no names): nothing leaves the machine.
  });
});

const EXPECTED = new Set([200, 304, 400, 404, 405, 413, 502, 504, 508]);

const interesting = fc.constantFrom(
  "/a.png",
  "%2Fa.png",
  "640",
  "75",
  "%zz",
  "%",
  "//evil.com/a.png",
  "/..%2Fa.png",
  "/%2e%2e/a.png",
  "/_next/image",
  "https://img.example.com/a.png",
  "http://127.0.0.1/",
  "javascript:alert(1)",
  "data:,x",
  "\\\\evil",
  "0",
  "-1",
  "1e3",
);
const part = fc.oneof(
  interesting,
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 8, unit: "binary" }),
);
const pair = fc
  .tuple(fc.constantFrom("url", "w", "q", "x", "", "url%00", "W"), part, fc.boolean(), fc.boolean())
  .map(([key, value, encode, withEquals]) => {
    const v = encode ? encodeURIComponent(value) : value;
    return withEquals ? `${key}=${v}` : key;
  });
const queryString = fc.oneof(
  fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join("&")),
  fc.string({ maxLength: 60 }),
);

function checkResponse(response: Awaited<ReturnType<ImageHandler>>) {
  expect(EXPECTED.has(response.statusCode)).toBe(true);
  expect(response.isBase64Encoded).toBe(true);
  expect(typeof response.body).toBe("string");
  expect(response.headers["x-content-type-options"]).toBe("nosniff");
  if (response.statusCode >= 400) expect(response.headers["cache-control"]).toBe("no-store");
}

test("no query string, Accept or method makes the handler throw or answer 500", async () => {
  await fc.assert(
    fc.asyncProperty(
      queryString,
      fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      fc.constantFrom("GET", "HEAD", "POST", "get", "OPTIONS"),
      async (raw, accept, method) => {
        const response = await handler(
          imageEvent(raw, { method, ...(accept !== undefined ? { headers: { accept } } : {}) }),
        );
        checkResponse(response);
      },
    ),
    { numRuns: 300 },
  );
});

test("no event shape at all makes the handler throw or answer 500", async () => {
  await fc.assert(
    fc.asyncProperty(fc.anything(), async (event) => {
      const response = await handler(event);
      checkResponse(response);
      expect(response.statusCode).toBe(400);
    }),
    { numRuns: 200 },
  );
});
