/**
 * The action's UserParameters: a JSON object saying what to migrate. Checked strictly (unknown
 * keys are refused) so that a typo fails the action with a message naming the field, the bad value
 * and what is allowed, instead of migrating the wrong thing.
 */

/** Django on Lambda: invoke the new version of the function with the manage event. */
export interface LambdaMigration {
  readonly kind: "lambda";
  /** Name or ARN (unqualified) of the Django function. */
  readonly functionName: string;
  /** The version just published with the new code, e.g. "42". */
  readonly qualifier: string;
}

/** Django on ECS: run the new task definition once with the migrate command, wait for it to stop. */
export interface EcsMigration {
  readonly kind: "ecs";
  readonly cluster: string;
  /** `family:revision` (or its ARN) of the new code. */
  readonly taskDefinition: string;
  /** The container that runs the command (the Django one). */
  readonly container: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /**
   * The container's command override: it replaces the image's CMD and is passed to its ENTRYPOINT.
   * zonke's Django image has `ENTRYPOINT ["zonke-runtime"]`, whose commands are `lambda`, `web`,
   * `migrate [options...]` (runs `manage.py migrate --noinput [options...]`) and
   * `manage <args...>`. An image without that entry point needs the full command line, e.g.
   * `["python", "manage.py", "migrate", "--noinput"]`.
   * @default DEFAULT_ECS_COMMAND (`["migrate"]`)
   */
  readonly command: readonly string[];
  /** Capacity provider to run on. @default - launch type FARGATE */
  readonly capacityProvider?: string;
  /**
   * The container's awslogs group, named in messages only when the task definition cannot be
   * read (the migrator finds the log from the task definition's logConfiguration).
   * @default - not named
   */
  readonly logGroup?: string;
  /** The container's awslogs stream prefix, for the same. @default - not named */
  readonly logStreamPrefix?: string;
}

export type MigrationTarget = LambdaMigration | EcsMigration;

/** `zonke-runtime migrate`: the app image's entry point applies the migrations (`--noinput`). */
export const DEFAULT_ECS_COMMAND: readonly string[] = ["migrate"];

/** A mistake in UserParameters: reported to CodePipeline as a ConfigurationError. */
export class ParameterError extends Error {
  override name = "ParameterError";
}

const LAMBDA_EXAMPLE = `{"kind": "lambda", "functionName": "shop-prod-django", "qualifier": "42"}`;
const ECS_EXAMPLE =
  `{"kind": "ecs", "cluster": "shop-prod", "taskDefinition": "shop-prod-api:7", "container": "web", ` +
  `"subnets": ["subnet-0abc..."], "securityGroups": ["sg-0abc..."]}`;

// Lambda's own patterns for FunctionName (name, partial ARN or ARN) and for a version number.
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const MAX_FUNCTION_NAME_LENGTH = 140;
const VERSION = /^[1-9][0-9]{0,9}$/;
const NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const CLUSTER_ARN = /^arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[a-zA-Z0-9_-]{1,255}$/;
const TASK_DEFINITION = /^[a-zA-Z0-9_-]{1,255}:[1-9][0-9]{0,9}$/;
const TASK_DEFINITION_ARN =
  /^arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[a-zA-Z0-9_-]{1,255}:[1-9][0-9]{0,9}$/;
const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const LOG_STREAM_PREFIX = /^[^:*\s]{1,256}$/;
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;
const MAX_COMMAND_ITEMS = 100;

const KEYS = {
  lambda: new Set(["kind", "functionName", "qualifier"]),
  ecs: new Set([
    "kind",
    "cluster",
    "taskDefinition",
    "container",
    "subnets",
    "securityGroups",
    "command",
    "capacityProvider",
    "logGroup",
    "logStreamPrefix",
  ]),
};

export function parseUserParameters(raw: string | undefined): MigrationTarget {
  if (raw === undefined || raw.trim() === "") {
    throw new ParameterError(
      `UserParameters is ${raw === undefined ? "not set" : "empty"}: set the action's UserParameters ` +
        `to a JSON object, e.g. ${LAMBDA_EXAMPLE} or ${ECS_EXAMPLE}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new ParameterError(
      `UserParameters is not valid JSON (${(error as Error).message}): ${quote(raw)}`,
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ParameterError(
      `UserParameters is ${quote(JSON.stringify(json))}: use a JSON object with "kind": "lambda" or "ecs"`,
    );
  }
  const fields = json as Record<string, unknown>;
  const kind = fields["kind"];
  if (kind !== "lambda" && kind !== "ecs") {
    throw new ParameterError(
      `UserParameters.kind is ${quote(JSON.stringify(kind))}: use "lambda" (Django on Lambda) or "ecs" (Django on ECS)`,
    );
  }
  const unknownKeys = Object.keys(fields).filter((key) => !KEYS[kind].has(key));
  if (unknownKeys.length > 0) {
    throw new ParameterError(
      `UserParameters has unknown key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(", ")} ` +
        `for kind "${kind}": the allowed keys are ${[...KEYS[kind]].map((key) => JSON.stringify(key)).join(", ")}`,
    );
  }
  return kind === "lambda" ? parseLambda(fields) : parseEcs(fields);
}

function parseLambda(fields: Record<string, unknown>): LambdaMigration {
  const { functionName } = fields;
  if (
    typeof functionName !== "string" ||
    functionName.length > MAX_FUNCTION_NAME_LENGTH ||
    !FUNCTION_NAME.test(functionName)
  ) {
    throw new ParameterError(
      `UserParameters.functionName is ${quote(JSON.stringify(functionName))}: use the Django ` +
        `function's name or ARN (letters, digits, "-", "_", at most ${MAX_FUNCTION_NAME_LENGTH} characters)`,
    );
  }
  if (FUNCTION_NAME.exec(functionName)?.[8] !== undefined) {
    throw new ParameterError(
      `UserParameters.functionName is ${quote(JSON.stringify(functionName))}: leave the version out ` +
        `of the name and put it in "qualifier"`,
    );
  }
  const qualifier =
    typeof fields["qualifier"] === "number" ? String(fields["qualifier"]) : fields["qualifier"];
  if (typeof qualifier !== "string" || !VERSION.test(qualifier)) {
    throw new ParameterError(
      `UserParameters.qualifier is ${quote(JSON.stringify(fields["qualifier"]))}: use the number of the ` +
        `version just published with the new code, e.g. "42" (an alias or $LATEST may still point at ` +
        `the old code, or move while the migration runs)`,
    );
  }
  return { kind: "lambda", functionName, qualifier };
}

function parseEcs(fields: Record<string, unknown>): EcsMigration {
  const cluster = fields["cluster"];
  if (typeof cluster !== "string" || !(NAME.test(cluster) || CLUSTER_ARN.test(cluster))) {
    throw new ParameterError(
      `UserParameters.cluster is ${quote(JSON.stringify(cluster))}: use the cluster's name or ARN ` +
        `(letters, digits, "-", "_", at most 255 characters)`,
    );
  }
  const taskDefinition = fields["taskDefinition"];
  if (
    typeof taskDefinition !== "string" ||
    !(TASK_DEFINITION.test(taskDefinition) || TASK_DEFINITION_ARN.test(taskDefinition))
  ) {
    throw new ParameterError(
      `UserParameters.taskDefinition is ${quote(JSON.stringify(taskDefinition))}: use ` +
        `"family:revision" of the task definition registered with the new code (or its ARN), ` +
        `e.g. "shop-prod-api:7"; a family alone would run whichever revision is the latest`,
    );
  }
  const container = fields["container"];
  if (typeof container !== "string" || !NAME.test(container)) {
    throw new ParameterError(
      `UserParameters.container is ${quote(JSON.stringify(container))}: use the name of the ` +
        `Django container in the task definition, e.g. "web"`,
    );
  }
  const subnets = idList(
    fields["subnets"],
    "subnets",
    SUBNET,
    MAX_SUBNETS,
    `"subnet-0123456789abcdef0"`,
  );
  const securityGroups = idList(
    fields["securityGroups"],
    "securityGroups",
    SECURITY_GROUP,
    MAX_SECURITY_GROUPS,
    `"sg-0123456789abcdef0"`,
  );
  const command =
    fields["command"] === undefined ? DEFAULT_ECS_COMMAND : parseCommand(fields["command"]);
  const result: EcsMigration = {
    kind: "ecs",
    cluster,
    taskDefinition,
    container,
    subnets,
    securityGroups,
    command,
  };
  const { capacityProvider, logGroup, logStreamPrefix } = fields;
  if (capacityProvider !== undefined) {
    if (typeof capacityProvider !== "string" || !NAME.test(capacityProvider)) {
      throw new ParameterError(
        `UserParameters.capacityProvider is ${quote(JSON.stringify(capacityProvider))}: use the name ` +
          `of one of the cluster's capacity providers (e.g. "FARGATE_SPOT" or an EC2 one), or leave ` +
          `it out to run on FARGATE`,
      );
    }
  }
  if (logGroup !== undefined && (typeof logGroup !== "string" || !LOG_GROUP.test(logGroup))) {
    throw new ParameterError(
      `UserParameters.logGroup is ${quote(JSON.stringify(logGroup))}: use the container's awslogs ` +
        `group name (letters, digits, ".", "-", "_", "/", "#"), or leave it out`,
    );
  }
  if (logStreamPrefix !== undefined) {
    if (typeof logStreamPrefix !== "string" || !LOG_STREAM_PREFIX.test(logStreamPrefix)) {
      throw new ParameterError(
        `UserParameters.logStreamPrefix is ${quote(JSON.stringify(logStreamPrefix))}: use the ` +
          `container's awslogs-stream-prefix (no ":", "*" or spaces), or leave it out`,
      );
    }
    if (logGroup === undefined) {
      throw new ParameterError(
        `UserParameters.logStreamPrefix is set without "logGroup": name the log group too`,
      );
    }
  }
  return {
    ...result,
    ...(capacityProvider !== undefined ? { capacityProvider: capacityProvider as string } : {}),
    ...(logGroup !== undefined ? { logGroup: logGroup as string } : {}),
    ...(logStreamPrefix !== undefined ? { logStreamPrefix: logStreamPrefix as string } : {}),
  };
}

function idList(
  value: unknown,
  key: string,
  pattern: RegExp,
  max: number,
  example: string,
): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > max ||
    !value.every((item) => typeof item === "string" && pattern.test(item)) ||
    new Set(value).size !== value.length
  ) {
    throw new ParameterError(
      `UserParameters.${key} is ${quote(JSON.stringify(value))}: use a list of 1 to ${max} distinct ` +
        `ids such as ${example}`,
    );
  }
  return value as string[];
}

function parseCommand(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_COMMAND_ITEMS ||
    !value.every((item) => typeof item === "string" && item !== "")
  ) {
    throw new ParameterError(
      `UserParameters.command is ${quote(JSON.stringify(value))}: use a list of non-empty strings, ` +
        `e.g. ${JSON.stringify(DEFAULT_ECS_COMMAND)} (the default), or leave it out`,
    );
  }
  return value as string[];
}

/** Names the target in messages: "shop-prod-django:42", "shop-prod-api:7 on cluster shop-prod". */
export function describeTarget(target: MigrationTarget): string {
  return target.kind === "lambda"
    ? `${target.functionName}:${target.qualifier}`
    : `${target.taskDefinition} on cluster ${target.cluster}`;
}

/** Bad values appear in messages, shortened: a pasted value can be long. */
function quote(value: string | undefined): string {
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
