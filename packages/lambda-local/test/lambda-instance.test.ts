import { HTTP_INTEGRATION_CONTENT_TYPE } from "../src/awslambda-stand-in";
import { startLambdaInstance, type LambdaInstance } from "../src/lambda-instance";
import { writeTestFunctions, type TestFunctions } from "./support/test-functions";

let functions: TestFunctions;
const started: LambdaInstance[] = [];

async function start(handler: string, options: Record<string, unknown> = {}) {
  const instance = await startLambdaInstance({ taskRoot: functions.taskRoot, handler, ...options });
  started.push(instance);
  return instance;
}

beforeAll(() => {
  functions = writeTestFunctions();
});

afterAll(async () => {
  await Promise.all(started.map((instance) => instance.stop()));
  functions.remove();
});

describe("a streaming handler", () => {
  it("returns the raw stream, which http() reads as the Function URL does", async () => {
    const instance = await start("stream.handler");
    const raw = await instance.invoke({ rawPath: "/a" });
    expect(raw).toMatchObject({ type: "stream", contentType: HTTP_INTEGRATION_CONTENT_TYPE });

    const answer = await instance.http({ rawPath: "/b" });
    expect(answer.statusCode).toBe(201);
    expect(answer.headers).toEqual({ "content-type": "application/json", "x-handler": "stream" });
    expect(answer.cookies).toEqual([
      "a=1; Path=/",
      "b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/",
    ]);
    expect(JSON.parse(answer.text).event).toEqual({ rawPath: "/b" });
  });

  it("runs in the task root with Lambda's variables and the function's, nothing inherited", async () => {
    process.env["LEAK_CHECK"] = "from the test process";
    const instance = await start("stream.handler", {
      env: { APP_SETTING: "on" },
      functionName: "shop-web",
      memoryMiB: 1536,
      timeoutSec: 10,
    });
    delete process.env["LEAK_CHECK"];
    const seen = JSON.parse((await instance.http({})).text);
    expect(seen.cwd).toBe(functions.taskRoot);
    expect(seen.pid).toBe(instance.pid);
    expect(seen.remainingMs).toBeGreaterThan(9000);
    expect(seen.remainingMs).toBeLessThanOrEqual(10000);
    expect(seen.env).toEqual({
      APP_SETTING: "on",
      LANG: "en_US.UTF-8",
      TZ: "UTC",
      LAMBDA_TASK_ROOT: functions.taskRoot,
      _HANDLER: "stream.handler",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_LAMBDA_FUNCTION_NAME: "shop-web",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1536",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/shop-web",
      AWS_LAMBDA_LOG_STREAM_NAME: "local",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "eu-west-1",
      NODE_PATH: functions.taskRoot,
    });
  });
});

describe("a buffered handler", () => {
  let instance: LambdaInstance;
  beforeAll(async () => {
    instance = await start("buffered.handler");
  });

  it("returns its result; http() reads the v2 result, base64 body and cookies", async () => {
    const raw = await instance.invoke({});
    expect(raw).toMatchObject({ type: "buffered", result: { statusCode: 202 } });
    const answer = await instance.http({});
    expect(answer).toMatchObject({
      statusCode: 202,
      headers: { "content-type": "text/plain" },
      cookies: ["c=3"],
      text: `bytes ${instance.pid}`,
      isBase64Encoded: true,
    });
  });

  it("answers a result without statusCode as a 200 of its JSON, as a Function URL does", async () => {
    const answer = await instance.http({ plain: true });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(answer.text)).toEqual({ hello: "world" });
  });

  it("runs one invocation at a time; the others wait their turn", async () => {
    const started = Date.now();
    const results = await Promise.all([1, 2, 3].map(() => instance.invoke({ sleepMs: 150 })));
    expect(Date.now() - started).toBeGreaterThanOrEqual(440);
    for (const result of results) {
      expect(result).toMatchObject({ type: "buffered", result: { maxActive: 1 } });
    }
    expect(instance.busy()).toBe(false);
  });

  it("reports a function error with its type; http() makes it a 502", async () => {
    expect(await instance.invoke({ fail: true })).toEqual({
      type: "error",
      errorType: "CustomError",
      errorMessage: "it went wrong",
    });
    const answer = await instance.http({ fail: true });
    expect(answer.statusCode).toBe(502);
    expect(answer.text).not.toContain("it went wrong");
    expect(answer.functionError).toEqual({
      errorType: "CustomError",
      errorMessage: "it went wrong",
    });
  });

  it("counts the Node HTTP responses its code ended", async () => {
    const before = await instance.nodeResponses();
    await instance.invoke({ nodeResponse: true });
    await instance.invoke({});
    expect(await instance.nodeResponses()).toBe(before + 1);
  });
});

it("supports callback handlers", async () => {
  const instance = await start("callback.handler");
  expect((await instance.http({ n: 7 })).text).toBe("called back 7");
});

it("answers Runtime.ExitError when the instance dies during an invocation, and after", async () => {
  const instance = await start("buffered.handler");
  const dying = await instance.invoke({ exit: true });
  expect(dying).toEqual({
    type: "error",
    errorType: "Runtime.ExitError",
    errorMessage: "Runtime exited with exit status 3",
  });
  expect(await instance.invoke({})).toMatchObject({
    type: "error",
    errorType: "Runtime.ExitError",
  });
});

describe("init", () => {
  it("fails with the init error, its type and the instance's output", async () => {
    const failure = await start("broken.handler").catch((error: Error) => error);
    expect((failure as Error).message).toBe(
      "init failed: cannot start: no config (TypeError)\nstarting",
    );
  });

  it("names a handler the module does not export", async () => {
    await expect(start("buffered.missing")).rejects.toThrow(
      "init failed: buffered.missing is undefined or not exported (Runtime.HandlerNotFound)",
    );
  });

  it("names a module the task root does not hold", async () => {
    await expect(start("nowhere.handler")).rejects.toThrow(
      "init failed: Cannot find module 'nowhere' (Runtime.ImportModuleError)",
    );
  });

  it("finds modules the runtime provides only through nodePath", async () => {
    await expect(start("needs-runtime.handler")).resolves.toBeDefined();
    const without = await started.at(-1)!.invoke({});
    expect(without).toMatchObject({
      type: "error",
      errorMessage: /Cannot find module 'runtime-only'/,
    });

    const instance = await start("needs-runtime.handler", { nodePath: [functions.runtimeModules] });
    expect((await instance.http({})).text).toBe("from the runtime");
  });
});
