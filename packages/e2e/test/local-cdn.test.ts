/**
 * The local deployment without a browser: that the edge routes, rewrites and signs as the
 * synthesised distribution says, so the browser test exercises the real path. Requests are sent
 * with fetch to the local distribution; what reached each Function URL is read from its record.
 */
import { createHash, randomBytes } from "node:crypto";
import { IMAGE_PATH, viewerRequestCode } from "@zonke/modules";
import { fixture } from "./support/fixture";
import { startLocalDeployment, type LocalDeployment } from "./support/local-deployment";

let deployment: LocalDeployment;

beforeAll(async () => {
  deployment = await startLocalDeployment(fixture());
}, 60_000);

afterAll(async () => {
  await deployment?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(deployment.cdn.url + path, { headers, redirect: "manual" });
const lastEvent = (origin: "server" | "images") => deployment[origin].exchanges.at(-1)?.event;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

it("is configured by the synthesised Cdn: its behaviours and @zonke/modules' viewer function", () => {
  expect(deployment.distribution.functionCode).toEqual([viewerRequestCode(IMAGE_PATH)]);
  expect(
    deployment.distribution.behaviours.map((b) => [
      b.pathPattern,
      b.origin.kind,
      b.allowedMethods.length,
    ]),
  ).toEqual([
    ["/_next/static/*", "s3", 3],
    ["/images/*", "s3", 3],
    ["/_next/image*", "function-url", 2],
    ["*", "function-url", 7],
  ]);
});

it("serves pages from the server Lambda for the viewer's host, dropping what viewers may not send", async () => {
  const response = await get("/", {
    "x-middleware-subrequest": "middleware:middleware:middleware",
    "x-zonke-edge": "0",
    "x-forwarded-host": "evil.example",
  });
  expect(response.status).toBe(200);
  expect(await response.text()).toContain(`data-testid="host">${deployment.cdn.host}<`);
  expect(response.headers.get("strict-transport-security")).toBe(
    "max-age=63072000; includeSubDomains",
  );
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");

  const event = lastEvent("server")!;
  expect(event.headers).toMatchObject({
    host: deployment.server.domainName,
    "x-forwarded-host": deployment.cdn.host,
    "x-zonke-edge": "1",
    "x-forwarded-for": "127.0.0.1, 130.176.212.20",
  });
  expect(event.headers).not.toHaveProperty("x-middleware-subrequest");
});

it("serves /_next/static and public files from the bucket, with the upload's headers", async () => {
  const staticKey = deployment.bucket
    .keys()
    .find((k) => k.startsWith("assets/_next/static/chunks/"))!;
  const exchangesBefore = deployment.server.exchanges.length;

  const chunk = await get(`/${staticKey.slice("assets/".length)}`);
  expect(chunk.status).toBe(200);
  expect(chunk.headers.get("cache-control")).toBe("public,max-age=31536000,immutable");
  expect(chunk.headers.get("content-type")).toMatch(/javascript|css/);

  const image = await get("/images/texture.jpg");
  expect(image.status).toBe(200);
  expect(image.headers.get("content-type")).toBe("image/jpeg");
  expect(image.headers.get("cache-control")).toBe(
    "public,max-age=0,s-maxage=31536000,must-revalidate",
  );
  const again = await get("/images/texture.jpg", { "if-none-match": image.headers.get("etag")! });
  expect(again.status).toBe(304);

  const missing = await get("/_next/static/chunks/not-there.js");
  expect(missing.status).toBe(403);
  expect(await missing.text()).toContain("<Code>AccessDenied</Code>");
  expect(deployment.server.exchanges.length).toBe(exchangesBefore);
});

it("sends /_next/image to the optimiser with its cache key only, which reads the image from S3", async () => {
  const response = await get(`/_next/image?url=%2Fimages%2Ftexture.jpg&w=640&q=75&utm_source=x`, {
    accept: "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    cookie: "session=abc",
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("image/avif");
  expect(response.headers.get("vary")).toBe("Accept");

  const event = lastEvent("images")!;
  expect(event.rawQueryString).toBe("url=%2Fimages%2Ftexture.jpg&w=640&q=75");
  expect(event.headers["accept"]).toBe("image/avif,image/webp");
  expect(event.headers["user-agent"]).toBe("Amazon CloudFront");
  expect(event.cookies).toBeUndefined();
  expect(deployment.s3.requests).toContainEqual({
    method: "GET",
    key: "assets/images/texture.jpg",
    signed: true,
  });
});

it("signs request bodies at the edge: the server's Function URL gets the body's SHA-256", async () => {
  const body = randomBytes(4096);
  const response = await fetch(`${deployment.cdn.url}/echo`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream", "x-amz-content-sha256": "0".repeat(64) },
    body,
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ bytes: body.length, sha256: sha256(body) });
  expect(lastEvent("server")!.headers["x-amz-content-sha256"]).toBe(sha256(body));
});

it("answers 413 from the signer for a body over the 1 MB CloudFront exposes to it", async () => {
  const before = deployment.server.exchanges.length;
  const response = await fetch(`${deployment.cdn.url}/echo`, {
    method: "POST",
    body: randomBytes(1024 * 1024 + 1),
  });
  expect(response.status).toBe(413);
  expect(deployment.server.exchanges.length).toBe(before);
});

it("has a Function URL that refuses a body without its hash, which is why the signer exists", async () => {
  const request = {
    method: "POST",
    rawPath: "/echo",
    rawQueryString: "",
    headers: [["host", deployment.server.domainName]] as Array<[string, string]>,
    body: Buffer.from("name=Ada"),
    sourceIp: "130.176.212.20",
  };
  expect((await deployment.server.handle(request)).statusCode).toBe(403);
  const signed = await deployment.server.handle({
    ...request,
    headers: [...request.headers, ["x-amz-content-sha256", sha256(request.body)]],
  });
  expect(signed.statusCode).toBe(200);
});

it("refuses methods a behaviour does not allow, before any origin", async () => {
  const before = deployment.images.exchanges.length;
  const post = await fetch(
    `${deployment.cdn.url}/_next/image?url=%2Fimages%2Ftexture.jpg&w=640&q=75`,
    {
      method: "POST",
      body: "x",
    },
  );
  expect(post.status).toBe(403);
  expect(await post.text()).toContain("not configured to allow the HTTP request method");
  expect(deployment.images.exchanges.length).toBe(before);
});
