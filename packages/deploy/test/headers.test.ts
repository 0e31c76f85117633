import {
  cacheControlFor,
  contentTypeFor,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
} from "../src";

describe("contentTypeFor", () => {
  it.each([
    ["app.js", "text/javascript; charset=utf-8"],
    ["app.mjs", "text/javascript; charset=utf-8"],
    ["x.css", "text/css; charset=utf-8"],
    ["index.html", "text/html; charset=utf-8"],
    ["robots.txt", "text/plain; charset=utf-8"],
    ["app.js.map", "application/json; charset=utf-8"],
    ["site.webmanifest", "application/manifest+json; charset=utf-8"],
    ["sitemap.xml", "application/xml; charset=utf-8"],
    ["logo.svg", "image/svg+xml; charset=utf-8"],
    ["a.png", "image/png"],
    ["a.avif", "image/avif"],
    ["font.woff2", "font/woff2"],
    ["module.wasm", "application/wasm"],
    ["LOGO.PNG", "image/png"],
    ["data.unknownext", "application/octet-stream"],
    ["apple-app-site-association", "application/octet-stream"],
  ])("%s -> %s", (name, expected) => {
    expect(contentTypeFor(name)).toBe(expected);
  });
});

describe("cacheControlFor", () => {
  it("is immutable for a year for hashed files, revalidated by browsers for the rest", () => {
    expect(cacheControlFor(true)).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(cacheControlFor(false)).toBe(REVALIDATE_CACHE_CONTROL);
    expect(REVALIDATE_CACHE_CONTROL).toMatch(/max-age=0,.*s-maxage=31536000/);
  });
});
