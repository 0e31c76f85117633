import fc from "fast-check";
import {
  ASSETS_PREFIX,
  invalidationPathFor,
  normaliseUrlPrefix,
  objectKeyFor,
  UsageError,
  urlPathFor,
} from "../src";

describe("objectKeyFor / urlPathFor", () => {
  it.each([
    ["/_next/static/chunks/app-abc123.js", "assets/_next/static/chunks/app-abc123.js"],
    ["/favicon.ico", "assets/favicon.ico"],
    ["/static/admin/css/base.css", "assets/static/admin/css/base.css"],
    ["/docs/my file ünïcödé.pdf", "assets/docs/my file ünïcödé.pdf"],
  ])("%s -> %s and back", (urlPath, key) => {
    expect(objectKeyFor(urlPath)).toBe(key);
    expect(urlPathFor(key)).toBe(urlPath);
  });

  it.each([
    ["images/a.png", /starts with \//],
    ["/a/../../etc/passwd", /a \. or \.\. segment/],
    ["/a/./b", /a \. or \.\. segment/],
    ["/a//b", /empty path segment/],
    ["/a/", /empty path segment/],
    ["/a\\b.png", /backslash/],
    ["/a\nb.png", /control character/],
  ])("rejects %j with a UsageError", (urlPath, message) => {
    expect(() => objectKeyFor(urlPath)).toThrow(UsageError);
    expect(() => objectKeyFor(urlPath)).toThrow(message);
  });

  it("rejects a key over 1,024 bytes, quoting only the start of the path", () => {
    const long = `/${"x".repeat(1100)}`;
    expect(() => objectKeyFor(long)).toThrow(
      /^"\/x{59}\.\.\." is too long for an S3 key \(1107 bytes; at most 1024\)$/,
    );
    expect(objectKeyFor(`/${"é".repeat(508)}`)).toHaveLength(7 + 508); // 1,023 bytes
  });

  // The property behind "never escapes assets/": for ANY path, the key is either refused with a
  // UsageError or stays under assets/ with no . or .. segment, and maps back to the same path.
  it("never escapes the assets/ prefix and round-trips, for any path", () => {
    const segment = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 0, maxLength: 8 }),
      fc.constantFrom(".", "..", "", "_next", "a b", "%2e%2e", "\\"),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const urlPath = `/${segments.join("/")}`;
        let key: string;
        try {
          key = objectKeyFor(urlPath);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          return;
        }
        expect(key.startsWith(ASSETS_PREFIX)).toBe(true);
        const rest = key.slice(ASSETS_PREFIX.length).split("/");
        expect(rest.every((s) => s !== "" && s !== "." && s !== "..")).toBe(true);
        expect(urlPathFor(key)).toBe(urlPath);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("invalidationPathFor", () => {
  it.each([
    ["/images/a.png", "/images/a.png"],
    ["/docs/my file.pdf", "/docs/my%20file.pdf"],
    ["/ünï.txt", "/%C3%BCn%C3%AF.txt"],
    ["/a#b?c.txt", "/a%23b%3Fc.txt"],
    ["/100%.txt", "/100%25.txt"],
    ["/star*.png", "/star%2A.png"],
    // A browser sends these unencoded, so CloudFront caches them unencoded.
    ["/a-b_c.d~e!f(g)h'i+j,k;l=m@n&o$p.txt", "/a-b_c.d~e!f(g)h'i+j,k;l=m@n&o$p.txt"],
  ])("%s -> %s", (urlPath, expected) => {
    expect(invalidationPathFor(urlPath)).toBe(expected);
  });

  it("decodes back to the URL path and never contains a wildcard or a space", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 20 }), (name) => {
        const encoded = invalidationPathFor(`/${name}`);
        expect(decodeURIComponent(encoded)).toBe(`/${name}`);
        expect(encoded).not.toMatch(/[* ]/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("normaliseUrlPrefix", () => {
  it.each([
    ["static", "/static/"],
    ["/static/", "/static/"],
    ["/", "/"],
    ["", "/"],
    ["/a/b", "/a/b/"],
  ])("%j -> %j", (input, expected) => {
    expect(normaliseUrlPrefix(input)).toBe(expected);
  });

  it.each(["/a/../b", "/a//b", "/st?tic", "/./x"])("rejects %j", (input) => {
    expect(() => normaliseUrlPrefix(input)).toThrow(/is not a plain path/);
  });
});
