import { createHash, randomBytes } from "node:crypto";
import type { CloudFrontRequest, CloudFrontResultResponse } from "aws-lambda";
import { EMPTY_SHA256 } from "../src/content-hash";
import { handler } from "../src/handler";
import { base64Body, originRequestEvent, type RequestOptions } from "./events";

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

let logged: string[] = [];

beforeEach(() => {
  logged = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => jest.restoreAllMocks());

async function forward(options: RequestOptions): Promise<CloudFrontRequest> {
  const result = await handler(originRequestEvent(options));
  expect(result).toHaveProperty("uri"); // a request to forward, not a generated response
  return result as CloudFrontRequest;
}

async function respond(options: RequestOptions): Promise<CloudFrontResultResponse> {
  const result = await handler(originRequestEvent(options));
  expect(result).toHaveProperty("status");
  return result as CloudFrontResultResponse;
}

const contentSha256 = (request: CloudFrontRequest) => request.headers["x-amz-content-sha256"];

test("a form post gets the hex SHA-256 of its bytes, under a lower-case header name", async () => {
  const form = "name=Ada+Lovelace&email=ada%40example.com&message=secret-form-text";
  const request = await forward({ body: base64Body(Buffer.from(form)) });
  expect(contentSha256(request)).toEqual([{ key: "x-amz-content-sha256", value: sha256(form) }]);
});

test("known vectors: SHA-256 of 'abc' and of the quick brown fox", async () => {
  const abc = await forward({ body: base64Body(Buffer.from("abc")) });
  expect(contentSha256(abc)?.[0]?.value).toBe(
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  const fox = await forward({
    body: { data: "The quick brown fox jumps over the lazy dog", encoding: "text" },
  });
  expect(contentSha256(fox)?.[0]?.value).toBe(
    "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
  );
});

test("a text-encoded body is hashed as its UTF-8 bytes", async () => {
  const json = '{"name":"Zoë","city":"Tshwane","emoji":"🙂"}';
  const request = await forward({ method: "PUT", body: { data: json, encoding: "text" } });
  expect(contentSha256(request)?.[0]?.value).toBe(sha256(Buffer.from(json, "utf8")));
});

test("a binary body with every byte value is hashed from the decoded bytes", async () => {
  const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
  const request = await forward({ body: base64Body(bytes) });
  expect(contentSha256(request)?.[0]?.value).toBe(sha256(bytes));
  expect(contentSha256(request)?.[0]?.value).not.toBe(sha256(base64Body(bytes).data));
});

test("a body of exactly 1 MB (the most CloudFront exposes) is hashed", async () => {
  const bytes = randomBytes(1024 * 1024);
  const request = await forward({ method: "PUT", body: base64Body(bytes) });
  expect(contentSha256(request)?.[0]?.value).toBe(sha256(bytes));
});

test.each(["POST", "PUT", "PATCH", "DELETE"])(
  "an empty %s gets the empty body's hash",
  async (method) => {
    const request = await forward({ method, body: { data: "" } });
    expect(contentSha256(request)).toEqual([{ key: "x-amz-content-sha256", value: EMPTY_SHA256 }]);
    expect(EMPTY_SHA256).toBe(sha256(""));
  },
);

test.each(["GET", "HEAD", "OPTIONS"])("%s is forwarded untouched", async (method) => {
  const event = originRequestEvent({
    method,
    body: null,
    headers: { "x-amz-content-sha256": [{ key: "X-Amz-Content-Sha256", value: "viewer-value" }] },
  });
  const original = structuredClone(event.Records[0]?.cf.request);
  expect(await handler(event)).toEqual(original);
});

test("a viewer-sent x-amz-content-sha256 is replaced by the body's real hash", async () => {
  const request = await forward({
    body: base64Body(Buffer.from("a=1")),
    headers: {
      "x-amz-content-sha256": [{ key: "X-Amz-Content-Sha256", value: "UNSIGNED-PAYLOAD" }],
    },
  });
  expect(contentSha256(request)).toEqual([{ key: "x-amz-content-sha256", value: sha256("a=1") }]);
});

test("the rest of the request is forwarded as it came", async () => {
  const event = originRequestEvent({ body: base64Body(Buffer.from("a=1")) });
  const original = structuredClone(event.Records[0]?.cf.request) as CloudFrontRequest;
  const request = (await handler(event)) as CloudFrontRequest;
  const { "x-amz-content-sha256": added, ...otherHeaders } = request.headers;
  expect(added).toHaveLength(1);
  expect({ ...request, headers: otherHeaders }).toEqual(original);
  for (const name of Object.keys(request.headers)) expect(name).toBe(name.toLowerCase());
});

test("a body CloudFront truncated (over 1 MB) is answered 413, not forwarded", async () => {
  const response = await respond({
    method: "PUT",
    body: { ...base64Body(randomBytes(1024 * 1024)), inputTruncated: true },
  });
  expect(response).toEqual({
    status: "413",
    statusDescription: "Payload Too Large",
    headers: {
      "content-type": [{ key: "content-type", value: "text/plain; charset=utf-8" }],
      "cache-control": [{ key: "cache-control", value: "no-store" }],
    },
    body: "Request body too large: this site accepts request bodies of at most 1 MB.\n",
  });
  expect(logged.map((line) => JSON.parse(line))).toEqual([
    {
      level: "warn",
      message: "body over the 1 MB CloudFront exposes to the function: answered 413",
      method: "PUT",
      uri: "/form",
    },
  ]);
});

test("a POST without the body in the event (include_body off) is refused loudly", async () => {
  const response = await respond({ method: "POST", body: null });
  expect(response.status).toBe("500");
  expect(response.headers?.["cache-control"]).toEqual([
    { key: "cache-control", value: "no-store" },
  ]);
  expect(logged.join("\n")).toContain("the trigger needs include_body");
});

test("bodies and query strings are never logged", async () => {
  const secret = "secret-form-text";
  await forward({ body: base64Body(Buffer.from(secret)) });
  await respond({ body: { ...base64Body(Buffer.from(secret)), inputTruncated: true } });
  await respond({ body: null });
  const all = logged.join("\n");
  expect(all).not.toContain(secret);
  expect(all).not.toContain(Buffer.from(secret).toString("base64"));
  expect(all).not.toContain("query-secret");
});
