// The warmer against real local instances: the fake Lambda API routes each invoke to an idle
// instance of a pool of child processes (each answering with @zonke/lambda-runtime), starts a new
// one when all are busy and throttles beyond the concurrency limit, as Lambda does.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { notFound, startFakeLambdaApi, type FakeLambdaApi } from "./support/fake-lambda-api";
import { bundleWarmFunction, FunctionPool } from "./support/function-pool";
import { warmAgainst } from "./support/warm";

const DELAY_MS = 400;

let work: string;
let script: string;
let api: FakeLambdaApi;
const pools = new Map<string, FunctionPool>();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "warmer-instances-"));
  script = await bundleWarmFunction(work);
  api = await startFakeLambdaApi((request) => {
    const pool = pools.get(request.functionName);
    return pool ? pool.invoke(request.payload) : notFound(request.functionName);
  });
});

afterAll(async () => {
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  await api?.close();
  rmSync(work, { recursive: true, force: true });
});

function deploy(functionName: string, concurrencyLimit: number): FunctionPool {
  const pool = new FunctionPool(script, concurrencyLimit);
  pools.set(functionName, pool);
  return pool;
}

describe("a function with room to scale", () => {
  let pool: FunctionPool;
  beforeAll(() => {
    pool = deploy("web", 20);
  });

  test("count=N with a delay reaches N distinct instances, all cold", async () => {
    const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 6 }], {
      delayMs: DELAY_MS,
    });
    expect(run.targets[0]).toMatchObject({
      requested: 6,
      reached: 6,
      coldStarts: 6,
      errors: { count: 0, messages: [] },
    });
    expect(pool.started).toBe(6);
    expect(run.targets[0]?.durationMs).toBeGreaterThanOrEqual(DELAY_MS);
  });

  test("the next run finds the same N warm instances: reached N, no cold start, none started", async () => {
    const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 6 }], {
      delayMs: DELAY_MS,
    });
    expect(run.targets[0]).toMatchObject({ reached: 6, coldStarts: 0, errors: { count: 0 } });
    expect(pool.started).toBe(6);
    expect(pool.size).toBe(6);
  });

  test("a larger count keeps the warm ones and starts only the difference", async () => {
    const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: 8 }], {
      delayMs: DELAY_MS,
    });
    expect(run.targets[0]).toMatchObject({ reached: 8, coldStarts: 2, errors: { count: 0 } });
    expect(pool.started).toBe(8);
  });
});

test("below N concurrency: the excess invokes are throttled and reported, the rest counted", async () => {
  const pool = deploy("tight", 3);
  const run = await warmAgainst(api.endpoint, [{ functionName: "tight", count: 5 }], {
    delayMs: DELAY_MS,
  });
  expect(run.targets[0]).toEqual({
    functionName: "tight",
    requested: 5,
    reached: 3,
    coldStarts: 3,
    errors: { count: 2, messages: ["TooManyRequestsException: Rate Exceeded."] },
    durationMs: expect.any(Number),
  });
  expect(run.logs[0]).toMatchObject({ level: "warn", functionName: "tight", reached: 3 });
  expect(pool.size).toBe(3);
});

test("two functions are warmed in one run, each to its own count", async () => {
  deploy("site-a", 10);
  deploy("site-b", 10);
  const started = Date.now();
  const run = await warmAgainst(
    api.endpoint,
    [
      { functionName: "site-a", count: 4 },
      { functionName: "site-b", count: 2 },
    ],
    { delayMs: DELAY_MS },
  );
  expect(run.targets.map((t) => [t.functionName, t.reached, t.coldStarts])).toEqual([
    ["site-a", 4, 4],
    ["site-b", 2, 2],
  ]);
  // Concurrently: one run takes about one delay, not one per target.
  expect(Date.now() - started).toBeLessThan(2 * DELAY_MS + 1500);
});
