import { startLambdaPool, type LambdaPool } from "../src/lambda-pool";
import { writeTestFunctions, type TestFunctions } from "./support/test-functions";

let functions: TestFunctions;
let pool: LambdaPool;

beforeAll(async () => {
  functions = writeTestFunctions();
  pool = await startLambdaPool({
    taskRoot: functions.taskRoot,
    handler: "buffered.handler",
    instances: 3,
  });
});

afterAll(async () => {
  await pool?.stop();
  functions.remove();
});

it("starts distinct instances", () => {
  expect(new Set(pool.instances.map((instance) => instance.pid)).size).toBe(3);
});

it("sends concurrent invocations to idle instances, and queues the rest", async () => {
  const started = Date.now();
  const results = await Promise.all([1, 2, 3, 4].map(() => pool.invoke({ sleepMs: 200 })));
  const elapsed = Date.now() - started;
  // Three run side by side; the fourth waits for the first instance to free up.
  expect(elapsed).toBeGreaterThanOrEqual(390);
  expect(elapsed).toBeLessThan(780);
  const pids = results.map((r) => (r.type === "buffered" ? (r.result as { pid: number }).pid : 0));
  expect(new Set(pids).size).toBe(3);
});

it("reads answers as a Function URL does", async () => {
  const answer = await pool.http({});
  expect(answer.statusCode).toBe(202);
  expect(answer.text).toMatch(/^bytes \d+$/);
});

it("refuses a pool of no instances", async () => {
  await expect(
    startLambdaPool({ taskRoot: functions.taskRoot, handler: "buffered.handler", instances: 0 }),
  ).rejects.toThrow("instances must be a whole number of at least 1, not 0");
});

it("fails with the init error when an instance cannot start", async () => {
  await expect(
    startLambdaPool({ taskRoot: functions.taskRoot, handler: "broken.handler", instances: 2 }),
  ).rejects.toThrow(/init failed: cannot start/);
});
