import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { WarmTarget } from "./config";
import { failed, outcomeOfAnswer, reasonForError, type InvokeOutcome } from "./outcome";
import { logTargetReport, summariseTarget, type TargetReport } from "./report";

export interface WarmRunReport {
  readonly delayMs: number;
  readonly targets: readonly TargetReport[];
}

/** Warms every target at once and logs one line per target. Never throws for a failed invoke. */
export async function warmTargets(
  client: LambdaClient,
  targets: readonly WarmTarget[],
  delayMs: number,
): Promise<WarmRunReport> {
  const reports = await Promise.all(
    targets.map(async (target) => {
      const report = await warmTarget(client, target, delayMs);
      logTargetReport(report);
      return report;
    }),
  );
  return { delayMs, targets: reports };
}

/**
 * Sends `count` invokes at once; each instance holds its answer for `delayMs`, so every invoke
 * needs an instance of its own. allSettled: a throttle or error costs one instance, not the run.
 */
export async function warmTarget(
  client: LambdaClient,
  target: WarmTarget,
  delayMs: number,
): Promise<TargetReport> {
  const started = performance.now();
  const payload = new TextEncoder().encode(JSON.stringify({ zonke: "warm", delayMs }));
  const settled = await Promise.allSettled(
    Array.from({ length: target.count }, () =>
      client.send(
        new InvokeCommand({
          FunctionName: target.functionName,
          Qualifier: target.qualifier,
          InvocationType: "RequestResponse",
          Payload: payload,
        }),
      ),
    ),
  );
  const outcomes: InvokeOutcome[] = settled.map((result) =>
    result.status === "fulfilled"
      ? outcomeOfAnswer(result.value)
      : failed(reasonForError(result.reason)),
  );
  return summariseTarget(target, outcomes, performance.now() - started);
}
