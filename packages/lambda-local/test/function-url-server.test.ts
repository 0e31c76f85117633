import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { startFunctionUrlServer } from "../src/function-url-server";
import { startLambdaInstance, type LambdaInstance } from "../src/lambda-instance";
import type { LocalServer } from "../src/local-server";
import type { FunctionUrlEvent } from "../src/function-url-event";
import { writeTestFunctions, type TestFunctions } from "./support/test-functions";

const DOMAIN = "abcdefghijklmnopqrstuvwxyz123456.lambda-url.eu-west-1.on.aws";

let functions: TestFunctions;
let instance: LambdaInstance;
let server: LocalServer;
const exchanges: FunctionUrlEvent[] = [];

beforeAll(async () => {
  functions = writeTestFunctions();
  instance = await startLambdaInstance({ taskRoot: functions.taskRoot, handler: "stream.handler" });
  server = await startFunctionUrlServer({
    target: instance,
    domainName: DOMAIN,
    onExchange: (event) => exchanges.push(event),
  });
});

afterAll(async () => {
  await server?.close();
  await instance?.stop();
  functions.remove();
});

interface RawResponse {
  status: number;
  rawHeaders: string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A request with exactly these header lines and target, read back with its raw header lines. */
function send(method: string, target: string, headers: string[], body?: Buffer) {
  return new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path: target,
        headers: ["Host", server.host, ...headers] as never,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            rawHeaders: res.rawHeaders,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

it("turns the HTTP request into a Function URL event", async () => {
  const body = Buffer.from([0, 10, 13, 255]);
  const response = await send(
    "POST",
    "/a%20b/c?z=1&a=%2F&z=2",
    ["Cookie", "one=1; two=2", "X-Custom", "Value", "Content-Type", "application/octet-stream"],
    body,
  );
  expect(response.status).toBe(201);
  const event = JSON.parse(response.body.toString()).event as FunctionUrlEvent;
  expect(event).toMatchObject({
    rawPath: "/a%20b/c",
    rawQueryString: "z=1&a=%2F&z=2",
    cookies: ["one=1", "two=2"],
    isBase64Encoded: true,
    requestContext: { domainName: DOMAIN, http: { method: "POST", sourceIp: "127.0.0.1" } },
  });
  expect(event.headers).toMatchObject({ host: DOMAIN, "x-custom": "Value" });
  expect(Buffer.from(event.body!, "base64")).toEqual(body);
  expect(exchanges.at(-1)).toEqual(event);
});

it("writes each cookie as its own Set-Cookie field and frames the body by its length", async () => {
  const response = await send("GET", "/", []);
  const setCookies = response.rawHeaders.filter(
    (_, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === "set-cookie",
  );
  expect(setCookies).toEqual(["a=1; Path=/", "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/"]);
  expect(response.headers["content-type"]).toBe("application/json");
  expect(response.headers["x-handler"]).toBe("stream");
  expect(Number(response.headers["content-length"])).toBe(response.body.length);
});

it("answers HEAD without a body", async () => {
  const response = await send("HEAD", "/", []);
  expect(response.status).toBe(201);
  expect(response.body.length).toBe(0);
});
