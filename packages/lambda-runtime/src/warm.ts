import { randomUUID } from "node:crypto";

/**
 * The warm protocol between the warmer (packages/lambdas/warmer) and every server function (this
 * module for Node, zonke_runtime.warm for Python). The warmer invokes a function N times at once
 * with `{"zonke": "warm", "delayMs": D}`; each instance holds its answer for D ms so that the N
 * invokes cannot be served one after another by the same instance, then answers with the id it
 * keeps for its whole life. N distinct ids mean N warm instances.
 */
export interface WarmEvent {
  readonly zonke: "warm";
  /** How long to hold the answer. @default 0 */
  readonly delayMs?: number;
}

export interface WarmAnswer {
  readonly zonke: "warm";
  readonly instanceId: string;
  /** True when this warm event was the instance's first invocation (it was started by it). */
  readonly coldStart: boolean;
}

/** A longer hold only bills idle time: 1 s already spreads 50 parallel invokes. */
export const MAX_WARM_DELAY_MS = 5000;

const instanceId = randomUUID();
let invocations = 0;

/** This execution environment's id, the same for its whole life. */
export function currentInstanceId(): string {
  return instanceId;
}

/**
 * Counts an invocation of this instance; returns true for its first one. Servers call it for every
 * request so that a warm event after real traffic does not claim a cold start.
 */
export function countInvocation(): boolean {
  invocations += 1;
  return invocations === 1;
}

export function isWarmEvent(event: unknown): event is WarmEvent {
  return (
    typeof event === "object" && event !== null && (event as { zonke?: unknown }).zonke === "warm"
  );
}

/** Holds for the requested delay (clamped to 0..MAX_WARM_DELAY_MS), then answers. */
export async function answerWarm(event: WarmEvent): Promise<WarmAnswer> {
  const coldStart = countInvocation();
  const requested = Number(event.delayMs ?? 0);
  const delayMs = Number.isFinite(requested)
    ? Math.min(Math.max(requested, 0), MAX_WARM_DELAY_MS)
    : 0;
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  return { zonke: "warm", instanceId, coldStart };
}
