import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClient,
} from "@aws-sdk/client-codepipeline";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { migrateOnEcs } from "./ecs-migration";
import { jobSummary, readJob, type CodePipelineJob } from "./job";
import { migrateOnLambda, MIN_INVOKE_MS } from "./lambda-migration";
import { log } from "./log";
import { failed, type FailureType, type Outcome } from "./outcome";
import { ParameterError, parseUserParameters } from "./parameters";
import {
  describeError,
  errorName,
  keepHead,
  MAX_EXTERNAL_EXECUTION_ID,
  MAX_FAILURE_MESSAGE,
  MAX_SUMMARY,
} from "./text";

/** Time kept back from the function's remaining time to report the result to CodePipeline. */
export const REPORT_RESERVE_MS = 10_000;
/**
 * Time kept back from the function's end when reporting: a report that has not got through by
 * then is given up, so that the invocation fails (and Lambda delivers the event again) instead of
 * being cut off by the timeout.
 */
export const REPORT_MARGIN_MS = 500;
/** Between two DescribeTasks of a running migration task. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000;

export interface MigratorDeps {
  readonly lambda: LambdaClient;
  readonly ecs: ECSClient;
  /** Reads the end of an ECS migration task's log for the job's message. */
  readonly logs: CloudWatchLogsClient;
  readonly codepipeline: CodePipelineClient;
  readonly pollIntervalMs: number;
  /** @default REPORT_RESERVE_MS */
  readonly reportReserveMs?: number;
  /** A configuration problem found at init, reported as every job's failure. @default - none */
  readonly configError?: string;
}

/** The part of the Lambda context the migrator uses. */
export interface MigratorContext {
  getRemainingTimeInMillis(): number;
}

/** What the handler returns (CodePipeline ignores it; it is for logs and direct invokes). */
export interface JobReport {
  readonly jobId: string;
  readonly result: Outcome["result"];
  readonly failureType?: FailureType;
  readonly continuationToken?: string;
  /** False when CodePipeline had already closed the job (a re-delivered event). */
  readonly reported: boolean;
}

/**
 * Runs one CodePipeline job: reads the event, migrates, reports the outcome. Every job that can
 * be identified is reported, failures included; the call throws only when the event is not a job
 * (nothing to report to) or when CodePipeline could not be told (Lambda then retries the event,
 * which is safe: see README, "Running twice").
 */
export async function runJob(
  event: unknown,
  context: MigratorContext,
  deps: MigratorDeps,
): Promise<JobReport> {
  let job: CodePipelineJob;
  try {
    job = readJob(event);
  } catch (error) {
    log("error", "job", { error: describeError(error) });
    throw error;
  }
  const remainingMs = context.getRemainingTimeInMillis();
  const endsAt = Date.now() + remainingMs;
  const reserveMs = deps.reportReserveMs ?? REPORT_RESERVE_MS;
  log("info", "job", { ...jobSummary(event, job), remainingMs });
  const outcome = await migrate(
    job,
    Date.now() + remainingMs - reserveMs,
    remainingMs,
    reserveMs,
    deps,
  );
  return report(job, outcome, deps.codepipeline, endsAt - REPORT_MARGIN_MS);
}

async function migrate(
  job: CodePipelineJob,
  deadlineAt: number,
  remainingMs: number,
  reserveMs: number,
  deps: MigratorDeps,
): Promise<Outcome> {
  if (deps.configError) return failed("ConfigurationError", deps.configError);
  try {
    const target = parseUserParameters(job.userParameters);
    log("info", "target", { ...target });
    if (remainingMs < reserveMs + MIN_INVOKE_MS) {
      return failed(
        "ConfigurationError",
        `The migrator started with ${Math.round(remainingMs)} ms before its timeout, less than the ` +
          `${reserveMs + MIN_INVOKE_MS} ms it needs (it keeps ${reserveMs} ms to report): raise its timeout ` +
          `(60 to 900 s).`,
      );
    }
    if (target.kind === "lambda") {
      if (job.continuationToken !== undefined) {
        return failed(
          "ConfigurationError",
          `The job carries a continuation token, which the migrator never issues for kind "lambda": ` +
            `was the action's UserParameters changed while it ran? Run the stage again.`,
        );
      }
      return await migrateOnLambda(deps.lambda, target, deadlineAt);
    }
    return await migrateOnEcs({
      client: deps.ecs,
      logs: deps.logs,
      target,
      jobId: job.id,
      continuationToken: job.continuationToken,
      deadlineAt,
      pollIntervalMs: deps.pollIntervalMs,
    });
  } catch (error) {
    if (error instanceof ParameterError) return failed("ConfigurationError", error.message);
    log("error", "internal", { error: describeError(error) });
    return failed("JobFailed", `The migrator failed unexpectedly: ${describeError(error)}`);
  }
}

// CodePipeline's answers when the job is already closed: reported before (a re-delivered event,
// or a retry whose first attempt got through), or timed out. Reporting again cannot help.
const JOB_CLOSED = new Set(["InvalidJobStateException", "JobNotFoundException"]);

/** Reports the outcome; gives up at `giveUpAt` (epoch ms), shortly before the function's end. */
async function report(
  job: CodePipelineJob,
  outcome: Outcome,
  client: CodePipelineClient,
  giveUpAt: number,
): Promise<JobReport> {
  const externalExecutionId = outcome.externalExecutionId
    ? keepHead(outcome.externalExecutionId, MAX_EXTERNAL_EXECUTION_ID)
    : undefined;
  const jobReport: JobReport = {
    jobId: job.id,
    result: outcome.result,
    ...(outcome.result === "failed" ? { failureType: outcome.failureType } : {}),
    ...(outcome.result === "in-progress" ? { continuationToken: outcome.continuationToken } : {}),
    reported: true,
  };
  const options = { abortSignal: AbortSignal.timeout(Math.max(giveUpAt - Date.now(), 1)) };
  try {
    if (outcome.result === "failed") {
      await client.send(
        new PutJobFailureResultCommand({
          jobId: job.id,
          failureDetails: {
            type: outcome.failureType,
            message: keepHead(outcome.message, MAX_FAILURE_MESSAGE),
            ...(externalExecutionId ? { externalExecutionId } : {}),
          },
        }),
        options,
      );
    } else {
      await client.send(
        new PutJobSuccessResultCommand({
          jobId: job.id,
          ...(outcome.result === "in-progress"
            ? { continuationToken: outcome.continuationToken }
            : {}),
          executionDetails: {
            summary: keepHead(outcome.summary, MAX_SUMMARY),
            ...(externalExecutionId ? { externalExecutionId } : {}),
            ...(outcome.result === "succeeded" ? { percentComplete: 100 } : {}),
          },
        }),
        options,
      );
    }
  } catch (error) {
    if (JOB_CLOSED.has(errorName(error))) {
      log("warn", "reported", { ...jobReport, reported: false, error: describeError(error) });
      return { ...jobReport, reported: false };
    }
    log("error", "report", { jobId: job.id, result: outcome.result, error: describeError(error) });
    throw new Error(
      `could not report job ${job.id} (${outcome.result}) to CodePipeline: ${describeError(error)}`,
    );
  }
  log(outcome.result === "failed" ? "warn" : "info", "reported", {
    ...jobReport,
    ...(outcome.result === "failed" ? { message: outcome.message } : { summary: outcome.summary }),
  });
  return jobReport;
}
