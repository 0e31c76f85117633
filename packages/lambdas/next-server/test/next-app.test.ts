/**
 * The packaged function (zonke-next-package's zip of example-next, extracted) in a test Lambda
 * instance per mode, with Function URL events: every route of the app, the header policy against
 * spoofed internal headers, binary bodies both ways, malformed and warm events.
 */
import { createHash, randomBytes } from "node:crypto";
import { cpSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { DEFERRED_MODULES } from "../src/deferred-modules";
import { FUNCTION_URL_HOST, fromEdge, functionUrlEvent } from "./support/events";
import { fixture } from "./support/fixture";
import {
  startNextServerInstance,
  type Mode,
  type NextServerInstance,
} from "./support/next-server-instance";
import { byTestId, formFields, listItems, multipartBody } from "./support/html";

const VIEWER_HOST = "shop.example.com";
const MODES: Mode[] = ["stream", "buffered"];

describe.each(MODES)("example-next, packaged, %s mode", (mode) => {
  let host: NextServerInstance;
  let filesBefore: string;

  beforeAll(async () => {
    filesBefore = listing(fixture().taskRoot);
    host = await startNextServerInstance(mode);
  });

  afterAll(async () => {
    await host?.stop();
  });

  const viewer = (headers: Record<string, string> = {}) => ({
    ...fromEdge(VIEWER_HOST),
    ...headers,
  });

  it("renders / per request, for the viewer's host from CloudFront", async () => {
    const first = await host.http(functionUrlEvent({ headers: viewer() }));
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(byTestId(first.text, "host")).toBe(VIEWER_HOST);
    expect(first.text).toContain('data-testid="hero-image"');
    expect(first.text).toContain('data-testid="texture-image"');
    const second = await host.http(functionUrlEvent({ headers: viewer() }));
    expect(byTestId(second.text, "rendered-at")).not.toBe(byTestId(first.text, "rendered-at"));
    if (mode === "buffered") expect(first.isBase64Encoded).toBe(false);
  });

  it("ignores x-forwarded-host without the edge mark", async () => {
    const answer = await host.http(
      functionUrlEvent({ headers: { "x-forwarded-host": "attacker.example" } }),
    );
    expect(byTestId(answer.text, "host")).toBe(FUNCTION_URL_HOST);
  });

  it("serves /static from its prerendered HTML", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/static", headers: viewer() }));
    expect(answer.statusCode).toBe(200);
    expect(answer.text).toContain("A static page");
    expect(answer.headers["cache-control"]).toBe("s-maxage=31536000");
  });

  it("renders /images with the remote image through /_next/image", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/images", headers: viewer() }));
    expect(answer.statusCode).toBe(200);
    const img = /<img[^>]*data-testid="remote-image"[^>]*>/.exec(answer.text)?.[0] ?? "";
    expect(img).toContain(
      "/_next/image?url=https%3A%2F%2Fimages.unsplash.com%2Fphoto-1506744038136-46273834b3fb",
    );
  });

  it("answers a conditional GET of /static with 304 and no body", async () => {
    const first = await host.http(functionUrlEvent({ path: "/static", headers: viewer() }));
    const etag = first.headers["etag"];
    expect(etag).toMatch(/^"/);
    const answer = await host.http(
      functionUrlEvent({ path: "/static", headers: viewer({ "if-none-match": etag! }) }),
    );
    expect(answer.statusCode).toBe(304);
    expect(answer.headers["etag"]).toBe(etag);
    expect(answer.body.length).toBe(0);
  });

  it("leaves /_next/static and public files to S3: they are not in the package", async () => {
    const chunk = await host.http(
      functionUrlEvent({ path: "/_next/static/chunks/main.js", headers: viewer() }),
    );
    expect(chunk.statusCode).toBe(404);
    expect(chunk.text).toBe("Not Found");
    const publicFile = await host.http(
      functionUrlEvent({ path: "/images/hero.jpg", headers: viewer() }),
    );
    expect(publicFile.statusCode).toBe(404);
  });

  it("answers an RSC request with the component payload", async () => {
    const rscHeaders = viewer({ rsc: "1" });
    const redirect = await host.http(functionUrlEvent({ path: "/static", headers: rscHeaders }));
    // Next.js 16 sends RSC requests without the cache-busting _rsc parameter to the URL with it.
    expect(redirect.statusCode).toBe(307);
    const location = new URL(redirect.headers["location"]!, "https://x");
    expect(location.searchParams.has("_rsc")).toBe(true);
    const answer = await host.http(
      functionUrlEvent({
        path: location.pathname,
        query: location.search.slice(1),
        headers: rscHeaders,
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/x-component");
    expect(answer.headers["vary"]).toContain("rsc");
    expect(answer.text).toContain("A static page");
    expect(answer.text).not.toContain("<html");
  });

  it("runs the /form Server Action posted without JavaScript", async () => {
    const page = await host.http(functionUrlEvent({ path: "/form", headers: viewer() }));
    const fields = formFields(page.text);
    expect(fields.map(([name]) => name)).toEqual(expect.arrayContaining(["$ACTION_KEY"]));
    const { body, contentType } = multipartBody([...fields, ["name", "  Ada Lovelace "]]);
    const answer = await host.http(
      functionUrlEvent({
        method: "POST",
        path: "/form",
        body,
        headers: viewer({ "content-type": contentType, origin: `https://${VIEWER_HOST}` }),
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(byTestId(answer.text, "greeting")).toBe("Hello, Ada Lovelace!");
  });

  it("refuses a Server Action whose origin is not the host (no edge mark)", async () => {
    const page = await host.http(functionUrlEvent({ path: "/form" }));
    const { body, contentType } = multipartBody([...formFields(page.text), ["name", "Mallory"]]);
    const answer = await host.http(
      functionUrlEvent({
        method: "POST",
        path: "/form",
        body,
        headers: { "content-type": contentType, origin: `https://${VIEWER_HOST}` },
      }),
    );
    expect(answer.statusCode).toBe(500);
    expect(answer.text).not.toContain("Hello, Mallory!");
    expect(answer.text).not.toMatch(/\n\s+at /);
  });

  it("answers /status with JSON", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/status", headers: viewer() }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(answer.text)).toEqual({
      ok: true,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      runtime: "nodejs",
    });
  });

  it("keeps repeated query keys and encoded values for /echo", async () => {
    const answer = await host.http(
      functionUrlEvent({
        path: "/echo",
        query: "a=1&a=2&b=x%20y&c=%E2%9C%93&a=3&plus=1%2B1&sp=a+b&empty=&amp=%26",
        headers: viewer(),
      }),
    );
    expect(JSON.parse(answer.text)).toEqual({
      query: {
        a: ["1", "2", "3"],
        b: ["x y"],
        c: ["\u2713"],
        plus: ["1+1"],
        sp: ["a b"],
        empty: [""],
        amp: ["&"],
      },
    });
  });

  it("receives a binary POST body byte for byte", async () => {
    const bytes = Buffer.concat([randomBytes(70_000), Buffer.from([0, 0xff, 0xfe, 0x80])]);
    const answer = await host.http(
      functionUrlEvent({
        method: "POST",
        path: "/echo",
        body: bytes,
        headers: viewer({ "content-type": "application/octet-stream" }),
      }),
    );
    expect(JSON.parse(answer.text)).toEqual({
      bytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      contentType: "application/octet-stream",
    });
  });

  it("returns /binary's 256 bytes exactly", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/binary", headers: viewer() }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/octet-stream");
    expect([...answer.body]).toEqual(Array.from({ length: 256 }, (_, i) => i));
    if (mode === "buffered") expect(answer.isBase64Encoded).toBe(true);
  });

  it("redirects /old-home through the proxy with its cookie", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/old-home", headers: viewer() }));
    expect(answer.statusCode).toBe(307);
    expect(answer.headers["location"]).toBe("/");
    expect(answer.cookies).toEqual(["visited=1; Path=/; HttpOnly; SameSite=lax"]);
  });

  it("returns the proxy's two cookies for /cookies apart, and the request's cookies to the page", async () => {
    const answer = await host.http(
      functionUrlEvent({ path: "/cookies", headers: viewer(), cookies: ["a=1", "b=two words"] }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.cookies).toEqual([
      "theme=dark; Path=/; SameSite=lax",
      "session-hint=abc123; Path=/; SameSite=lax",
    ]);
    expect(answer.headers).not.toHaveProperty("set-cookie");
    expect(listItems(answer.text, "cookie-list")).toEqual(
      expect.arrayContaining(["a=1", "b=two words", "theme=dark", "session-hint=abc123"]),
    );
  });

  it("answers unknown paths with the app's 404 page", async () => {
    const answer = await host.http(functionUrlEvent({ path: "/no/such/page", headers: viewer() }));
    expect(answer.statusCode).toBe(404);
    expect(byTestId(answer.text, "not-found")).toBe("Page not found");
  });

  it("answers HEAD without a body", async () => {
    const answer = await host.http(functionUrlEvent({ method: "HEAD", headers: viewer() }));
    expect(answer.statusCode).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer.body.length).toBe(0);
  });

  it.each([
    "middleware:middleware:middleware:middleware:middleware",
    "proxy:proxy:proxy:proxy:proxy",
    "src/middleware:src/middleware:src/middleware:src/middleware:src/middleware",
  ])("does not let X-Middleware-Subrequest: %s skip the proxy", async (value) => {
    for (const name of ["x-middleware-subrequest", "X-Middleware-Subrequest"]) {
      const answer = await host.http(
        functionUrlEvent({ path: "/old-home", headers: viewer({ [name]: value }) }),
      );
      expect(answer.statusCode).toBe(307);
      expect(answer.cookies).toEqual(["visited=1; Path=/; HttpOnly; SameSite=lax"]);
    }
  });

  it("takes no routing from spoofed internal headers", async () => {
    const answer = await host.http(
      functionUrlEvent({
        headers: viewer({
          "x-middleware-rewrite": "/status",
          "X-Matched-Path": "/status",
          "x-invoke-path": "/status",
          "x-invoke-status": "500",
          "x-now-route-matches": "1=status",
          "x-nextjs-data": "1",
          "x-middleware-next": "1",
        }),
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(byTestId(answer.text, "host")).toBe(VIEWER_HOST);
  });

  it("compresses for viewers that accept gzip, as base64 bytes", async () => {
    const answer = await host.http(
      functionUrlEvent({ headers: viewer({ "accept-encoding": "gzip" }) }),
    );
    expect(answer.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(answer.body).toString("utf8")).toContain("Hello from zonke");
    if (mode === "buffered") expect(answer.isBase64Encoded).toBe(true);
  });

  it("answers malformed events with a 400", async () => {
    for (const event of [
      null,
      { version: "1.0", httpMethod: "GET" },
      { ...functionUrlEvent(), body: "%%%", isBase64Encoded: true },
    ]) {
      const answer = await host.http(event);
      expect(answer.statusCode).toBe(400);
      expect(answer.text).toMatch(/^Bad Request: /);
    }
  });

  it("answers a warm event with its instance id after the delay, without Next.js", async () => {
    await host.http(functionUrlEvent({ path: "/status" }));
    const handled = await host.nodeResponses();
    expect(handled).toBeGreaterThan(0);
    const started = Date.now();
    const first = await host.invoke({ zonke: "warm", delayMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const second = await host.invoke({ zonke: "warm" });
    const answers = [first, second].map((reply) =>
      reply.type === "stream"
        ? JSON.parse(reply.payload.toString("utf8"))
        : reply.type === "buffered"
          ? reply.result
          : reply,
    );
    expect(answers[0]).toEqual({ zonke: "warm", instanceId: expect.any(String), coldStart: false });
    expect(answers[1]).toEqual(answers[0]);
    expect(await host.nodeResponses()).toBe(handled);
  });

  it("runs with sharp left out; /_next/image is the optimiser's job, not this function's", async () => {
    const answer = await host.http(
      functionUrlEvent({
        path: "/_next/image",
        query: "url=%2Fimages%2Ftexture.jpg&w=640&q=75",
        headers: viewer(),
      }),
    );
    expect(answer.statusCode).toBeGreaterThanOrEqual(400);
    const after = await host.http(functionUrlEvent({ path: "/status" }));
    expect(after.statusCode).toBe(200);
  });

  it("logs nothing per request and writes nothing into its package", async () => {
    await host.http(functionUrlEvent({ path: "/status" }));
    expect(host.logs.filter((line) => line.startsWith("{"))).toEqual([
      expect.stringContaining('"message":"next server ready"'),
    ]);
    expect(listing(fixture().taskRoot)).toBe(filesBefore);
  });
});

describe("a new instance", () => {
  async function warmAnswer(host: NextServerInstance): Promise<Record<string, unknown>> {
    const reply = await host.invoke({ zonke: "warm", delayMs: 10 });
    if (reply.type !== "stream") throw new Error(`unexpected reply ${reply.type}`);
    return JSON.parse(reply.payload.toString("utf8"));
  }

  it("answers a first warm event as a cold start, without touching Next.js", async () => {
    const host = await startNextServerInstance("stream");
    try {
      expect(await warmAnswer(host)).toMatchObject({ zonke: "warm", coldStart: true });
      expect(await host.nodeResponses()).toBe(0);
      await host.http(functionUrlEvent({ path: "/status" }));
      expect(await host.nodeResponses()).toBe(1);
    } finally {
      await host.stop();
    }
  });

  it("starts without the modules it does not run at startup (build, dev, static files)", async () => {
    const host = await startNextServerInstance("buffered");
    try {
      const ready = host.logs.find((line) => line.includes('"message":"next server ready"'));
      expect(JSON.parse(ready!)).toMatchObject({
        deferredModules: { count: DEFERRED_MODULES.length, loaded: 0 },
      });
      expect((await host.http(functionUrlEvent({ path: "/" }))).statusCode).toBe(200);
    } finally {
      await host.stop();
    }
  });

  it("answers the requires of its init from the package's require index", async () => {
    const host = await startNextServerInstance("buffered");
    try {
      const ready = host.logs.find((line) => line.includes('"message":"next server ready"'));
      const { requireIndex } = JSON.parse(ready!) as {
        requireIndex: { entries: number; hits: number; misses: number; missed: string[] };
      };
      expect(requireIndex.hits).toBeGreaterThan(600);
      // The scan saw every other require Next.js makes while it starts. These it leaves to Node:
      // @swc/helpers resolves by the module-sync condition, which differs between Node 20 and 22,
      // and the other two are not in the package (Next.js tries them and falls back).
      expect(requireIndex.misses).toBe(requireIndex.missed.length);
      expect(
        requireIndex.missed.filter(
          (missed) =>
            !/^(?:@swc\/helpers\/_\/\w+|@opentelemetry\/api|next\/dist\/compiled\/webpack\/webpack-lib) from /.test(
              missed,
            ),
        ),
      ).toEqual([]);
      expect((await host.http(functionUrlEvent({ path: "/" }))).statusCode).toBe(200);
    } finally {
      await host.stop();
    }
  });

  it("counts HTTP requests as invocations: a warm event after one is no cold start", async () => {
    const host = await startNextServerInstance("stream");
    try {
      await host.http(functionUrlEvent({ path: "/status" }));
      expect(await warmAnswer(host)).toMatchObject({ zonke: "warm", coldStart: false });
    } finally {
      await host.stop();
    }
  });
});

describe("preloading every route's modules", () => {
  const appDir = () => path.join(fixture().taskRoot, "apps/example-next");
  /** Every App Router entry of the build, as files relative to the app. */
  const routeFiles = (root = appDir()) =>
    Object.values(
      JSON.parse(readFileSync(path.join(root, ".next/server/app-paths-manifest.json"), "utf8")),
    ).map((file) => `.next/server/${file as string}`);

  /** Files the instance has loaded, relative to the app (Node's NODE_DEBUG=module lines). */
  function loaded(host: NextServerInstance, root = appDir()): Set<string> {
    return new Set(
      host.logs.flatMap((line) => {
        const file = /^MODULE \d+: load "(.+)" for module/.exec(line)?.[1];
        return file === undefined ? [] : [path.relative(root, file)];
      }),
    );
  }

  /** The instance's stderr arrives beside its answers, not in order with them: wait for it. */
  async function eventually(check: () => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return check();
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  function readyLine(host: NextServerInstance): Record<string, unknown> | undefined {
    const line = host.logs.find((entry) => entry.includes('"message":"next server ready"'));
    return line === undefined ? undefined : JSON.parse(line);
  }

  it.each(MODES)(
    "loads only the routes requests need until the first warm event, which loads them all (%s mode)",
    async (mode) => {
      const host = await startNextServerInstance(mode, { NODE_DEBUG: "module" });
      try {
        const routes = routeFiles();
        expect(routes).toEqual(
          expect.arrayContaining([".next/server/app/page.js", ".next/server/app/status/route.js"]),
        );
        expect(readyLine(host)).toMatchObject({ preloading: "warm" });
        expect(routes.filter((file) => loaded(host).has(file))).toEqual([]);

        await host.http(functionUrlEvent({ path: "/status" }));
        await eventually(() => expect(loaded(host)).toContain(".next/server/app/status/route.js"));
        expect(loaded(host)).not.toContain(".next/server/app/page.js");

        await host.invoke({ zonke: "warm", delayMs: 0 });
        await eventually(() =>
          expect(routes.filter((file) => !loaded(host).has(file))).toEqual([]),
        );
        expect(await host.nodeResponses()).toBe(1);
      } finally {
        await host.stop();
      }
    },
  );

  it("never preloads an app whose config turns preloadEntriesOnStart off", async () => {
    const taskRoot = path.join(fixture().workDir, "task-no-preload");
    cpSync(fixture().taskRoot, taskRoot, { recursive: true });
    const configFile = path.join(taskRoot, "apps/example-next/.next/required-server-files.json");
    const serverFiles = JSON.parse(readFileSync(configFile, "utf8"));
    serverFiles.config.experimental.preloadEntriesOnStart = false;
    writeFileSync(configFile, JSON.stringify(serverFiles));
    const root = path.join(taskRoot, "apps/example-next");
    const host = await startNextServerInstance("buffered", { NODE_DEBUG: "module" }, { taskRoot });
    try {
      expect(readyLine(host)).toMatchObject({ preloading: "off" });
      await host.invoke({ zonke: "warm", delayMs: 0 });
      const home = await host.http(functionUrlEvent({ path: "/" }));
      expect(home.statusCode).toBe(200);
      await eventually(() => expect(loaded(host, root)).toContain(".next/server/app/page.js"));
      expect(
        routeFiles(root).filter(
          (file) => file !== ".next/server/app/page.js" && loaded(host, root).has(file),
        ),
      ).toEqual([]);
    } finally {
      await host.stop();
      rmSync(taskRoot, { recursive: true, force: true });
    }
  });
});

/** Every file under `dir` with its size and modification time, one per line. */
function listing(dir: string): string {
  const lines: string[] = [];
  (function walk(current: string) {
    for (const name of readdirSync(current).sort()) {
      const full = path.join(current, name);
      const stats = statSync(full);
      if (stats.isDirectory()) walk(full);
      else lines.push(`${path.relative(dir, full)} ${stats.size} ${stats.mtimeMs}`);
    }
  })(dir);
  return lines.join("\n");
}
