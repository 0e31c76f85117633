import { encodeBody, isTextContent } from "../src/body-encoding";

describe("body encoding", () => {
  it.each([
    ["text/html; charset=utf-8", true],
    ["text/x-component", true],
    ["application/json", true],
    ["application/ld+json", true],
    ["application/javascript; charset=UTF-8", true],
    ["application/xml", true],
    ["image/svg+xml", true],
    ["application/rss+xml", true],
    ["application/x-www-form-urlencoded", true],
    ['text/plain; charset="us-ascii"', true],
    ["text/plain; charset=iso-8859-1", false],
    ["application/octet-stream", false],
    ["image/png", false],
    ["application/pdf", false],
    ["font/woff2", false],
    ["multipart/form-data; boundary=x", false],
    ["", false],
  ])("%s is text: %s", (contentType, text) => {
    expect(isTextContent(contentType ? { "content-type": contentType } : {})).toBe(text);
  });

  it("treats a compressed body as bytes whatever its type", () => {
    expect(isTextContent({ "content-type": "text/html", "content-encoding": "gzip" })).toBe(false);
    expect(isTextContent({ "content-type": "text/html", "content-encoding": "identity" })).toBe(
      true,
    );
  });

  it("falls back to base64 when a text type carries bytes that are not UTF-8", () => {
    const bytes = Buffer.from([0x68, 0x69, 0xff]);
    expect(encodeBody(bytes, { "content-type": "text/plain" })).toEqual({
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    });
    expect(encodeBody(Buffer.from("h\u00e9"), { "content-type": "text/plain" })).toEqual({
      body: "h\u00e9",
      isBase64Encoded: false,
    });
    expect(encodeBody(Buffer.alloc(0), {})).toEqual({ body: "", isBase64Encoded: false });
  });
});
