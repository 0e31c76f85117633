// The warmer's invokes, with the real LambdaClient, against a fake of the Lambda Invoke API.
import {
  answer,
  notFound,
  startFakeLambdaApi,
  throttled,
  type FakeLambdaApi,
  type Invoke,
} from "./support/fake-lambda-api";
import { warmAgainst } from "./support/warm";

const apis: FakeLambdaApi[] = [];

async function fakeApi(invoke: Invoke): Promise<FakeLambdaApi> {
  const api = await startFakeLambdaApi(invoke);
  apis.push(api);
  return api;
}

afterEach(async () => {
  await Promise.all(apis.splice(0).map((api) => api.close()));
});

/** Hands out the given results in arrival order. */
function scripted(results: ReturnType<Invoke>[]): Invoke {
  let next = 0;
  return () => results[next++] ?? answer({ unexpected: "request" });
}

const warm = (instanceId: string, coldStart = false) =>
  answer({ zonke: "warm", instanceId, coldStart });

test("sends count signed RequestResponse invokes with the warm payload, qualifier in the query", async () => {
  let id = 0;
  const api = await fakeApi(() => warm(`i-${++id}`, true));
  const arn = "arn:aws:lambda:eu-west-1:123456789012:function:shop-prod-server";
  const run = await warmAgainst(
    api.endpoint,
    [{ functionName: arn, qualifier: "live", count: 3 }],
    {
      delayMs: 250,
    },
  );
  expect(api.requests).toHaveLength(3);
  for (const request of api.requests) {
    expect(request).toEqual({
      functionName: arn,
      qualifier: "live",
      invocationType: "RequestResponse",
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/eu-west-1\/lambda\/aws4_request, /,
      ),
      payload: '{"zonke":"warm","delayMs":250}',
    });
  }
  expect(run.targets).toEqual([
    {
      functionName: arn,
      qualifier: "live",
      requested: 3,
      reached: 3,
      coldStarts: 3,
      errors: { count: 0, messages: [] },
      durationMs: expect.any(Number),
    },
  ]);
});

test("without a qualifier the invoke has no Qualifier query", async () => {
  const api = await fakeApi(() => warm("only"));
  const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 1 }]);
  expect(api.requests[0]?.qualifier).toBeUndefined();
  expect(run.targets[0]).not.toHaveProperty("qualifier");
});

test("reached counts distinct instance ids, not answers", async () => {
  const api = await fakeApi(
    scripted([warm("a", true), warm("b", true), warm("a"), warm("b"), warm("a")]),
  );
  const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 5 }]);
  expect(run.targets[0]).toMatchObject({ requested: 5, reached: 2, coldStarts: 2 });
  expect(run.targets[0]?.errors.count).toBe(0);
});

test("throttles, function errors and garbage are errors with reasons; the rest still count", async () => {
  const secret = "postgres://admin:hunter2@db";
  const api = await fakeApi(
    scripted([
      warm("a", true),
      throttled(),
      answer({ errorType: "Runtime.ExitError", errorMessage: secret }, "Unhandled"),
      answer(`not json ${secret}`),
      answer({ statusCode: 200, body: secret }),
      warm("b"),
      throttled(),
    ]),
  );
  const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 7 }]);
  const report = run.targets[0];
  expect(report).toMatchObject({ requested: 7, reached: 2, coldStarts: 1 });
  expect(report?.errors.count).toBe(5);
  // Four distinct reasons (two garbage answers of different sizes); the report keeps three.
  const reasons = [
    /^TooManyRequestsException: Rate Exceeded\.$/,
    /^FunctionError Unhandled: Runtime\.ExitError \(the function failed on the warm event\)$/,
    /^not a warm answer \(\d+ bytes\): does the function handle \{"zonke":"warm"\}/,
  ];
  expect(report?.errors.messages).toHaveLength(3);
  for (const message of report?.errors.messages ?? []) {
    expect(reasons.some((reason) => reason.test(message))).toBe(true);
  }
  expect(JSON.stringify(run)).not.toContain("hunter2");
});

test("a throttled invoke is sent once: no SDK retries (they would double-count instances)", async () => {
  const api = await fakeApi(() => throttled());
  const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 4 }]);
  expect(api.requests).toHaveLength(4);
  expect(run.targets[0]).toMatchObject({ reached: 0, errors: { count: 4 } });
  expect(run.logs[0]).toMatchObject({ level: "warn", reached: 0 });
});

test("an unknown function is reported by name, not thrown", async () => {
  const api = await fakeApi((request) => notFound(request.functionName));
  const run = await warmAgainst(api.endpoint, [{ functionName: "gone", count: 2 }]);
  expect(run.targets[0]?.errors).toEqual({
    count: 2,
    messages: [expect.stringMatching(/^ResourceNotFoundException: Function not found: .*gone$/)],
  });
});

test("an invoke that never answers times out after delay + init allowance", async () => {
  const api = await fakeApi(scripted([warm("a"), { kind: "hang" }]));
  const started = Date.now();
  const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 2 }], {
    delayMs: 100,
    initAllowanceMs: 300,
  });
  expect(Date.now() - started).toBeLessThan(3000);
  expect(run.targets[0]).toMatchObject({ reached: 1, errors: { count: 1 } });
  expect(run.targets[0]?.errors.messages[0]).toMatch(/^TimeoutError: .*400 ms/);
});

test("targets are warmed together, every invoke in flight at once (beyond the SDK's 50 sockets)", async () => {
  // Each answer waits until all 80 invokes have arrived (or 3 s): a client that queues some
  // behind the others shows as fewer in flight, however slow the machine.
  let arrived = 0;
  let allArrived: () => void = () => {};
  const barrier = new Promise<void>((resolve) => {
    allArrived = resolve;
    setTimeout(resolve, 3000).unref();
  });
  const api = await fakeApi(async () => {
    const id = ++arrived;
    if (arrived === 80) allArrived();
    await barrier;
    return warm(`i-${id}`, true);
  });
  const run = await warmAgainst(
    api.endpoint,
    [
      { functionName: "web", count: 40 },
      { functionName: "api", count: 40 },
    ],
    { delayMs: 300 },
  );
  expect(api.maxInFlight()).toBe(80);
  expect(run.targets.map((t) => [t.functionName, t.reached])).toEqual([
    ["web", 40],
    ["api", 40],
  ]);
});

test("logs one JSON line per target with the report's fields", async () => {
  const api = await fakeApi((request) =>
    request.functionName === "web" ? warm(`w-${Math.random()}`, true) : throttled(),
  );
  const run = await warmAgainst(
    api.endpoint,
    [
      { functionName: "web", count: 2 },
      { functionName: "api", qualifier: "7", count: 1 },
    ],
    { delayMs: 50 },
  );
  const byName = Object.fromEntries(run.logs.map((line) => [line["functionName"], line]));
  expect(run.logs).toHaveLength(2);
  expect(byName["web"]).toEqual({
    level: "info",
    message: "warmed",
    functionName: "web",
    requested: 2,
    reached: 2,
    coldStarts: 2,
    errors: { count: 0, messages: [] },
    durationMs: expect.any(Number),
  });
  expect(byName["api"]).toEqual({
    level: "warn",
    message: "warmed",
    functionName: "api",
    qualifier: "7",
    requested: 1,
    reached: 0,
    coldStarts: 0,
    errors: { count: 1, messages: ["TooManyRequestsException: Rate Exceeded."] },
    durationMs: expect.any(Number),
  });
  expect(run.targets.map((t) => t.functionName)).toEqual(["web", "api"]);
});
