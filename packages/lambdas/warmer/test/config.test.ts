import fc from "fast-check";
import {
  DEFAULT_DELAY_MS,
  MAX_COUNT,
  readWarmerConfig,
  WarmerConfigError,
  type WarmTarget,
} from "../src/config";

const targets = (value: unknown) => ({ WARMER_TARGETS: JSON.stringify(value) });

test("reads targets and the delay", () => {
  const config = readWarmerConfig({
    WARMER_TARGETS:
      '[{"functionName":"shop-prod-server","qualifier":"live","count":5},{"functionName":"arn:aws:lambda:eu-west-1:123456789012:function:api","count":1}]',
    WARMER_DELAY_MS: "250",
  });
  expect(config).toEqual({
    delayMs: 250,
    targets: [
      { functionName: "shop-prod-server", qualifier: "live", count: 5 },
      { functionName: "arn:aws:lambda:eu-west-1:123456789012:function:api", count: 1 },
    ],
  });
});

test("the delay defaults to 1000 ms; 0 and 5000 are allowed", () => {
  const base = targets([{ functionName: "web", count: 1 }]);
  expect(readWarmerConfig(base).delayMs).toBe(DEFAULT_DELAY_MS);
  expect(readWarmerConfig({ ...base, WARMER_DELAY_MS: "0" }).delayMs).toBe(0);
  expect(readWarmerConfig({ ...base, WARMER_DELAY_MS: "5000" }).delayMs).toBe(5000);
});

// Each message names the variable (and entry), shows the bad value and says what is allowed.
test.each([
  ["unset", {}, /^WARMER_TARGETS is not set: set it to a JSON array of .*"count": 1\.\.50/],
  ["empty", { WARMER_TARGETS: " " }, /^WARMER_TARGETS is empty/],
  [
    "not JSON",
    { WARMER_TARGETS: "[{functionName: web}]" },
    /^WARMER_TARGETS is not valid JSON \(.*\): \[\{functionName: web\}\]$/,
  ],
  [
    "not an array",
    targets({ functionName: "web", count: 1 }),
    /^WARMER_TARGETS must be a non-empty JSON array of targets; got \{"functionName":"web","count":1\}$/,
  ],
  [
    "an empty array",
    targets([]),
    /^WARMER_TARGETS must be a non-empty JSON array of targets; got \[\]$/,
  ],
  [
    "an entry that is not an object",
    targets(["web"]),
    /^WARMER_TARGETS\[0\] is "web": each target is an object/,
  ],
  [
    "a missing functionName",
    targets([{ count: 1 }]),
    /^WARMER_TARGETS\[0\]\.functionName is undefined: use a Lambda function name or ARN/,
  ],
  [
    "a functionName with a space",
    targets([{ functionName: "my fn", count: 1 }]),
    /^WARMER_TARGETS\[0\]\.functionName is "my fn": use a Lambda function name or ARN/,
  ],
  [
    "a count of 0",
    targets([{ functionName: "web", count: 0 }]),
    /^WARMER_TARGETS\[0\]\.count is 0: use a whole number from 1 to 50$/,
  ],
  [
    "a count of 51",
    targets([{ functionName: "web", count: 51 }]),
    /^WARMER_TARGETS\[0\]\.count is 51: use a whole number from 1 to 50$/,
  ],
  [
    "a fractional count",
    targets([{ functionName: "web", count: 2.5 }]),
    /\.count is 2\.5: use a whole number/,
  ],
  [
    "a count as a string",
    targets([{ functionName: "web", count: "3" }]),
    /\.count is "3": use a whole number/,
  ],
  [
    "a bad qualifier",
    targets([{ functionName: "web", qualifier: "v 1", count: 1 }]),
    /^WARMER_TARGETS\[0\]\.qualifier is "v 1": use a version number, an alias name or "\$LATEST"/,
  ],
  [
    "a typo in a key",
    targets([{ functionName: "web", count: 1, qualifer: "live" }]),
    /^WARMER_TARGETS\[0\] has unknown key\(s\) "qualifer": the allowed keys are/,
  ],
  [
    "the same target twice",
    targets([
      { functionName: "web", count: 1 },
      { functionName: "web", count: 2 },
    ]),
    /^WARMER_TARGETS\[1\] repeats web: list each function and qualifier once/,
  ],
  [
    "more than 500 invokes in all",
    targets(Array.from({ length: 11 }, (_, i) => ({ functionName: `f${i}`, count: 50 }))),
    /^WARMER_TARGETS asks for 550 instances in total; one run sends at most 500/,
  ],
  [
    "a delay that is not a number",
    { ...targets([{ functionName: "web", count: 1 }]), WARMER_DELAY_MS: "1s" },
    /^WARMER_DELAY_MS is "1s": use a whole number of milliseconds from 0 to 5000 \(default 1000\)$/,
  ],
  [
    "a negative delay",
    { ...targets([{ functionName: "web", count: 1 }]), WARMER_DELAY_MS: "-1" },
    /^WARMER_DELAY_MS is "-1":/,
  ],
  [
    "a delay above 5000",
    { ...targets([{ functionName: "web", count: 1 }]), WARMER_DELAY_MS: "5001" },
    /^WARMER_DELAY_MS is "5001":/,
  ],
  [
    "an empty delay",
    { ...targets([{ functionName: "web", count: 1 }]), WARMER_DELAY_MS: "" },
    /^WARMER_DELAY_MS is "":/,
  ],
])("refuses %s", (_name, env, message) => {
  expect(() => readWarmerConfig(env)).toThrow(WarmerConfigError);
  expect(() => readWarmerConfig(env)).toThrow(message);
});

test("the same function under two qualifiers is two targets", () => {
  const config = readWarmerConfig(
    targets([
      { functionName: "web", qualifier: "blue", count: 1 },
      { functionName: "web", qualifier: "green", count: 1 },
    ]),
  );
  expect(config.targets).toHaveLength(2);
});

test("a long bad value is shortened in the message", () => {
  const env = { WARMER_TARGETS: `not json ${"x".repeat(1000)}` };
  expect(() => readWarmerConfig(env)).toThrow(/x{100}\.\.\.$/);
});

const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);
const target: fc.Arbitrary<WarmTarget> = fc.record(
  {
    functionName: name,
    qualifier: fc.oneof(fc.constant("$LATEST"), fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/)),
    count: fc.integer({ min: 1, max: MAX_COUNT }),
  },
  { requiredKeys: ["functionName", "count"] },
);

test("property: any valid target list reads back unchanged", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(target, {
        minLength: 1,
        maxLength: 8,
        selector: (t) => `${t.functionName}:${t.qualifier ?? ""}`,
      }),
      fc.integer({ min: 0, max: 5000 }),
      (list, delayMs) => {
        const config = readWarmerConfig({
          WARMER_TARGETS: JSON.stringify(list),
          WARMER_DELAY_MS: String(delayMs),
        });
        expect(config).toEqual({ targets: list, delayMs });
      },
    ),
  );
});

test("property: any count outside 1..50 or not whole is refused, naming the entry", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ max: 0 }),
        fc.integer({ min: MAX_COUNT + 1 }),
        fc.double({ noInteger: true }),
        fc.string(),
        fc.boolean(),
        fc.constant(null),
      ),
      (count) => {
        expect(() => readWarmerConfig(targets([{ functionName: "web", count }]))).toThrow(
          /^WARMER_TARGETS\[0\]\.count is .*: use a whole number from 1 to 50$/,
        );
      },
    ),
  );
});
