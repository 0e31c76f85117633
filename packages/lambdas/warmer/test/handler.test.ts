// The Lambda entry as the runtime loads it: config from the environment at init, the SDK's
// endpoint from AWS_ENDPOINT_URL_LAMBDA (pointed at the fake API), the event deciding the targets.
import type { ScheduledEvent } from "aws-lambda";
import { answer, startFakeLambdaApi, type FakeLambdaApi } from "./support/fake-lambda-api";

type HandlerModule = typeof import("../src/handler");

let api: FakeLambdaApi;
let nextId = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  api = await startFakeLambdaApi((request) =>
    answer({ zonke: "warm", instanceId: `${request.functionName}-${++nextId}`, coldStart: true }),
  );
});
afterAll(() => api.close());
afterEach(() => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

/** Loads src/handler.ts afresh with this environment, capturing what it logs. */
function loadHandler(env: Record<string, string>): { module: HandlerModule; logs: unknown[] } {
  process.env = {
    ...savedEnv,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-secret",
    AWS_ENDPOINT_URL_LAMBDA: api.endpoint,
    ...env,
  };
  const logs: unknown[] = [];
  jest.spyOn(console, "log").mockImplementation((line: unknown) => {
    logs.push(JSON.parse(String(line)));
  });
  let module: HandlerModule | undefined;
  jest.isolateModules(() => {
    // A fresh module registry per environment: the handler reads its config at import, as at init.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require("../src/handler");
  });
  return { module: module as HandlerModule, logs };
}

const scheduled: Partial<ScheduledEvent> = {
  "detail-type": "Scheduled Event",
  source: "aws.events",
  detail: {},
};

test("a bad config fails the init with the variable's message", () => {
  expect(() => loadHandler({ WARMER_TARGETS: '[{"functionName":"web","count":0}]' })).toThrow(
    "WARMER_TARGETS[0].count is 0: use a whole number from 1 to 50",
  );
  expect(() => loadHandler({})).toThrow(/^WARMER_TARGETS is not set/);
});

test("the scheduled event warms the configured targets and returns the reports", async () => {
  const { module, logs } = loadHandler({
    WARMER_TARGETS: '[{"functionName":"web","count":3},{"functionName":"api","count":1}]',
    WARMER_DELAY_MS: "20",
  });
  const before = api.requests.length;
  const result = await module.handler(scheduled);
  expect(api.requests.length - before).toBe(4);
  expect(result.delayMs).toBe(20);
  expect(result.targets.map((t) => [t.functionName, t.requested, t.reached])).toEqual([
    ["web", 3, 3],
    ["api", 1, 1],
  ]);
  expect(logs).toEqual([
    expect.objectContaining({ level: "info", message: "warmed", functionName: expect.any(String) }),
    expect.objectContaining({ level: "info", message: "warmed", functionName: expect.any(String) }),
  ]);
  expect(api.requests.at(-1)?.payload).toBe('{"zonke":"warm","delayMs":20}');
});

test("{} warms the configured targets; {targets} overrides them; a bad event is refused", async () => {
  const { module } = loadHandler({ WARMER_TARGETS: '[{"functionName":"web","count":2}]' });
  expect((await module.handler({})).targets[0]).toMatchObject({ functionName: "web", reached: 2 });
  const manual = await module.handler({ targets: [{ functionName: "admin", count: 1 }] });
  expect(manual.targets.map((t) => t.functionName)).toEqual(["admin"]);
  expect(manual.delayMs).toBe(1000);
  await expect(module.handler({ targets: [{ functionName: "admin" }] })).rejects.toThrow(
    /^event\.targets\[0\]\.count is undefined/,
  );
});

test("a zero delay with count > 1 warns at init", () => {
  const { logs } = loadHandler({
    WARMER_TARGETS: '[{"functionName":"web","count":2}]',
    WARMER_DELAY_MS: "0",
  });
  expect(logs).toEqual([
    expect.objectContaining({
      level: "warn",
      message: expect.stringMatching(/^WARMER_DELAY_MS is 0/),
    }),
  ]);
});
