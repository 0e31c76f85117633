/**
 * The Lambda entry (`index.handler` in the zip), run by CodePipeline's Lambda invoke action.
 * Clients are made once, at init, from the function's environment (region, role, and the SDK's
 * `AWS_ENDPOINT_URL_<SERVICE>` endpoints). A bad MIGRATOR_POLL_INTERVAL_MS does not fail the init
 * (the job would then hang until CodePipeline's timeout): every job is reported failed with the
 * message.
 *
 * `@aws-sdk/*` is not bundled: the nodejs22.x runtime provides SDK v3.
 */
import type { Context } from "aws-lambda";
import {
  createMigratorCodePipelineClient,
  createMigratorEcsClient,
  createMigratorLambdaClient,
  createMigratorLogsClient,
} from "./clients";
import { DEFAULT_POLL_INTERVAL_MS, runJob, type JobReport } from "./run";

export const MIN_POLL_INTERVAL_MS = 10;
export const MAX_POLL_INTERVAL_MS = 60_000;

/** MIGRATOR_POLL_INTERVAL_MS, or the message that says what is wrong with it. */
export function readPollInterval(env: NodeJS.ProcessEnv): {
  pollIntervalMs: number;
  error?: string;
} {
  const raw = env["MIGRATOR_POLL_INTERVAL_MS"];
  if (raw === undefined) return { pollIntervalMs: DEFAULT_POLL_INTERVAL_MS };
  const value = Number(raw);
  if (
    raw.trim() === "" ||
    !Number.isInteger(value) ||
    value < MIN_POLL_INTERVAL_MS ||
    value > MAX_POLL_INTERVAL_MS
  ) {
    return {
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
      error:
        `The migrator's MIGRATOR_POLL_INTERVAL_MS is ${JSON.stringify(raw)}: use a whole number of ` +
        `milliseconds from ${MIN_POLL_INTERVAL_MS} to ${MAX_POLL_INTERVAL_MS} (default ${DEFAULT_POLL_INTERVAL_MS}).`,
    };
  }
  return { pollIntervalMs: value };
}

const { pollIntervalMs, error: configError } = readPollInterval(process.env);
const deps = {
  lambda: createMigratorLambdaClient(),
  ecs: createMigratorEcsClient(),
  logs: createMigratorLogsClient(),
  codepipeline: createMigratorCodePipelineClient(),
  pollIntervalMs,
  ...(configError ? { configError } : {}),
};

export async function handler(event: unknown, context: Context): Promise<JobReport> {
  return runJob(event, context, deps);
}
