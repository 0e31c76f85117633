import * as fs from "node:fs";
import * as path from "node:path";
import {
  CreateInvalidationCommand,
  GetInvalidationCommand,
  CloudFrontServiceException,
} from "@aws-sdk/client-cloudfront";
import { HeadObjectCommand, PutObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import {
  IMMUTABLE_CACHE_CONTROL,
  MANIFEST_KEY,
  REVALIDATE_CACHE_CONTROL,
  syncAssets,
  type SyncOptions,
} from "../src";
import {
  FakeBucket,
  fakeCloudFront,
  makeNextApp,
  NEXT_BUILD,
  sha256,
  tempDir,
  writeFile,
} from "./helpers";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup(files: Readonly<Record<string, string>> = NEXT_BUILD) {
  const appDir = makeNextApp(files);
  dirs.push(appDir);
  const bucket = new FakeBucket();
  const cdn = fakeCloudFront();
  const lines: string[] = [];
  const deploy = (options: Partial<SyncOptions> = {}) =>
    syncAssets(
      {
        bucket: bucket.name,
        distributionId: "E2QWRUHAPOMQZL",
        appDir,
        log: (line) => lines.push(line),
        ...options,
      },
      { s3: bucket.client, cloudfront: cdn.client },
    );
  return { appDir, bucket, cdn, deploy, lines };
}

const EXPECTED_KEYS = [
  "assets/_next/static/Xy12BuildId/_buildManifest.js",
  "assets/_next/static/chunks/app-abc123.js",
  "assets/_next/static/css/x.css",
  "assets/_next/static/media/logo.hash.png",
  "assets/data.unknownext",
  "assets/docs/my file ünïcödé.pdf",
  "assets/favicon.ico",
  "assets/images/a.png",
  "assets/images/icons/deep/b.svg",
  "assets/robots.txt",
];

describe("syncAssets on a Next.js build", () => {
  it("uploads .next/static under assets/_next/static/ and public/ under assets/, nothing else", async () => {
    const { bucket, deploy } = setup();
    const result = await deploy();
    expect(bucket.assetKeys()).toEqual(EXPECTED_KEYS);
    expect(result.uploaded).toBe(EXPECTED_KEYS.length);
    expect(result.uploadedBytes).toBe(
      Object.values(NEXT_BUILD).reduce((sum, c) => sum + Buffer.byteLength(c), 0),
    );
    expect(bucket.object("assets/docs/my file ünïcödé.pdf").body.toString()).toBe("%PDF-1.7");
  });

  it("sets Content-Type, Cache-Control and the sha256 metadata per file", async () => {
    const { bucket, deploy } = setup();
    await deploy();
    const expected: [string, string, string][] = [
      [
        "assets/_next/static/chunks/app-abc123.js",
        "text/javascript; charset=utf-8",
        IMMUTABLE_CACHE_CONTROL,
      ],
      ["assets/_next/static/css/x.css", "text/css; charset=utf-8", IMMUTABLE_CACHE_CONTROL],
      ["assets/_next/static/media/logo.hash.png", "image/png", IMMUTABLE_CACHE_CONTROL],
      ["assets/favicon.ico", "image/vnd.microsoft.icon", REVALIDATE_CACHE_CONTROL],
      ["assets/robots.txt", "text/plain; charset=utf-8", REVALIDATE_CACHE_CONTROL],
      ["assets/images/a.png", "image/png", REVALIDATE_CACHE_CONTROL],
      ["assets/images/icons/deep/b.svg", "image/svg+xml; charset=utf-8", REVALIDATE_CACHE_CONTROL],
      ["assets/docs/my file ünïcödé.pdf", "application/pdf", REVALIDATE_CACHE_CONTROL],
      ["assets/data.unknownext", "application/octet-stream", REVALIDATE_CACHE_CONTROL],
    ];
    for (const [key, contentType, cacheControl] of expected) {
      const object = bucket.object(key);
      expect({ key, contentType: object.contentType, cacheControl: object.cacheControl }).toEqual({
        key,
        contentType,
        cacheControl,
      });
      expect(object.metadata).toEqual({ sha256: sha256(object.body) });
    }
    expect(IMMUTABLE_CACHE_CONTROL).toBe("public,max-age=31536000,immutable");
    expect(REVALIDATE_CACHE_CONTROL).toBe("public,max-age=0,s-maxage=31536000,must-revalidate");
  });

  it("uploads every hashed file before any other file", async () => {
    const { bucket, deploy } = setup();
    await deploy({ concurrency: 1 });
    const order =
      bucket.uploadedKeys.call(bucket) &&
      bucket.mock
        .commandCalls(PutObjectCommand)
        .map((c) => c.args[0].input.Key as string)
        .filter((k) => k.startsWith("assets/"));
    const lastHashed = Math.max(...order.map((k, i) => (k.startsWith("assets/_next/") ? i : -1)));
    const firstOther = order.findIndex((k) => !k.startsWith("assets/_next/"));
    expect(lastHashed).toBeLessThan(firstOther);
  });

  it("writes nothing on a second run with the same build: 0 uploads, no manifest, no invalidation", async () => {
    const { bucket, cdn, deploy } = setup();
    await deploy();
    bucket.resetHistory();
    cdn.mock.resetHistory();
    const second = await deploy();
    expect(second.uploaded).toBe(0);
    expect(second.unchanged).toBe(EXPECTED_KEYS.length);
    expect(bucket.writes()).toEqual([]);
    expect(cdn.invalidations()).toEqual([]);
    // The manifest vouched for every object: one GET, one LIST, no HEAD.
    expect(second.reads).toEqual({ get: 1, list: 1, head: 0 });
    expect(bucket.mock.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it("re-uploads and invalidates a changed public file, and only that file", async () => {
    const { appDir, bucket, cdn, deploy } = setup();
    await deploy();
    bucket.resetHistory();
    writeFile(appDir, "public/images/a.png", "png a, version 2");
    const result = await deploy();
    expect(bucket.uploadedKeys()).toEqual(["assets/images/a.png"]);
    expect(result.plan.uploads.map((u) => u.reason)).toEqual(["content"]);
    expect(bucket.object("assets/images/a.png").body.toString()).toBe("png a, version 2");
    expect(bucket.object("assets/images/a.png").metadata.sha256).toBe(sha256("png a, version 2"));
    expect(cdn.invalidations().at(-1)).toEqual(["/images/a.png"]);
    expect(result.invalidationId).toBe("I2");
  });

  it("invalidates new and changed files by their encoded URL path", async () => {
    const { appDir, cdn, deploy } = setup();
    await deploy();
    writeFile(appDir, "public/docs/my file ünïcödé.pdf", "%PDF-1.7 v2");
    writeFile(appDir, "public/new#1.txt", "new");
    await deploy();
    expect(cdn.invalidations().at(-1)).toEqual([
      "/docs/my%20file%20%C3%BCn%C3%AFc%C3%B6d%C3%A9.pdf",
      "/new%231.txt",
    ]);
  });

  it("re-uploads a file whose Content-Type or Cache-Control would change, same content", async () => {
    const { bucket, cdn, deploy } = setup();
    await deploy();
    // As if an older version of this tool had uploaded robots.txt without a charset.
    const robots = bucket.object("assets/robots.txt");
    robots.contentType = "text/plain";
    const manifest = JSON.parse(bucket.object(MANIFEST_KEY).body.toString());
    manifest.files["assets/robots.txt"].contentType = "text/plain";
    bucket.object(MANIFEST_KEY).body = Buffer.from(JSON.stringify(manifest));
    bucket.resetHistory();
    const result = await deploy();
    expect(result.plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([
      ["assets/robots.txt", "headers"],
    ]);
    expect(bucket.object("assets/robots.txt").contentType).toBe("text/plain; charset=utf-8");
    expect(cdn.invalidations().at(-1)).toEqual(["/robots.txt"]);
  });

  it("never invalidates nor deletes _next/static files, even with --prune", async () => {
    const { appDir, bucket, cdn, deploy } = setup();
    await deploy();
    // The next build: a new chunk name, the old one gone from the build.
    fs.rmSync(path.join(appDir, ".next/static/chunks/app-abc123.js"));
    writeFile(appDir, ".next/static/chunks/app-def456.js", "console.log('app v2');\n");
    writeFile(appDir, ".next/static/css/x.css", "body{color:blue}\n"); // same name, new content
    const result = await deploy({ prune: true });
    expect(bucket.uploadedKeys()).toContain("assets/_next/static/chunks/app-def456.js");
    expect(bucket.assetKeys()).toContain("assets/_next/static/chunks/app-abc123.js");
    expect(result.deleted).toBe(0);
    expect(result.retained).toBe(1);
    expect(result.invalidationPaths).toEqual([]);
    expect(cdn.invalidations()).toHaveLength(1); // the first deploy's only
    expect(
      cdn
        .invalidations()
        .flat()
        .some((p) => p.startsWith("/_next/")),
    ).toBe(false);
  });

  it("keeps removed public files unless asked to prune, then deletes and invalidates only them", async () => {
    const { appDir, bucket, cdn, deploy } = setup();
    await deploy();
    bucket.objects.set("assets/_next/static/old-build/chunk.js", {
      body: Buffer.from("old"),
      etag: '"old"',
      metadata: {},
    });
    fs.rmSync(path.join(appDir, "public/robots.txt"));
    fs.rmSync(path.join(appDir, "public/images/icons"), { recursive: true });

    const kept = await deploy();
    expect(kept.deleted).toBe(0);
    expect(kept.retained).toBe(3);
    expect(bucket.assetKeys()).toContain("assets/robots.txt");
    expect(bucket.writes().filter((w) => w.startsWith("Delete"))).toEqual([]);

    bucket.resetHistory();
    const pruned = await deploy({ prune: true });
    expect(pruned.plan.deletes).toEqual(["assets/images/icons/deep/b.svg", "assets/robots.txt"]);
    expect(bucket.assetKeys()).not.toContain("assets/robots.txt");
    expect(bucket.assetKeys()).not.toContain("assets/images/icons/deep/b.svg");
    expect(bucket.assetKeys()).toContain("assets/_next/static/old-build/chunk.js");
    expect(bucket.assetKeys()).toContain("assets/favicon.ico");
    expect(pruned.retained).toBe(1);
    expect(cdn.invalidations().at(-1)).toEqual(["/images/icons/deep/b.svg", "/robots.txt"]);
  });

  it("collapses the invalidation to /* above 100 paths", async () => {
    const { appDir, cdn, deploy } = setup();
    await deploy();
    for (let i = 0; i < 101; i++) writeFile(appDir, `public/pages/p${i}.html`, `<p>${i}</p>`);
    const result = await deploy();
    expect(result.uploaded).toBe(101);
    expect(cdn.invalidations().at(-1)).toEqual(["/*"]);

    for (let i = 0; i < 100; i++) writeFile(appDir, `public/pages/p${i}.html`, `<p>${i} v2</p>`);
    await deploy();
    expect(cdn.invalidations().at(-1)).toHaveLength(100);
  });

  it("sends no write command in a dry run, and reports what would change", async () => {
    const { appDir, bucket, cdn, deploy, lines } = setup();
    await deploy();
    writeFile(appDir, "public/images/a.png", "png a, version 2");
    fs.rmSync(path.join(appDir, "public/robots.txt"));
    bucket.resetHistory();
    cdn.mock.resetHistory();
    lines.length = 0;
    const result = await deploy({ dryRun: true, prune: true });
    expect(bucket.writes()).toEqual([]);
    expect(cdn.mock.commandCalls(CreateInvalidationCommand)).toHaveLength(0);
    expect(result).toMatchObject({ dryRun: true, uploaded: 1, deleted: 1 });
    expect(result.invalidationPaths).toEqual(["/images/a.png", "/robots.txt"]);
    expect(lines).toEqual([
      "would upload /images/a.png (content, 16 B)",
      "would delete /robots.txt",
    ]);
    expect(bucket.object("assets/robots.txt").body.toString()).toBe("User-agent: *\n");
  });

  it("falls back to HEAD (the sha256 metadata) when the manifest is lost", async () => {
    const { bucket, deploy } = setup();
    await deploy();
    bucket.objects.delete(MANIFEST_KEY);
    bucket.resetHistory();
    const result = await deploy();
    expect(result.uploaded).toBe(0);
    expect(result.reads.head).toBe(EXPECTED_KEYS.length);
    expect(bucket.writes()).toEqual([`Put ${MANIFEST_KEY}`]); // rebuilt, so the next run needs no HEAD
    bucket.resetHistory();
    expect((await deploy()).reads.head).toBe(0);
  });

  it("re-uploads an object changed behind its back (its ETag no longer matches the manifest)", async () => {
    const { bucket, deploy } = setup();
    await deploy();
    const favicon = bucket.object("assets/favicon.ico");
    favicon.body = Buffer.from("someone else's icon");
    favicon.etag = '"changed"';
    favicon.metadata = {};
    bucket.objects.delete("assets/robots.txt"); // and one deleted by hand
    bucket.resetHistory();
    const result = await deploy();
    expect(result.plan.uploads.map((u) => [u.file.key, u.reason])).toEqual([
      ["assets/favicon.ico", "content"],
      ["assets/robots.txt", "new"],
    ]);
    expect(result.reads.head).toBe(1);
    expect(bucket.object("assets/favicon.ico").body.toString()).toBe("ico");
  });

  it("reads a listing of many pages", async () => {
    const { bucket, deploy } = setup();
    bucket.pageSize = 3;
    await deploy();
    bucket.resetHistory();
    const second = await deploy();
    expect(second.uploaded).toBe(0);
    expect(second.reads.list).toBe(Math.ceil(EXPECTED_KEYS.length / 3));
  });

  it("keeps the paths pending when the invalidation fails, and sends them with the next deploy", async () => {
    const { appDir, bucket, cdn, deploy } = setup();
    await deploy();
    writeFile(appDir, "public/images/a.png", "png a, version 2");
    cdn.failNext(
      new CloudFrontServiceException({
        name: "TooManyInvalidationsInProgress",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message:
          "Processing your request will cause you to exceed the maximum number of in-progress wildcard invalidations.",
      }),
    );
    await expect(deploy()).rejects.toThrow(
      /invalidating 1 path\(s\) on E2QWRUHAPOMQZL failed: TooManyInvalidationsInProgress: .*the paths stay pending/,
    );
    writeFile(appDir, "public/robots.txt", "User-agent: *\nDisallow: /admin\n");
    const next = await deploy();
    expect(next.invalidationPaths).toEqual(["/images/a.png", "/robots.txt"]);
    expect(cdn.invalidations().at(-1)).toEqual(["/images/a.png", "/robots.txt"]);
    const manifest = JSON.parse(bucket.object(MANIFEST_KEY).body.toString());
    expect(manifest.pendingInvalidation).toEqual([]);
  });

  it("still invalidates files uploaded by a deploy that failed half-way", async () => {
    const { appDir, bucket, cdn, deploy } = setup();
    await deploy();
    writeFile(appDir, "public/images/a.png", "png a, version 2");
    writeFile(appDir, "public/robots.txt", "User-agent: *\nDisallow: /admin\n");
    // The last upload of the deploy fails once, after a.png went up.
    bucket.failNextPut(
      "assets/robots.txt",
      new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message: "Access Denied",
      }),
    );
    await expect(deploy({ concurrency: 1 })).rejects.toThrow(/robots\.txt failed: AccessDenied/);
    expect(bucket.object("assets/images/a.png").body.toString()).toBe("png a, version 2");
    expect(cdn.invalidations()).toHaveLength(1); // the first deploy's only

    const next = await deploy();
    // a.png is already in the bucket (found by HEAD), but CloudFront still has the old copy.
    expect(next.plan.uploads.map((u) => u.file.key)).toEqual(["assets/robots.txt"]);
    expect(cdn.invalidations().at(-1)).toEqual(["/images/a.png", "/robots.txt"]);
  });

  it("sends a unique CallerReference per deploy and waits for completion with --wait", async () => {
    const { appDir, cdn, deploy, lines } = setup();
    await deploy({ wait: true });
    writeFile(appDir, "public/robots.txt", "changed");
    await deploy();
    const references = cdn.mock
      .commandCalls(CreateInvalidationCommand)
      .map((c) => c.args[0].input.InvalidationBatch?.CallerReference);
    expect(new Set(references).size).toBe(2);
    expect(cdn.mock.commandCalls(GetInvalidationCommand)).toHaveLength(1);
    expect(cdn.mock.commandCalls(GetInvalidationCommand)[0]?.args[0].input).toEqual({
      DistributionId: "E2QWRUHAPOMQZL",
      Id: "I1",
    });
    expect(lines).toContain("invalidation I1 completed");
  });

  it("gives up waiting after the timeout with a plain message (the upload itself succeeded)", async () => {
    const { bucket, cdn, deploy } = setup();
    cdn.mock
      .on(GetInvalidationCommand)
      .resolves({ Invalidation: { Status: "InProgress" } as never });
    await expect(deploy({ wait: true, waitTimeoutSec: 1 })).rejects.toThrow(
      /^waiting for invalidation I1 on E2QWRUHAPOMQZL: not completed after 1 s \(it carries on in CloudFront; the files are uploaded\)$/,
    );
    expect(bucket.assetKeys()).toEqual(EXPECTED_KEYS);
  });

  it("uploads large files as a stream, retried with a fresh stream after a server error", async () => {
    const big = Buffer.alloc(300_000, "z");
    const { appDir, bucket, deploy } = setup({ ...NEXT_BUILD, "public/video.bin": "" });
    fs.writeFileSync(path.join(appDir, "public/video.bin"), big);
    let failed = false;
    bucket.mock.on(PutObjectCommand, { Key: "assets/video.bin" }).callsFake(async (input) => {
      expect(input.Body).toBeInstanceOf(fs.ReadStream);
      if (!failed) {
        failed = true;
        input.Body.resume(); // consumed, as a failed request would
        throw new S3ServiceException({
          name: "InternalError",
          $fault: "server",
          $metadata: { httpStatusCode: 500 },
          message: "We encountered an internal error. Please try again.",
        });
      }
      const chunks: Buffer[] = [];
      for await (const chunk of input.Body) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(big)).toBe(true);
      return { ETag: '"big"' };
    });
    const result = await deploy({ upload: { bufferLimitBytes: 100_000, streamRetryDelayMs: 1 } });
    expect(failed).toBe(true);
    expect(result.uploaded).toBe(EXPECTED_KEYS.length + 1);
    const bigPuts = bucket.mock
      .commandCalls(PutObjectCommand)
      .filter((c) => c.args[0].input.Key === "assets/video.bin");
    expect(bigPuts).toHaveLength(2);
    expect(bigPuts[0]?.args[0].input.ContentLength).toBe(big.length);
  });

  it("fails when a file changes between hashing and upload (S3 checks ChecksumSHA256)", async () => {
    const { appDir, bucket, deploy } = setup();
    const original = bucket.client.send.bind(bucket.client);
    let rewritten = false;
    jest.spyOn(bucket.client, "send").mockImplementation(((command: unknown) => {
      if (!rewritten && command instanceof PutObjectCommand) {
        rewritten = true;
        writeFile(appDir, "public/robots.txt", "rewritten by a concurrent build");
        writeFile(appDir, ".next/static/chunks/app-abc123.js", "rewritten");
      }
      return original(command as never);
    }) as never);
    await expect(deploy()).rejects.toThrow(
      /failed: BadDigest: .*a file changed while it was uploaded/,
    );
  });
});

describe("syncAssets on a plain folder (Django collectstatic)", () => {
  it("serves every file under the URL prefix, none as immutable", async () => {
    const staticRoot = tempDir("static");
    dirs.push(staticRoot);
    writeFile(staticRoot, "admin/css/base.css", "body{}");
    writeFile(staticRoot, "app/app.4f2a9c.js", "x()");
    writeFile(staticRoot, "staticfiles.json", "{}");
    const bucket = new FakeBucket();
    const cdn = fakeCloudFront();
    const result = await syncAssets(
      {
        bucket: bucket.name,
        distributionId: "E2QWRUHAPOMQZL",
        appDir: staticRoot,
        kind: "static",
        urlPrefix: "static",
      },
      { s3: bucket.client, cloudfront: cdn.client },
    );
    expect(bucket.assetKeys()).toEqual([
      "assets/static/admin/css/base.css",
      "assets/static/app/app.4f2a9c.js",
      "assets/static/staticfiles.json",
    ]);
    expect(bucket.object("assets/static/app/app.4f2a9c.js").cacheControl).toBe(
      REVALIDATE_CACHE_CONTROL,
    );
    expect(result.invalidationPaths).toHaveLength(3);
  });

  it("prunes only under its own prefix, never another app's _next/static files", async () => {
    const staticRoot = tempDir("static");
    dirs.push(staticRoot);
    writeFile(staticRoot, "a.css", "a");
    const bucket = new FakeBucket();
    for (const key of [
      "assets/_next/static/c.js",
      "assets/favicon.ico",
      "assets/static/gone.css",
    ]) {
      bucket.objects.set(key, { body: Buffer.from("x"), etag: '"x"', metadata: {} });
    }
    const result = await syncAssets(
      {
        bucket: bucket.name,
        appDir: staticRoot,
        kind: "static",
        urlPrefix: "/static/",
        prune: true,
      },
      { s3: bucket.client, cloudfront: fakeCloudFront().client },
    );
    expect(result.plan.deletes).toEqual(["assets/static/gone.css"]);
    expect(bucket.assetKeys()).toEqual([
      "assets/_next/static/c.js",
      "assets/favicon.ico",
      "assets/static/a.css",
    ]);
    // No distribution given: the paths stay pending in the manifest for a later deploy.
    expect(result.invalidationSkipped).toBe(true);
    const manifest = JSON.parse(bucket.object(MANIFEST_KEY).body.toString());
    expect(manifest.pendingInvalidation).toEqual(["/static/a.css", "/static/gone.css"]);
  });
});
