import sharp from "sharp";
import { CONTENT_SECURITY_POLICY } from "../src/headers";
import type { ImageHandler } from "../src/app";
import { DEFAULT_LIMITS } from "../src/limits";
import { makeFixtures, type Fixtures } from "./fixtures";
import { bodyOf, imageEvent, makeHandler, memoryObjects, q, textOf } from "./helpers";

let fixtures: Fixtures;
let handler: ImageHandler;
let objects: ReturnType<typeof memoryObjects>;

beforeAll(async () => {
  fixtures = await makeFixtures();
  const asset = (body: Buffer, cacheControl?: string) => ({
    body,
    ...(cacheControl ? { cacheControl } : {}),
  });
  objects = memoryObjects({
    "assets/photo.png": asset(fixtures.png),
    "assets/photo.jpg": asset(fixtures.jpeg),
    "assets/photo.webp": asset(fixtures.webp),
    "assets/photo.avif": asset(fixtures.avif),
    "assets/still.gif": asset(fixtures.staticGif),
    "assets/moving.gif": asset(fixtures.animatedGif),
    "assets/moving.webp": asset(fixtures.animatedWebp),
    "assets/small.png": asset(fixtures.smallPng),
    "assets/huge.png": asset(fixtures.hugePng),
    "assets/truncated.jpg": asset(fixtures.truncatedJpeg),
    "assets/random.png": asset(fixtures.randomBytes),
    "assets/page.png": asset(fixtures.html),
    "assets/empty.png": asset(Buffer.alloc(0)),
    "assets/logo.svg": asset(fixtures.svg),
    "assets/my photo.jpg": asset(fixtures.jpeg),
    "assets/long-lived.jpg": asset(fixtures.jpeg, "public, max-age=999999"),
    "assets/s-maxage.jpg": asset(fixtures.jpeg, "public, max-age=10, s-maxage=86400"),
    "assets/_next/static/media/hero.4f3a.jpg": asset(fixtures.jpeg),
  });
  handler = makeHandler({ objects, images: { formats: ["image/avif", "image/webp"] } });
});

const get = (url: string, w = "640", accept?: string, quality = "75") =>
  handler(imageEvent(q({ url, w, q: quality }), accept ? { headers: { accept } } : {}));

async function outputOf(response: { body: string }) {
  return sharp(bodyOf(response as never)).metadata();
}

describe("output format", () => {
  test.each([
    ["/photo.png", "image/webp,*/*", "webp", "image/webp"],
    ["/photo.png", "image/avif,image/webp,*/*", "heif", "image/avif"],
    ["/photo.jpg", "image/avif;q=0.5,image/webp", "webp", "image/webp"],
    ["/photo.png", "*/*", "png", "image/png"],
    ["/photo.jpg", "*/*", "jpeg", "image/jpeg"],
    ["/photo.webp", "*/*", "webp", "image/webp"],
    ["/photo.avif", "*/*", "heif", "image/avif"],
    ["/still.gif", "*/*", "png", "image/png"],
    ["/photo.jpg", "", "jpeg", "image/jpeg"],
  ])("%s with Accept %j is %s", async (url, accept, sharpFormat, mime) => {
    const response = await get(url, "640", accept || undefined);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(mime);
    expect((await outputOf(response)).format).toBe(sharpFormat);
  });

  test("resizes to w, keeping the aspect ratio", async () => {
    const meta = await outputOf(await get("/photo.jpg", "640", "image/webp"));
    expect([meta.width, meta.height]).toEqual([640, 480]);
  });

  test("never enlarges: a source narrower than w keeps its width", async () => {
    const meta = await outputOf(await get("/small.png", "384"));
    expect([meta.width, meta.height]).toEqual([100, 80]);
  });

  test("quality changes the bytes", async () => {
    const images = { qualities: [30, 90] };
    const h = makeHandler({ objects, images });
    const low = await h(imageEvent(q({ url: "/photo.jpg", w: "640", q: "30" })));
    const high = await h(imageEvent(q({ url: "/photo.jpg", w: "640", q: "90" })));
    expect(low.statusCode).toBe(200);
    expect(bodyOf(low).length).toBeLessThan(bodyOf(high).length);
  });

  test.each([
    ["/moving.gif", "image/gif", "gif"],
    ["/moving.webp", "image/webp", "webp"],
  ])("animated %s is passed through unchanged, frames kept", async (url, mime, format) => {
    const response = await get(url, "640", "image/avif,image/webp");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(mime);
    const meta = await sharp(bodyOf(response), { animated: true }).metadata();
    expect(meta.format).toBe(format);
    expect(meta.pages).toBe(3);
  });
});

describe("headers", () => {
  test("success: Vary, long cache, CSP, nosniff, disposition from the output format, ETag", async () => {
    const response = await get("/photo.png", "640", "image/webp");
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers).toMatchObject({
      vary: "Accept",
      "cache-control": "public, max-age=14400, must-revalidate",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "content-disposition": 'attachment; filename="photo.webp"',
    });
    expect(response.headers["etag"]).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
  });

  test("inline disposition when configured; odd names are sanitised", async () => {
    const h = makeHandler({ objects, images: { contentDispositionType: "inline" } });
    const response = await h(imageEvent(q({ url: "/my%20photo.jpg", w: "640", q: "75" })));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-disposition"]).toBe('inline; filename="my_photo.jpg"');
    expect(objects.keys).toContain("assets/my photo.jpg");
  });

  test("the origin's longer s-maxage/max-age lengthens the cache; a shorter one does not", async () => {
    expect((await get("/long-lived.jpg")).headers["cache-control"]).toBe(
      "public, max-age=999999, must-revalidate",
    );
    expect((await get("/s-maxage.jpg")).headers["cache-control"]).toBe(
      "public, max-age=86400, must-revalidate",
    );
  });

  test("static imports are immutable", async () => {
    const response = await get("/_next/static/media/hero.4f3a.jpg");
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  test("If-None-Match with the ETag answers 304 without a body", async () => {
    const first = await get("/photo.jpg", "640", "image/webp");
    const etag = first.headers["etag"] as string;
    const again = await handler(
      imageEvent(q({ url: "/photo.jpg", w: "640", q: "75" }), {
        headers: { accept: "image/webp", "if-none-match": `W/"nope", ${etag}` },
      }),
    );
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect(again.headers["etag"]).toBe(etag);
    const other = await handler(
      imageEvent(q({ url: "/photo.jpg", w: "640", q: "75" }), {
        headers: { accept: "image/webp", "if-none-match": '"something-else"' },
      }),
    );
    expect(other.statusCode).toBe(200);
  });

  test("HEAD: the same status and headers, no body", async () => {
    const getResponse = await get("/photo.jpg");
    const head = await handler(
      imageEvent(q({ url: "/photo.jpg", w: "640", q: "75" }), { method: "HEAD" }),
    );
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers).toEqual(getResponse.headers);
    const missing = await handler(
      imageEvent(q({ url: "/nope.jpg", w: "640", q: "75" }), { method: "HEAD" }),
    );
    expect([missing.statusCode, missing.body]).toEqual([404, ""]);
  });

  test("errors are no-store plain text, with CSP and nosniff, and no stack trace", async () => {
    const response = await get("/truncated.jpg");
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({
      "cache-control": "no-store",
      "content-type": "text/plain; charset=utf-8",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
    });
    expect(response.headers["vary"]).toBeUndefined();
    expect(textOf(response)).not.toMatch(/\bat \w|\.ts:|Error:/);
  });
});

describe("sources that are not (acceptable) images", () => {
  test.each([
    ["/huge.png", /more than 50000000 pixels/],
    ["/truncated.jpg", /isn't a valid image/],
    ["/random.png", /isn't a valid image/],
    ["/page.png", /isn't a valid image/],
    ["/empty.png", /isn't a valid image/],
    ["/logo.svg", /image type is not allowed/],
  ])("%s is a 400", async (url, message) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(textOf(response)).toMatch(message);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  test("a missing object is a 404", async () => {
    const response = await get("/nope.png");
    expect(response.statusCode).toBe(404);
  });

  test("with dangerouslyAllowSVG the SVG is served byte for byte, never rasterised", async () => {
    const h = makeHandler({ objects, images: { dangerouslyAllowSVG: true } });
    const response = await h(imageEvent(q({ url: "/logo.svg", w: "640", q: "75" })));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/svg+xml");
    expect(response.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers["content-disposition"]).toBe('attachment; filename="logo.svg"');
    expect(bodyOf(response).equals(fixtures.svg)).toBe(true);
  });

  test("the pixel limit comes from the limits", async () => {
    const h = makeHandler({
      objects,
      overrides: { limits: { ...DEFAULT_LIMITS, maxInputPixels: 1000 } },
    });
    const response = await h(imageEvent(q({ url: "/photo.jpg", w: "640", q: "75" })));
    expect(response.statusCode).toBe(400);
    expect(textOf(response)).toMatch(/more than 1000 pixels/);
  });
});

describe("the 6 MB response limit", () => {
  test("a result over the limit is re-encoded once at a lower quality", async () => {
    const full = bodyOf(await get("/photo.jpg", "640", "image/webp")).length;
    const h = makeHandler({ objects, overrides: { maxResponseBodyBytes: full - 1 } });
    const response = await h(
      imageEvent(q({ url: "/photo.jpg", w: "640", q: "75" }), {
        headers: { accept: "image/webp" },
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).length).toBeLessThan(full);
  });

  test("still too large after that: 413, no-store, and a message that says why", async () => {
    const h = makeHandler({
      objects: memoryObjects({ "assets/noise.png": { body: fixtures.noisePng } }),
      overrides: { maxResponseBodyBytes: 2048 },
    });
    const response = await h(imageEvent(q({ url: "/noise.png", w: "384", q: "75" })));
    expect(response.statusCode).toBe(413);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(textOf(response)).toMatch(/larger than the 2048-byte response limit/);
  });

  test("an animated image over the limit cannot be re-encoded: 413", async () => {
    const h = makeHandler({ objects, overrides: { maxResponseBodyBytes: 100 } });
    const response = await h(imageEvent(q({ url: "/moving.gif", w: "640", q: "75" })));
    expect(response.statusCode).toBe(413);
  });
});
