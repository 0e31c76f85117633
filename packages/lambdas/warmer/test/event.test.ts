import type { ScheduledEvent } from "aws-lambda";
import { WarmerConfigError } from "../src/config";
import { targetsForEvent } from "../src/event";

const configured = [{ functionName: "web", count: 3 }];

const scheduled: ScheduledEvent = {
  version: "0",
  id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "123456789012",
  time: "2026-01-01T00:05:00Z",
  region: "eu-west-1",
  resources: ["arn:aws:events:eu-west-1:123456789012:rule/shop-prod-warmer"],
  detail: {},
};

test("the schedule's event and the post-deploy {} warm the configured targets", () => {
  expect(targetsForEvent(scheduled, configured)).toBe(configured);
  expect(targetsForEvent({}, configured)).toBe(configured);
  expect(targetsForEvent(undefined, configured)).toBe(configured);
});

test("a direct invoke may name other targets, checked like WARMER_TARGETS", () => {
  expect(targetsForEvent({ targets: [{ functionName: "api", count: 2 }] }, configured)).toEqual([
    { functionName: "api", count: 2 },
  ]);
  expect(() =>
    targetsForEvent({ targets: [{ functionName: "api", count: 99 }] }, configured),
  ).toThrow(/^event\.targets\[0\]\.count is 99: use a whole number from 1 to 50$/);
  expect(() => targetsForEvent({ targets: [] }, configured)).toThrow(
    /^event\.targets must be a non-empty JSON array/,
  );
});

test("anything else is refused rather than quietly warming the default set", () => {
  expect(() => targetsForEvent({ target: [] }, configured)).toThrow(WarmerConfigError);
  expect(() => targetsForEvent({ target: [] }, configured)).toThrow(
    /^the event has key\(s\) "target": send \{\} or \{"targets": \[\.\.\.\]\}/,
  );
  expect(() => targetsForEvent("warm", configured)).toThrow(/^the event is "warm"/);
  expect(() => targetsForEvent({ ...scheduled, source: "custom" }, configured)).toThrow(
    /^the event has key\(s\)/,
  );
});
