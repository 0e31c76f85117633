import { PUBLIC_UNICAST_ONLY } from "../src/address-policy";
import type { ImageHandler } from "../src/app";
import { DEFAULT_LIMITS } from "../src/limits";
import { makeFixtures, type Fixtures } from "./fixtures";
import {
  imageEvent,
  makeHandler,
  memoryObjects,
  q,
  startUpstream,
  stubResolver,
  textOf,
  type Route,
} from "./helpers";

const CAP = 64 * 1024; // source byte cap for these tests

let fixtures: Fixtures;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let handler: ImageHandler;
let base: string; // http://images.test:<port>

const send =
  (status: number, body: Buffer | string, headers: Record<string, string> = {}): Route =>
  (_req, res) => {
    res.writeHead(status, headers).end(body);
  };
const redirect =
  (location: () => string): Route =>
  (_req, res) => {
    res.writeHead(302, { location: location() }).end("moved");
  };

beforeAll(async () => {
  fixtures = await makeFixtures();
  const big = Buffer.concat([fixtures.png, Buffer.alloc(CAP * 2)]);
  upstream = await startUpstream({
    "/img/ok.png": send(200, fixtures.png, { "content-type": "image/png" }),
    "/img/r1": redirect(() => "/img/ok.png"),
    "/img/r2": redirect(() => "/img/r1"),
    "/img/r3": redirect(() => "/img/r2"),
    "/img/r4": redirect(() => "/img/r3"),
    "/img/to-other-host": redirect(() => `http://other.test:${upstream.port}/img/ok.png`),
    "/img/to-private": redirect(() => `http://private.test:${upstream.port}/img/ok.png`),
    "/img/to-outside-path": redirect(() => "/secret/ok.png"),
    "/img/to-file": redirect(() => "file:///etc/passwd"),
    "/secret/ok.png": send(200, fixtures.png),
    "/img/big-honest": send(200, big, { "content-length": String(big.length) }),
    "/img/big-chunked": (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" }); // chunked: no length at all
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(CAP / 4));
      res.end();
    },
    "/img/big-until-close": (req) => {
      // HTTP/1.0 style: no length, no chunking, the body ends when the connection closes.
      req.socket.write("HTTP/1.1 200 OK\r\ncontent-type: image/png\r\nconnection: close\r\n\r\n");
      req.socket.end(big);
    },
    "/img/big-lying": (req) => {
      // Declares 1000 bytes, sends far more: only the declared bytes are read.
      req.socket.write("HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n");
      req.socket.end(big);
    },
    "/img/slow-body": (_req, res) => {
      res.writeHead(200, { "content-type": "image/png" });
      res.write(fixtures.png.subarray(0, 100));
      // ...and nothing more until the test closes the server
    },
    "/img/no-answer": () => {},
    "/img/missing": send(404, "no such image"),
    "/img/gone": send(410, "gone"),
    "/img/broken": send(500, "upstream broke"),
    "/img/forbidden": send(403, "forbidden"),
    "/img/page": send(200, fixtures.html, { "content-type": "image/png" }),
    "/img/logo.svg": send(200, fixtures.svg, { "content-type": "image/svg+xml" }),
    "/img/gzipped": send(200, fixtures.png, { "content-encoding": "gzip" }),
  });
  base = `http://images.test:${upstream.port}`;
  handler = makeHandler({
    images: {
      remotePatterns: [
        {
          protocol: "http",
          hostname: "images.test",
          port: String(upstream.port),
          pathname: "/img/**",
        },
        { protocol: "http", hostname: "private.test", port: String(upstream.port) },
        { protocol: "http", hostname: "mixed.test", port: String(upstream.port) },
        { protocol: "http", hostname: "nowhere.test", port: String(upstream.port) },
        { hostname: "secure.test" },
      ],
    },
    objects: memoryObjects({ "assets/a.png": { body: fixtures.png } }),
    overrides: {
      limits: {
        ...DEFAULT_LIMITS,
        maxSourceBytes: CAP,
        fetchTimeoutMs: 800,
        connectTimeoutMs: 500,
      },
      resolver: stubResolver({
        "images.test": ["127.0.0.1"],
        "other.test": ["127.0.0.1"],
        "private.test": ["10.0.0.1"],
        "mixed.test": ["127.0.0.1", "10.0.0.1"],
        "secure.test": ["127.0.0.1"],
      }),
    },
  });
});

afterAll(() => upstream.close());

const url = (value: string) => q({ url: value, w: "640", q: "75" });

/** [what, raw query string (or an event), status, message pattern] */
type Case = [string, () => string | object, number, RegExp];

const cases: Case[] = [
  ["missing url", () => "w=640&q=75", 400, /"url" parameter is required/],
  ["empty url", () => "url=&w=640&q=75", 400, /"url" parameter is required/],
  ["missing w", () => "url=%2Fa.png&q=75", 400, /"w" parameter \(width\) is required/],
  ["missing q", () => "url=%2Fa.png&w=640", 400, /"q" parameter \(quality\) is required/],
  ["repeated url", () => "url=%2Fa.png&url=%2Fb.png&w=640&q=75", 400, /cannot be an array/],
  ["repeated w", () => "url=%2Fa.png&w=640&w=750&q=75", 400, /cannot be an array/],
  ["repeated q", () => "url=%2Fa.png&w=640&q=75&q=75", 400, /cannot be an array/],
  ["w not in the sizes", () => "url=%2Fa.png&w=641&q=75", 400, /of 641 is not allowed/],
  ["w = 0", () => "url=%2Fa.png&w=0&q=75", 400, /integer greater than 0/],
  ["w = -1", () => "url=%2Fa.png&w=-1&q=75", 400, /integer greater than 0/],
  ["w = 64.5", () => "url=%2Fa.png&w=64.5&q=75", 400, /integer greater than 0/],
  ["w = 1e3", () => "url=%2Fa.png&w=1e3&q=75", 400, /integer greater than 0/],
  ["w with a leading zero", () => "url=%2Fa.png&w=0640&q=75", 400, /integer greater than 0/],
  ["q not in the qualities", () => "url=%2Fa.png&w=640&q=50", 400, /of 50 is not allowed/],
  ["q = 0", () => "url=%2Fa.png&w=640&q=0", 400, /between 1 and 100/],
  ["q = 101", () => "url=%2Fa.png&w=640&q=101", 400, /between 1 and 100/],
  ["q = abc", () => "url=%2Fa.png&w=640&q=abc", 400, /between 1 and 100/],
  ["malformed percent-encoding in the query", () => "url=%zz&w=640&q=75", 400, /malformed/],
  ["malformed percent-encoding in the path", () => url("/a/%zz.png"), 400, /malformed/],
  ["protocol-relative", () => url("//evil.com/a.png"), 400, /protocol-relative/],
  ["backslash host", () => url("/\\evil.com/a.png"), 400, /invalid/],
  ["javascript:", () => url("javascript:alert(1)"), 400, /invalid/],
  ["data:", () => url("data:image/png;base64,iVBORw0KGgo="), 400, /invalid/],
  ["file:", () => url("file:///etc/passwd"), 400, /invalid/],
  ["ftp:", () => url("ftp://images.test/img/ok.png"), 400, /invalid/],
  ["not a URL", () => url("images.test/img/ok.png"), 400, /invalid/],
  ["traversal", () => url("/../secret.png"), 400, /"\.\." path segments/],
  ["encoded traversal", () => "url=/%2e%2e/secret.png&w=640&q=75", 400, /path segments/],
  ["double-encoded traversal", () => url("/img/%2e%2e/secret.png"), 400, /path segments/],
  ["recursive", () => url("/_next/image?url=/a.png&w=640&q=75"), 400, /recursive/],
  ["recursive, encoded", () => url("/%5Fnext/image?url=/a.png"), 400, /recursive/],
  ["url too long", () => url(`/${"a".repeat(3072)}.png`), 400, /too long/],
  ["local url with a query", () => url("/a.png?v=1"), 400, /not allowed/],
  ["disallowed host", () => url("https://evil.com/a.png"), 400, /not allowed/],
  [
    "look-alike host",
    () => url(`http://images.test.evil.com:${upstream.port}/img/ok.png`),
    400,
    /not allowed/,
  ],
  ["http where only https is allowed", () => url("http://secure.test/a.png"), 400, /not allowed/],
  ["wrong port", () => url("http://images.test:1/img/ok.png"), 400, /not allowed/],
  ["wrong pathname", () => url(`${base}/secret/ok.png`), 400, /not allowed/],
  [
    "credentials in the URL",
    () => url(`http://u:p@images.test:${upstream.port}/img/ok.png`),
    400,
    /not allowed/,
  ],
  [
    "host resolving to a private address",
    () => url(`http://private.test:${upstream.port}/x.png`),
    400,
    /private address/,
  ],
  [
    "host resolving to public and private addresses",
    () => url(`http://mixed.test:${upstream.port}/x.png`),
    400,
    /private address/,
  ],
  [
    "host that does not resolve",
    () => url(`http://nowhere.test:${upstream.port}/x.png`),
    502,
    /could not be resolved/,
  ],
  ["4 redirects (3 allowed)", () => url(`${base}/img/r4`), 508, /more than 3 times/],
  [
    "redirect to a disallowed host",
    () => url(`${base}/img/to-other-host`),
    400,
    /redirected to a URL that is not allowed/,
  ],
  ["redirect to a private address", () => url(`${base}/img/to-private`), 400, /private address/],
  [
    "redirect outside the path pattern",
    () => url(`${base}/img/to-outside-path`),
    400,
    /not allowed/,
  ],
  ["redirect to file:", () => url(`${base}/img/to-file`), 400, /not allowed/],
  [
    "oversized, honest Content-Length",
    () => url(`${base}/img/big-honest`),
    413,
    /larger than the 65536-byte limit/,
  ],
  [
    "oversized, chunked",
    () => url(`${base}/img/big-chunked`),
    413,
    /larger than the 65536-byte limit/,
  ],
  [
    "oversized, no length until close",
    () => url(`${base}/img/big-until-close`),
    413,
    /65536-byte limit/,
  ],
  [
    "lying Content-Length (sends more)",
    () => url(`${base}/img/big-lying`),
    400,
    /isn't a valid image/,
  ],
  ["slow body beyond the timeout", () => url(`${base}/img/slow-body`), 504, /timed out/],
  ["no answer beyond the timeout", () => url(`${base}/img/no-answer`), 504, /timed out/],
  ["upstream 404", () => url(`${base}/img/missing`), 404, /not found/],
  ["upstream 410", () => url(`${base}/img/gone`), 404, /not found/],
  ["upstream 403", () => url(`${base}/img/forbidden`), 502, /answered 403/],
  ["upstream 500", () => url(`${base}/img/broken`), 502, /answered 500/],
  [
    "non-image content labelled image/png",
    () => url(`${base}/img/page`),
    400,
    /isn't a valid image/,
  ],
  [
    "SVG without dangerouslyAllowSVG",
    () => url(`${base}/img/logo.svg`),
    400,
    /type is not allowed/,
  ],
  ["compressed body nobody asked for", () => url(`${base}/img/gzipped`), 502, /compressed/],
  ["POST", () => imageEvent(url("/a.png"), { method: "POST" }), 405, /Only GET and HEAD/],
  ["DELETE", () => imageEvent(url("/a.png"), { method: "DELETE" }), 405, /Only GET and HEAD/],
  [
    "event without rawQueryString",
    () => ({ requestContext: { http: { method: "GET" } } }),
    400,
    /Malformed/,
  ],
  ["event without requestContext", () => ({ rawQueryString: url("/a.png") }), 400, /Malformed/],
  [
    "rawQueryString not a string",
    () => ({ ...imageEvent(""), rawQueryString: 42 }),
    400,
    /Malformed/,
  ],
  ["null event", () => null as unknown as object, 400, /Malformed/],
];

describe("bad inputs", () => {
  test("there are at least 30 cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));

  const byStatus = cases.map(
    ([what, input, status, message]) => [what, status, input, message] as const,
  );
  test.each(byStatus)("%s -> %i", async (_what, status, input, message) => {
    const made = input();
    const response = await handler(typeof made === "string" ? imageEvent(made) : made);
    expect(response.statusCode).toBe(status);
    expect(textOf(response)).toMatch(message);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["content-security-policy"]).toBeDefined();
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    if (status === 405) expect(response.headers["allow"]).toBe("GET, HEAD");
  });
});

describe("good remote fetches", () => {
  test("an allowed image is fetched and optimised", async () => {
    const response = await handler(imageEvent(url(`${base}/img/ok.png`)));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/png");
  });

  test("3 redirects are followed", async () => {
    const response = await handler(imageEvent(url(`${base}/img/r3`)));
    expect(response.statusCode).toBe(200);
  });

  test("the viewer's cookies and credentials never go upstream", async () => {
    const before = upstream.requests.length;
    const response = await handler(
      imageEvent(url(`${base}/img/ok.png`), {
        headers: { cookie: "session=secret", authorization: "Bearer secret", "x-api-key": "k" },
      }),
    );
    expect(response.statusCode).toBe(200);
    const seen = upstream.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers).not.toHaveProperty("cookie");
    expect(seen[0]?.headers).not.toHaveProperty("authorization");
    expect(seen[0]?.headers).not.toHaveProperty("x-api-key");
  });
});

describe("the default address policy, even with a pattern that allows every host", () => {
  let open: ImageHandler;
  const resolver = stubResolver({
    localhost: ["127.0.0.1", "::1"],
    "rebind.test": ["93.184.216.34", "127.0.0.1"],
    "metadata.test": ["169.254.169.254"],
  });
  beforeAll(() => {
    open = makeHandler({
      images: {
        remotePatterns: [{ protocol: "http", hostname: "**", port: String(upstream.port) }],
      },
      overrides: { addressPolicy: PUBLIC_UNICAST_ONLY, resolver },
    });
  });

  test.each([
    "127.0.0.1",
    "10.0.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "100.64.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[fd00:ec2::254]",
    "2130706433", // 127.0.0.1 as one number: WHATWG URL normalises it
    "0x7f.1",
    "localhost",
    "rebind.test",
    "metadata.test",
  ])("http://%s/ is refused before any connection", async (host) => {
    const before = upstream.requests.length;
    const response = await open(imageEvent(url(`http://${host}:${upstream.port}/img/ok.png`)));
    expect(response.statusCode).toBe(400);
    expect(textOf(response)).toMatch(/private address/);
    expect(upstream.requests.length).toBe(before);
  });
});
