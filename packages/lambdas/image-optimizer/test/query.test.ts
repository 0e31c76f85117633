import { negotiateFormat } from "../src/accept";
import { contentDisposition, matchesIfNoneMatch, maxAgeSec } from "../src/headers";
import { parseQuery } from "../src/query";
import { sniffFormat } from "../src/sniff";

describe("parseQuery", () => {
  test("keeps every value of a repeated key, decoded once", () => {
    const query = parseQuery("url=%2Fa%2520b.png&w=640&w=750&flag&q=75+1");
    expect(query.get("url")).toEqual(["/a%20b.png"]);
    expect(query.get("w")).toEqual(["640", "750"]);
    expect(query.get("flag")).toEqual([""]);
    expect(query.get("q")).toEqual(["75 1"]);
  });

  test.each(["url=%zz", "url=%", "url=%e2%82", "%zz=1"])("%s is a 400", (raw) => {
    expect(() => parseQuery(raw)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("negotiateFormat", () => {
  const both = ["image/avif", "image/webp"] as const;
  test.each([
    ["image/avif,image/webp,*/*", both, "image/avif"],
    ["image/webp,image/avif", both, "image/avif"], // tie: the configured order decides
    ["image/avif;q=0.8,image/webp", both, "image/webp"],
    ["image/avif;q=0,image/webp;q=0.1", both, "image/webp"],
    ["image/avif,image/webp", ["image/webp"], "image/webp"],
    ["*/*", both, undefined],
    ["image/*", both, undefined],
    ["text/html", both, undefined],
    ["", both, undefined],
  ] as const)("%j of %j -> %s", (accept, formats, expected) => {
    expect(negotiateFormat(accept, formats)).toBe(expected);
  });
});

describe("contentDisposition", () => {
  test.each([
    ["photo.png", "webp", 'inline; filename="photo.webp"'],
    ['evil".html', "png", 'inline; filename="evil_.png"'],
    ["a\r\nSet-Cookie: x=1.exe", "jpeg", 'inline; filename="a_Set-Cookie_x_1.jpg"'],
    ["..", "avif", 'inline; filename="image.avif"'],
    ["", "gif", 'inline; filename="image.gif"'],
    ["файл.png", "png", 'inline; filename="image.png"'],
  ] as const)("%j as %s", (name, format, expected) => {
    expect(contentDisposition("inline", name, format)).toBe(expected);
  });
});

describe("maxAgeSec", () => {
  test.each([
    [undefined, 14400],
    ["max-age=60", 14400],
    ["public, max-age=86400", 86400],
    ["max-age=10, s-maxage=99999", 99999],
    ["max-age=999999999999", 31536000],
    ["max-age=abc", 14400],
  ])("%j -> %i", (cacheControl, expected) => {
    expect(maxAgeSec(14400, cacheControl)).toBe(expected);
  });
});

describe("matchesIfNoneMatch", () => {
  test.each([
    [undefined, false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ["*", true],
    ['"abcd"', false],
  ])("%j", (header, expected) => {
    expect(matchesIfNoneMatch(header, '"abc"')).toBe(expected);
  });
});

describe("sniffFormat", () => {
  test.each([
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), "jpeg"],
    [Buffer.from("GIF89a...."), "gif"],
    [Buffer.from("RIFF\0\0\0\0WEBPVP8 "), "webp"],
    [Buffer.from("\uFEFF  <svg xmlns='http://www.w3.org/2000/svg'></svg>"), "svg"],
    [Buffer.from("<!doctype html><html></html>"), undefined],
    // An SVG (or anything) that only mentions ftypavif in its text is not AVIF.
    [Buffer.from("<!--ftypavif--><svg></svg>"), "svg"],
    [Buffer.from("\0\0\0\x18ftypheic\0\0\0\0mif1heic"), undefined],
    [Buffer.from("\0\0\0\x40ftypavif\0\0\0\0"), undefined], // box larger than the file
    [Buffer.alloc(0), undefined],
  ] as const)("%#", (bytes, expected) => {
    expect(sniffFormat(bytes)).toBe(expected);
  });
});
