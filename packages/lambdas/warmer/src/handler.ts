/**
 * The Lambda entry (`index.handler` in the zip). The config is read once, at init: a bad
 * WARMER_TARGETS or WARMER_DELAY_MS fails the initialisation with a message naming the variable,
 * rather than warming nothing every five minutes.
 *
 * `@aws-sdk/*` is not bundled: the nodejs22.x runtime provides SDK v3.
 */
import { readWarmerConfig } from "./config";
import { targetsForEvent } from "./event";
import { createWarmerLambdaClient } from "./lambda-client";
import { warmTargets, type WarmRunReport } from "./warm";

const config = readWarmerConfig(process.env);
const client = createWarmerLambdaClient({ delayMs: config.delayMs });

if (config.delayMs === 0 && config.targets.some((target) => target.count > 1)) {
  console.log(
    JSON.stringify({
      level: "warn",
      message:
        "WARMER_DELAY_MS is 0: parallel invokes may be served one after another by the same instance, so fewer instances stay warm",
    }),
  );
}

export async function handler(event: unknown): Promise<WarmRunReport> {
  return warmTargets(client, targetsForEvent(event, config.targets), config.delayMs);
}
