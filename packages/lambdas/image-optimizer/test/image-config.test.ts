import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  globToRegexSource,
  NEXT_DEFAULT_IMAGE_CONFIG,
  normaliseImageConfig,
} from "../src/image-config";
import { compilePatterns } from "../src/patterns";

/** A real Next 16.4 `images-manifest.json` (apps/example-next). */
const manifest = JSON.parse(
  readFileSync(path.join(__dirname, "fixtures", "images-manifest.json"), "utf8"),
);

describe("normaliseImageConfig", () => {
  test("an empty object gives Next 16's defaults", () => {
    const { config, warnings } = normaliseImageConfig({});
    expect(config).toEqual(NEXT_DEFAULT_IMAGE_CONFIG);
    expect(config).toMatchObject({
      deviceSizes: [640, 750, 828, 1080, 1200, 1920, 2048, 3840],
      imageSizes: [32, 48, 64, 96, 128, 256, 384],
      qualities: [75],
      formats: ["image/webp"],
      remotePatterns: [],
      minimumCacheTTL: 14400,
    });
    expect(warnings).toEqual([]);
  });

  test("reads what Next 16 writes, regex sources included, and matches like Next", () => {
    const { config } = normaliseImageConfig(manifest.images);
    expect(config.formats).toEqual(["image/avif", "image/webp"]);
    expect(config.qualities).toEqual([50, 75, 90]);
    const patterns = compilePatterns(config);
    const allowed = (url: string) => patterns.allowsRemote(new URL(url));
    expect(allowed("https://images.unsplash.com/photo-123")).toBe(true);
    expect(allowed("https://images.unsplash.com/photo-123/")).toBe(true);
    expect(allowed("https://images.unsplash.com/other")).toBe(false);
    expect(allowed("https://images.unsplash.com/photo-1/deeper")).toBe(false);
    expect(allowed("http://images.unsplash.com/photo-123")).toBe(false);
    expect(allowed("https://images.unsplash.com:8443/photo-123")).toBe(false);
    expect(allowed("https://evil.images.unsplash.com/photo-123")).toBe(false);
    expect(allowed("https://images.unsplash.com.evil.com/photo-123")).toBe(false);
    expect(patterns.allowsLocal("/images/a.png", "")).toBe(true);
    expect(patterns.allowsLocal("/images/a.png", "?v=1")).toBe(false);
  });

  test("is idempotent: config.json read back gives the same config", () => {
    const { config } = normaliseImageConfig(manifest.images);
    expect(normaliseImageConfig(JSON.parse(JSON.stringify(config))).config).toEqual(config);
  });

  test("next.config-style globs: * is one label or segment, ** is any number", () => {
    const { config } = normaliseImageConfig({
      remotePatterns: [
        { hostname: "*.example.com", pathname: "/a/*" },
        { protocol: "http", hostname: "**.cdn.test", port: "8080", pathname: "/b/**" },
        { hostname: "exact.test", search: "?v=1" },
      ],
    });
    const patterns = compilePatterns(config);
    const allowed = (url: string) => patterns.allowsRemote(new URL(url));
    expect(allowed("https://img.example.com/a/x.png")).toBe(true);
    expect(allowed("https://a.b.example.com/a/x.png")).toBe(false);
    expect(allowed("https://example.com/a/x.png")).toBe(false);
    expect(allowed("https://img.example.com/a/b/x.png")).toBe(false);
    expect(allowed("http://x.y.cdn.test:8080/b/c/d.png")).toBe(true);
    expect(allowed("http://x.cdn.test/b/c.png")).toBe(false); // port 8080 only
    expect(allowed("https://exact.test/anything?v=1")).toBe(true);
    expect(allowed("https://exact.test/anything?v=2")).toBe(false);
    expect(patterns.allowsHttp).toBe(true);
  });

  test("deprecated domains become https, default-port, exact-host patterns, with a warning", () => {
    const { config, warnings } = normaliseImageConfig({ domains: ["cdn.example.com"] });
    const patterns = compilePatterns(config);
    expect(patterns.allowsRemote(new URL("https://cdn.example.com/x/y.png"))).toBe(true);
    expect(patterns.allowsRemote(new URL("https://xcdn.example.com/x.png"))).toBe(false);
    expect(patterns.allowsRemote(new URL("http://cdn.example.com/x.png"))).toBe(false);
    expect(warnings.join("\n")).toMatch(/domains is deprecated/);
  });

  test("warns about settings that weaken the defaults", () => {
    const { warnings } = normaliseImageConfig({
      dangerouslyAllowSVG: true,
      dangerouslyAllowLocalIP: true,
      contentSecurityPolicy: "default-src *",
      remotePatterns: [{ hostname: "**" }],
    });
    expect(warnings.join("\n")).toMatch(/dangerouslyAllowSVG is on/);
    expect(warnings.join("\n")).toMatch(/dangerouslyAllowLocalIP is ignored/);
    expect(warnings.join("\n")).toMatch(/contentSecurityPolicy is ignored/);
    expect(warnings.join("\n")).toMatch(/matches every host/);
  });

  test.each([
    [null, /images must be an object/],
    [{ deviceSizes: "640" }, /images.deviceSizes must be an array/],
    [{ deviceSizes: [0] }, /images.deviceSizes\[0\] 0 is not allowed/],
    [
      { qualities: [101] },
      /images.qualities\[0\] 101 is not allowed; use a whole number from 1 to 100/,
    ],
    [{ qualities: [] }, /qualities is empty/],
    [{ formats: ["image/png"] }, /images.formats\[0\] "image\/png" is not allowed/],
    [
      { remotePatterns: [{ pathname: "/a/**" }] },
      /remotePatterns\[0\].hostname must be a non-empty string/,
    ],
    [{ remotePatterns: [{ hostname: { source: "x" } }] }, /hostname must be a non-empty string/],
    [{ remotePatterns: [{ hostname: "^(unclosed$" }] }, /not a valid regular expression/],
    [{ remotePatterns: [{ hostname: "bad host!" }] }, /neither an anchored regex/],
    [{ remotePatterns: [{ hostname: "a.test", pathname: "no-slash" }] }, /path glob starting with/],
    [
      { remotePatterns: [{ hostname: "a.test", protocol: "ftp" }] },
      /protocol "ftp" is not allowed/,
    ],
    [
      { remotePatterns: [{ hostname: "a.test", port: 443 }] },
      /port 443 must be a port number as a string/,
    ],
    [{ contentDispositionType: "download" }, /contentDispositionType "download" is not allowed/],
    [{ minimumCacheTTL: -1 }, /minimumCacheTTL -1 is not allowed/],
  ])("%j is refused", (images, message) => {
    expect(() => normaliseImageConfig(images)).toThrow(message);
  });
});

test("globToRegexSource escapes everything that is not a wildcard", () => {
  expect(new RegExp(globToRegexSource("/a.b/(c)/*", "/")).test("/a.b/(c)/d")).toBe(true);
  expect(new RegExp(globToRegexSource("/a.b/*", "/")).test("/aXb/d")).toBe(false);
});
