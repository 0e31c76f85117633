import { createHash } from "node:crypto";

/**
 * The parts of a CodePipeline job event (Lambda invoke action) that the migrator uses. The event
 * also carries `data.artifactCredentials`: temporary credentials for the pipeline's artifact
 * bucket. They are never read, copied or logged here; `jobSummary` says only whether they were
 * present.
 */
export interface CodePipelineJob {
  readonly id: string;
  readonly accountId: string | undefined;
  /** The action's UserParameters string, as configured. */
  readonly userParameters: string | undefined;
  /** Set when CodePipeline calls again after a success result that carried a continuation token. */
  readonly continuationToken: string | undefined;
}

/** The event is not a CodePipeline job: there is no job to report to. */
export class NotAJobError extends Error {
  override name = "NotAJobError";
}

const JOB_ID = /^[A-Za-z0-9-]{1,128}$/;

export function readJob(event: unknown): CodePipelineJob {
  const job = field(event, "CodePipeline.job");
  const id = field(job, "id");
  if (typeof id !== "string" || !JOB_ID.test(id)) {
    const keys =
      typeof event === "object" && event !== null && !Array.isArray(event)
        ? Object.keys(event)
            .slice(0, 10)
            .map((key) => JSON.stringify(key))
            .join(", ")
        : typeof event;
    throw new NotAJobError(
      `the event is not a CodePipeline job (no "CodePipeline.job".id; event keys: ${keys || "none"}): ` +
        `this function runs as a CodePipeline Lambda invoke action`,
    );
  }
  const data = field(job, "data");
  const userParameters = field(
    field(field(data, "actionConfiguration"), "configuration"),
    "UserParameters",
  );
  const continuationToken = field(data, "continuationToken");
  const accountId = field(job, "accountId");
  return {
    id,
    accountId: typeof accountId === "string" ? accountId : undefined,
    userParameters: typeof userParameters === "string" ? userParameters : undefined,
    continuationToken:
      typeof continuationToken === "string" && continuationToken !== ""
        ? continuationToken
        : undefined,
  };
}

/** What the log says about the event: ids and names only, credentials redacted. */
export function jobSummary(event: unknown, job: CodePipelineJob): Record<string, unknown> {
  const data = field(field(event, "CodePipeline.job"), "data");
  const artifacts = field(data, "inputArtifacts");
  return {
    jobId: job.id,
    accountId: job.accountId,
    continuationToken: job.continuationToken ?? null,
    inputArtifacts: Array.isArray(artifacts)
      ? artifacts.map((artifact) => {
          const name = field(artifact, "name");
          return typeof name === "string" ? name : "?";
        })
      : [],
    artifactCredentials: field(data, "artifactCredentials") === undefined ? "absent" : "redacted",
  };
}

/**
 * RunTask's idempotency token for a job (ECS allows 64 characters in 33..126): a re-delivered job
 * gets back the task its first delivery started instead of starting a second one. Job ids are
 * UUIDs (36 characters) and are used as they are; anything longer is hashed.
 */
export function clientTokenFor(jobId: string): string {
  return jobId.length <= 64 ? jobId : createHash("sha256").update(jobId).digest("hex");
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
