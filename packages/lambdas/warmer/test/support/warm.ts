import type { WarmTarget } from "../../src/config";
import { createWarmerLambdaClient } from "../../src/lambda-client";
import { warmTargets, type WarmRunReport } from "../../src/warm";
import { fakeClientConfig } from "./fake-lambda-api";

export interface WarmRun extends WarmRunReport {
  /** The JSON lines the run logged. */
  readonly logs: Record<string, unknown>[];
}

/** One warmer run with the real LambdaClient against a fake API; captures its log lines. */
export async function warmAgainst(
  endpoint: string,
  targets: readonly WarmTarget[],
  { delayMs = 0, initAllowanceMs }: { delayMs?: number; initAllowanceMs?: number } = {},
): Promise<WarmRun> {
  const client = createWarmerLambdaClient(
    { delayMs, ...(initAllowanceMs !== undefined ? { initAllowanceMs } : {}) },
    fakeClientConfig(endpoint),
  );
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  try {
    const report = await warmTargets(client, targets, delayMs);
    return { ...report, logs: lines.map((line) => JSON.parse(line)) };
  } finally {
    log.mockRestore();
    client.destroy();
  }
}
