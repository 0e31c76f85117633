// Properties of the counting: over any mix of answers, reached is the number of distinct ids that
// answered, and every other answer is an error. Checked through the real SDK and the fake API
// (answers, function errors, garbage bytes, throttles) and on the summary alone.
import fc from "fast-check";
import { outcomeOfAnswer, type InvokeOutcome } from "../src/outcome";
import { MAX_ERROR_MESSAGES, summariseTarget } from "../src/report";
import {
  answer,
  startFakeLambdaApi,
  throttled,
  type FakeLambdaApi,
  type InvocationResult,
} from "./support/fake-lambda-api";
import { warmAgainst } from "./support/warm";

type Scripted =
  | { kind: "warm"; instanceId: string; coldStart: boolean }
  | { kind: "functionError"; errorType: string }
  | { kind: "garbage"; bytes: string }
  | { kind: "throttle" };

const instanceId = fc.constantFrom("i-1", "i-2", "i-3", "i-4");
const scripted: fc.Arbitrary<Scripted> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("warm" as const),
      instanceId,
      coldStart: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("functionError" as const),
      errorType: fc.constantFrom("Error", "Runtime.ExitError", "Sandbox.Timedout"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("garbage" as const),
      bytes: fc.string({ maxLength: 30 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "throttle" as const }) },
);

function toResult(item: Scripted): InvocationResult {
  switch (item.kind) {
    case "warm":
      return answer({ zonke: "warm", instanceId: item.instanceId, coldStart: item.coldStart });
    case "functionError":
      return answer({ errorType: item.errorType, errorMessage: "secret-in-message" }, "Unhandled");
    case "garbage":
      return answer(`\u0000${item.bytes}`); // never valid JSON
    case "throttle":
      return throttled();
  }
}

let api: FakeLambdaApi;
let script: Scripted[] = [];
let next = 0;

beforeAll(async () => {
  api = await startFakeLambdaApi(() => toResult(script[next++] as Scripted));
});
afterAll(() => api.close());

test("property: through the SDK, reached = distinct ids among warm answers; the rest are errors", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(scripted, { minLength: 1, maxLength: 12 }), async (items) => {
      script = items;
      next = 0;
      const run = await warmAgainst(api.endpoint, [{ functionName: "web", count: items.length }]);
      const warm = items.filter((item) => item.kind === "warm");
      const report = run.targets[0];
      expect(report?.requested).toBe(items.length);
      expect(report?.reached).toBe(new Set(warm.map((item) => item.instanceId)).size);
      expect(report?.coldStarts).toBe(warm.filter((item) => item.coldStart).length);
      expect(report?.errors.count).toBe(items.length - warm.length);
      expect(report?.errors.messages.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGES);
      expect(JSON.stringify(report)).not.toContain("secret-in-message");
    }),
    { numRuns: 40 },
  );
});

const outcome: fc.Arbitrary<InvokeOutcome> = fc.oneof(
  fc.record({
    ok: fc.constant(true as const),
    instanceId: fc.string({ minLength: 1, maxLength: 3 }),
    coldStart: fc.boolean(),
  }),
  fc.record({ ok: fc.constant(false as const), reason: fc.constantFrom("a", "b", "c", "d", "e") }),
);

test("property: the summary counts distinct ids and keeps the first distinct reasons", () => {
  fc.assert(
    fc.property(fc.array(outcome, { maxLength: 60 }), (outcomes) => {
      const report = summariseTarget(
        { functionName: "web", count: outcomes.length },
        outcomes,
        12.4,
      );
      const ok = outcomes.filter((o) => o.ok);
      const reasons = outcomes.flatMap((o) => (o.ok ? [] : [o.reason]));
      expect(report.reached).toBe(new Set(ok.map((o) => o.instanceId)).size);
      expect(report.reached).toBeLessThanOrEqual(report.requested);
      expect(report.coldStarts).toBe(ok.filter((o) => o.coldStart).length);
      expect(report.errors.count).toBe(reasons.length);
      expect(report.errors.messages).toEqual([...new Set(reasons)].slice(0, MAX_ERROR_MESSAGES));
      expect(report.durationMs).toBe(12);
    }),
  );
});

test("property: any payload bytes give an outcome with a short reason, never an exception", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.option(fc.constantFrom("Unhandled", "Handled"), { nil: undefined }),
      (payload, functionError) => {
        const result = outcomeOfAnswer({ Payload: payload, FunctionError: functionError });
        if (functionError) expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason.length).toBeLessThan(200);
      },
    ),
  );
});
