import { Token } from "cdktf";
import { ValidationError } from "../core/errors";
import { nameProblem } from "../naming";
import { buildspecProblem } from "./buildspec";
import { NAMESPACES_BEFORE_MIGRATE } from "./pipeline-stages";
import type { PipelineProps, PipelineStageProps } from "./pipeline-props";
import {
  branchProblem,
  connectionArnProblem,
  filePathsProblem,
  repositoryProblem,
} from "./source-rules";

const COMPUTE_TYPES = new Set([
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
]);
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];
/** CodePipeline's limit on any action configuration value, UserParameters included. */
const MAX_CONFIGURATION_VALUE = 1000;
const MAX_CONNECTION_NAME = 32;

/** An ARN check that lets references to other resources (resolved by Terraform) through. */
function arnProblem(field: string, value: string, pattern: RegExp, example: string) {
  if (Token.isUnresolved(value) || pattern.test(value)) return undefined;
  return `${field} "${value}" is not allowed; use an ARN like ${example}`;
}

/**
 * Checks a Pipeline's props before anything is built, and throws a ValidationError that names
 * the field, the bad value and what is allowed. Physical names are checked where they are made
 * (naming's physicalName).
 */
export function validatePipelineProps(props: PipelineProps): void {
  const problem = [
    ...identityProblems(props),
    ...sourceProblems(props),
    ...(["build", "plan", "deploy", "release"] as const).flatMap((stage) =>
      stageProblems(stage, props[stage]),
    ),
    ...(props.selfUpdate ? stageProblems("selfUpdate", props.selfUpdate) : []),
    props.build.imageRepositoryArn === undefined
      ? undefined
      : arnProblem(
          "build.imageRepositoryArn",
          props.build.imageRepositoryArn,
          /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9][a-z0-9._/-]*$/,
          "arn:aws:ecr:<region>:<account>:repository/<name>",
        ),
    arnProblem(
      "deployRoleArn",
      props.deployRoleArn,
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]+$/,
      "arn:aws:iam::<account>:role/<name>",
    ),
    ...migrationProblems(props),
    ...approvalProblems(props),
    ...retentionProblems(props),
  ].find((found) => found !== undefined);
  if (problem) throw new ValidationError(`pipeline ${props.name}: ${problem}`);
}

function identityProblems(props: PipelineProps) {
  return [
    props.name.length > 0
      ? undefined
      : "name is empty; use <project>-<env>-<app>, e.g. shop-prod-web",
    /^\d{12}$/.test(props.accountId)
      ? undefined
      : `accountId "${props.accountId}" is not allowed; use the 12-digit account id`,
    /^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)
      ? undefined
      : `region "${props.region}" is not allowed; use a region code like eu-west-1`,
  ];
}

function sourceProblems({ source, name }: PipelineProps) {
  const connection = source.connection;
  const connectionName = connection.kind === "create" ? (connection.name ?? name) : undefined;
  return [
    connection.kind === "existing" && !Token.isUnresolved(connection.connectionArn)
      ? connectionArnProblem(connection.connectionArn)
      : undefined,
    connectionName !== undefined &&
    (connectionName.length === 0 || connectionName.length > MAX_CONNECTION_NAME)
      ? `the connection name "${connectionName}" must be 1 to ${MAX_CONNECTION_NAME} characters; set source.connection.name, or share one connection by ARN (kind "existing")`
      : undefined,
    repositoryProblem(source.repository),
    branchProblem(source.branch),
    source.filePaths ? filePathsProblem("source.filePaths", source.filePaths) : undefined,
    source.excludedFilePaths
      ? filePathsProblem("source.excludedFilePaths", source.excludedFilePaths)
      : undefined,
  ];
}

function stageProblems(stage: string, props: PipelineStageProps) {
  const timeout = props.timeoutMinutes ?? 60;
  const buildspec = buildspecProblem(props.buildspec);
  const badVariable = Object.keys(props.environment ?? {}).find(
    (key) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key.startsWith("CODEBUILD_"),
  );
  return [
    buildspec ? `${stage}.buildspec: ${buildspec}` : undefined,
    props.computeType === undefined || COMPUTE_TYPES.has(props.computeType)
      ? undefined
      : `${stage}.computeType "${props.computeType}" is not allowed; use one of ${[...COMPUTE_TYPES].join(", ")}`,
    Number.isInteger(timeout) && timeout >= 5 && timeout <= 2160
      ? undefined
      : `${stage}.timeoutMinutes ${timeout} is not allowed; use a whole number from 5 to 2160`,
    badVariable === undefined
      ? undefined
      : `${stage}.environment name "${badVariable}" is not allowed; use letters, digits and _, not starting with a digit or CODEBUILD_`,
  ];
}

function migrationProblems({ migration }: PipelineProps) {
  if (!migration) return [];
  const functionName = Token.isUnresolved(migration.functionName)
    ? undefined
    : nameProblem("lambdaFunction", migration.functionName);
  return [
    functionName ? `migration.functionName: ${functionName}` : undefined,
    userParametersProblem(migration.userParameters),
  ];
}

/**
 * The migrator's contract (packages/lambdas/migrator/README.md): a JSON object with `kind`, within
 * CodePipeline's 1000 characters, naming only variables of actions that run before it.
 */
function userParametersProblem(value: Readonly<Record<string, unknown>> | string) {
  const json = typeof value === "string" ? value : JSON.stringify(value);
  const known = new Set<string>(NAMESPACES_BEFORE_MIGRATE);
  // The whole object from an earlier action, e.g. what the deploy step read from Terraform.
  const wholeVariable = /^#\{([^.}]+)\.[A-Za-z0-9_]+\}$/.exec(json);
  if (wholeVariable) {
    return known.has(wholeVariable[1]!)
      ? undefined
      : `migration.userParameters names the variable namespace "${wholeVariable[1]}"; use one that runs before Migrate: ${[...known].join(", ")}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return `migration.userParameters is not JSON: ${json}`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return `migration.userParameters ${json} is not allowed; use a JSON object`;
  }
  const kind = (parsed as Record<string, unknown>).kind;
  if (kind !== "lambda" && kind !== "ecs") {
    return `migration.userParameters kind ${JSON.stringify(kind)} is not allowed; use "lambda" or "ecs"`;
  }
  if (!Token.isUnresolved(json) && json.length > MAX_CONFIGURATION_VALUE) {
    return `migration.userParameters is ${json.length} characters; CodePipeline allows at most ${MAX_CONFIGURATION_VALUE}`;
  }
  for (const [, namespace] of json.matchAll(/#\{([^.}]*)\.[^}]*\}/g)) {
    if (!known.has(namespace!)) {
      return `migration.userParameters names the variable namespace "${namespace}"; use one that runs before Migrate: ${[...known].join(", ")}`;
    }
  }
  return undefined;
}

function approvalProblems({ approvalBeforeDeploy: approval }: PipelineProps) {
  if (typeof approval !== "object") return [];
  return [
    approval.notificationTopicArn === undefined
      ? undefined
      : arnProblem(
          "approvalBeforeDeploy.notificationTopicArn",
          approval.notificationTopicArn,
          /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/,
          "arn:aws:sns:<region>:<account>:<topic>",
        ),
    approval.comment !== undefined &&
    (approval.comment.length === 0 || approval.comment.length > MAX_CONFIGURATION_VALUE)
      ? `approvalBeforeDeploy.comment must be 1 to ${MAX_CONFIGURATION_VALUE} characters`
      : undefined,
  ];
}

function retentionProblems(props: PipelineProps) {
  const logDays = props.logRetentionDays ?? 365;
  const artifactDays = props.artifactExpirationDays ?? 30;
  return [
    LOG_RETENTION_DAYS.includes(logDays)
      ? undefined
      : `logRetentionDays ${logDays} is not allowed; CloudWatch Logs allows ${LOG_RETENTION_DAYS.join(", ")}`,
    Number.isInteger(artifactDays) && artifactDays >= 1
      ? undefined
      : `artifactExpirationDays ${artifactDays} is not allowed; use a whole number of at least 1`,
  ];
}
