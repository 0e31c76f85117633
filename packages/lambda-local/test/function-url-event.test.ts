import { functionUrlEvent } from "../src/function-url-event";
import type { RawHttpRequest } from "../src/raw-http-request";

const FUNCTION_URL = "abcdefghijklmnopqrstuvwxyz123456.lambda-url.eu-west-1.on.aws";

function request(overrides: Partial<RawHttpRequest> = {}): RawHttpRequest {
  return {
    method: "POST",
    rawPath: "/caf%C3%A9/a%2Fb",
    rawQueryString: "b=2&a=1&b=%20x+y&flag",
    headers: [
      ["host", "shop.example.com"],
      ["user-agent", "Mozilla/5.0"],
      ["accept", "text/html"],
      ["accept", "application/json"],
      ["cookie", "theme=dark; session=abc"],
      ["cookie", "late=1"],
      ["x-forwarded-for", "203.0.113.9"],
    ],
    body: Buffer.from([0, 1, 2, 255]),
    sourceIp: "130.176.212.20",
    ...overrides,
  };
}

it("keeps the target as received and decodes the parameters, repeated keys joined", () => {
  const event = functionUrlEvent(request());
  expect(event.rawPath).toBe("/caf%C3%A9/a%2Fb");
  expect(event.rawQueryString).toBe("b=2&a=1&b=%20x+y&flag");
  expect(event.queryStringParameters).toEqual({ b: "2, x y", a: "1", flag: "" });
  expect(event.requestContext.http).toEqual({
    method: "POST",
    path: "/caf%C3%A9/a%2Fb",
    protocol: "HTTP/1.1",
    sourceIp: "130.176.212.20",
    userAgent: "Mozilla/5.0",
  });
});

it("moves cookies into their array and joins repeated header fields", () => {
  const event = functionUrlEvent(request());
  expect(event.cookies).toEqual(["theme=dark", "session=abc", "late=1"]);
  expect(event.headers["cookie"]).toBeUndefined();
  expect(event.headers["accept"]).toBe("text/html,application/json");
});

it("adds what the Function URL front end adds, host being the Function URL's", () => {
  const event = functionUrlEvent(request(), { domainName: FUNCTION_URL });
  expect(event.headers).toMatchObject({
    host: FUNCTION_URL,
    "x-forwarded-proto": "https",
    "x-forwarded-port": "443",
    "x-forwarded-for": "203.0.113.9, 130.176.212.20",
    "x-amzn-trace-id": expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
  });
  expect(event.requestContext).toMatchObject({
    domainName: FUNCTION_URL,
    domainPrefix: "abcdefghijklmnopqrstuvwxyz123456",
    apiId: "abcdefghijklmnopqrstuvwxyz123456",
  });
});

it("keeps the request's host without a Function URL domain", () => {
  const event = functionUrlEvent(request({ headers: [["host", "127.0.0.1:8080"]] }));
  expect(event.headers["host"]).toBe("127.0.0.1:8080");
  expect(event.headers["x-forwarded-for"]).toBe("130.176.212.20");
  expect(event.requestContext.domainName).toBe("127.0.0.1:8080");
});

it("carries the body base64, and no body when there is none", () => {
  const event = functionUrlEvent(request());
  expect(event.isBase64Encoded).toBe(true);
  expect(Buffer.from(event.body!, "base64")).toEqual(Buffer.from([0, 1, 2, 255]));

  const empty = functionUrlEvent(
    request({ method: "GET", body: Buffer.alloc(0), rawQueryString: "" }),
  );
  expect(empty).not.toHaveProperty("body");
  expect(empty).not.toHaveProperty("queryStringParameters");
  expect(empty.isBase64Encoded).toBe(false);
});

it("has the documented payload 2.0 envelope", () => {
  const now = new Date("2026-01-02T03:04:05.678Z");
  const event = functionUrlEvent(request(), { now });
  expect(event).toMatchObject({ version: "2.0", routeKey: "$default" });
  expect(event.requestContext).toMatchObject({
    accountId: "anonymous",
    routeKey: "$default",
    stage: "$default",
    time: "2026-01-02T03:04:05.678Z",
    timeEpoch: now.getTime(),
    requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
});
