import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
} from "@aws-sdk/client-cloudwatch-logs";
import { CodePipelineClient, type CodePipelineClientConfig } from "@aws-sdk/client-codepipeline";
import { ECSClient, type ECSClientConfig } from "@aws-sdk/client-ecs";
import { LambdaClient, type LambdaClientConfig } from "@aws-sdk/client-lambda";

const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The Lambda client for the manage invoke.
 * - One attempt: a retry after a lost answer would start a second `migrate` while the first may
 *   still run. A throttled or failed invoke is reported; the stage is then retried by hand.
 * - No request timeout of its own: each invoke gets an abort signal for the time the migrator has
 *   left, and a long migration keeps the connection open for minutes (TCP keep-alive on).
 */
export function createMigratorLambdaClient(overrides: LambdaClientConfig = {}): LambdaClient {
  const agent = { keepAlive: true };
  return new LambdaClient({
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, httpAgent: agent, httpsAgent: agent },
    ...overrides,
  });
}

/**
 * The ECS client. The SDK's retries are safe here: RunTask carries the job's client token (a retry
 * returns the task the first attempt started); DescribeTasks and DescribeTaskDefinition only read.
 */
export function createMigratorEcsClient(overrides: ECSClientConfig = {}): ECSClient {
  return new ECSClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: 20_000 },
    ...overrides,
  });
}

/**
 * The CloudWatch Logs client that reads the end of an ECS migration task's log (GetLogEvents) for
 * the job's message. It only reads, so the SDK's retries are safe; short timeouts, as the message
 * must not wait long for a quote of the output.
 */
export function createMigratorLogsClient(
  overrides: CloudWatchLogsClientConfig = {},
): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: 10_000 },
    ...overrides,
  });
}

/**
 * The CodePipeline client for the job's result (PutJobSuccessResult / PutJobFailureResult).
 * - The SDK's standard retries (3 attempts on throttling, 5xx and network errors) are safe: a
 *   result that got through before its answer was lost is answered with InvalidJobStateException
 *   on the retry, which `runJob` takes as "already reported".
 * - Short timeouts: these calls answer in milliseconds, and the result must be in before the
 *   migrator's own timeout. `runJob` also gives each report an abort signal for the time the
 *   function has left.
 * - Endpoint, region and credentials as for every SDK client: `AWS_ENDPOINT_URL_CODEPIPELINE`,
 *   then `AWS_ENDPOINT_URL`, then the regional endpoint; `AWS_REGION`; the function's role.
 */
export function createMigratorCodePipelineClient(
  overrides: CodePipelineClientConfig = {},
): CodePipelineClient {
  return new CodePipelineClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 4_000 },
    ...overrides,
  });
}
