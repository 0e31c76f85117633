import type { WarmTarget } from "./config";
import type { InvokeOutcome } from "./outcome";

/** The result of warming one target: returned by the handler and logged as one JSON line. */
export interface TargetReport {
  readonly functionName: string;
  readonly qualifier?: string;
  /** Invokes sent (the target's count). */
  readonly requested: number;
  /** Distinct instance ids that answered: the number of warm instances. */
  readonly reached: number;
  /** Answers from instances that the warm invoke itself started. */
  readonly coldStarts: number;
  readonly errors: {
    readonly count: number;
    /** The first few distinct reasons, never a payload. */
    readonly messages: readonly string[];
  };
  readonly durationMs: number;
}

export const MAX_ERROR_MESSAGES = 3;

export function summariseTarget(
  target: WarmTarget,
  outcomes: readonly InvokeOutcome[],
  durationMs: number,
): TargetReport {
  const instanceIds = new Set<string>();
  let coldStarts = 0;
  let errorCount = 0;
  const messages: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      instanceIds.add(outcome.instanceId);
      if (outcome.coldStart) coldStarts += 1;
    } else {
      errorCount += 1;
      if (messages.length < MAX_ERROR_MESSAGES && !messages.includes(outcome.reason)) {
        messages.push(outcome.reason);
      }
    }
  }
  return {
    functionName: target.functionName,
    ...(target.qualifier !== undefined ? { qualifier: target.qualifier } : {}),
    requested: target.count,
    reached: instanceIds.size,
    coldStarts,
    errors: { count: errorCount, messages },
    durationMs: Math.round(durationMs),
  };
}

/**
 * One JSON line per target. `warn` when fewer instances answered than were asked for, so that a
 * metric filter or alarm can pick it up.
 */
export function logTargetReport(report: TargetReport): void {
  const level = report.reached < report.requested ? "warn" : "info";
  console.log(JSON.stringify({ level, message: "warmed", ...report }));
}
