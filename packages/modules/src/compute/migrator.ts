import { Construct } from "constructs";
import { Token } from "cdktf";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { ArtifactFunction } from "./artifact-function";
import type { LambdaArtifact } from "./lambda-artifact";

/**
 * Django on Lambda: migrations run by invoking a version of the app's manage function
 * (`DjangoLambda.migrationTarget`).
 */
export interface LambdaMigrationTarget {
  readonly kind: "lambda";
  /** The manage function's ARN (unqualified); any of its versions may be invoked. */
  readonly functionArn: string;
  /** The manage function's name. */
  readonly functionName: string;
  /** The version this apply publishes (the function's `version`): the one migrations run on. */
  readonly version: string;
}

/**
 * Django on ECS: migrations run as a task of the app's task definition with a command override
 * (`EcsService.migrationTarget`).
 */
export interface EcsMigrationTarget {
  readonly kind: "ecs";
  readonly region: string;
  readonly accountId: string;
  readonly clusterArn: string;
  /** The cluster's name, for task ARNs (`task/<cluster>/<id>`). */
  readonly clusterName: string;
  /** Task definition family; any revision may be run. */
  readonly taskDefinitionFamily: string;
  /** The task and execution roles the task definition names (and nothing else). */
  readonly passRoleArns: readonly string[];
  /** The container's awslogs group: a failed migration's output is quoted from it. */
  readonly logGroupName: string;
  /** The container's awslogs stream prefix. */
  readonly logStreamPrefix: string;
  /** The revision this apply registers (full ARN): the one migrations run. */
  readonly taskDefinitionArn: string;
  /** The Django container, whose command the migration overrides. */
  readonly containerName: string;
  /** Where the task runs (the service's subnets): 1 to 16. */
  readonly subnetIds: readonly string[];
  /** The groups the task joins (the service's): 1 to 5. */
  readonly securityGroupIds: readonly string[];
  /** The capacity provider RunTask uses. @default - launch type FARGATE */
  readonly runTaskCapacityProvider?: string;
}

/**
 * The migrator action's UserParameters for Django on Lambda (packages/lambdas/migrator/README.md):
 * invoke `functionName` at version `qualifier` with the manage event.
 */
export interface LambdaMigrationParameters {
  readonly kind: "lambda";
  readonly functionName: string;
  /** A version number, never an alias. */
  readonly qualifier: string;
}

/**
 * The migrator action's UserParameters for Django on ECS (packages/lambdas/migrator/README.md):
 * run `taskDefinition` once with `container`'s command set to `migrate` (the migrator's default).
 */
export interface EcsMigrationParameters {
  readonly kind: "ecs";
  readonly cluster: string;
  /** The revision's ARN (`...:task-definition/<family>:<revision>`). */
  readonly taskDefinition: string;
  readonly container: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** @default - launch type FARGATE */
  readonly capacityProvider?: string;
  readonly logGroup: string;
  readonly logStreamPrefix: string;
}

export type MigrationParameters = LambdaMigrationParameters | EcsMigrationParameters;

export interface MigratorProps {
  /** Function name, e.g. `shop-prod-api-migrator`. */
  readonly functionName: string;
  /** `@zonke/migrator/artifact`. */
  readonly artifact: LambdaArtifact;
  readonly target: LambdaMigrationTarget | EcsMigrationTarget;
  /**
   * Long enough to wait for a Lambda migration; ECS migrations return a continuation token and
   * CodePipeline calls again, so they are not bound by it.
   * @default 900
   */
  readonly timeoutSec?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
}

/**
 * The CodePipeline action that runs a release's database migrations before its traffic moves
 * (packages/lambdas/migrator): a Lambda outside any VPC (it calls only AWS APIs) whose role may
 * run exactly its target — invoke the app's manage function, or run its task definition family on
 * its cluster, passing exactly that task's roles — and report the job's result.
 */
export class Migrator extends Construct {
  readonly functionArn: string;
  readonly functionName: string;
  /**
   * The pipeline action's UserParameters (as an object; JSON-encode it for the action, or output
   * it from the stack), naming what this apply publishes: the manage function's new version, or
   * the new task definition revision with the service's network and capacity.
   */
  readonly userParameters: MigrationParameters;

  constructor(scope: Construct, id: string, props: MigratorProps) {
    super(scope, id);
    checkTarget(props.functionName, props.target);
    const timeout = props.timeoutSec ?? 900;
    if (!Number.isInteger(timeout) || timeout < 60 || timeout > 900) {
      throw new ValidationError(
        `migrator timeoutSec ${timeout} is not allowed; use a whole number from 60 to 900`,
      );
    }
    const migrator = new ArtifactFunction(this, "Function", {
      functionName: props.functionName,
      description: "Runs database migrations for CodePipeline before traffic moves",
      code: props.artifact,
      memoryMiB: 256,
      timeoutSec: timeout,
      logRetentionDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { logsKmsKeyArn: props.logsKmsKeyArn } : {}),
      statements: [
        ...targetStatements(props.target),
        {
          // CodePipeline's job calls have no resource-level permissions.
          sid: "ReportJobResults",
          actions: ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
          resources: ["*"],
        },
      ],
    });
    this.functionArn = migrator.function.arn;
    this.functionName = migrator.functionName;
    this.userParameters = migrationParameters(props.target);
  }
}

function migrationParameters(
  target: LambdaMigrationTarget | EcsMigrationTarget,
): MigrationParameters {
  if (target.kind === "lambda") {
    return { kind: "lambda", functionName: target.functionName, qualifier: target.version };
  }
  return {
    kind: "ecs",
    cluster: target.clusterName,
    taskDefinition: target.taskDefinitionArn,
    container: target.containerName,
    subnets: [...target.subnetIds],
    securityGroups: [...target.securityGroupIds],
    ...(target.runTaskCapacityProvider !== undefined
      ? { capacityProvider: target.runTaskCapacityProvider }
      : {}),
    logGroup: target.logGroupName,
    logStreamPrefix: target.logStreamPrefix,
  };
}

/** The migrator refuses these parameters when the job runs; refusing them here is earlier. */
function checkTarget(
  functionName: string,
  target: LambdaMigrationTarget | EcsMigrationTarget,
): void {
  if (target.kind === "lambda") return;
  const counts = [
    ["subnetIds", target.subnetIds, 16],
    ["securityGroupIds", target.securityGroupIds, 5],
  ] as const;
  for (const [name, list, max] of counts) {
    // A list that is one Terraform reference has no length yet.
    if (Token.isUnresolved(list)) continue;
    if (list.length === 0 || list.length > max) {
      throw new ValidationError(
        `migrator ${functionName}: target.${name} has ${list.length} entries; a migration task needs 1 to ${max}`,
      );
    }
  }
}

function targetStatements(
  target: LambdaMigrationTarget | EcsMigrationTarget,
): DataAwsIamPolicyDocumentStatement[] {
  if (target.kind === "lambda") {
    return [
      {
        sid: "InvokeManageVersions",
        actions: ["lambda:InvokeFunction"],
        resources: [target.functionArn, `${target.functionArn}:*`],
      },
    ];
  }
  const ecs = (resource: string) => `arn:aws:ecs:${target.region}:${target.accountId}:${resource}`;
  return [
    {
      sid: "RunMigrationTask",
      actions: ["ecs:RunTask"],
      resources: [ecs(`task-definition/${target.taskDefinitionFamily}:*`)],
      condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [target.clusterArn] }],
    },
    {
      sid: "WatchMigrationTask",
      actions: ["ecs:DescribeTasks"],
      resources: [ecs(`task/${target.clusterName}/*`)],
    },
    {
      // DescribeTaskDefinition has no resource-level permissions; it tells where the logs go.
      sid: "ReadMigrationTaskDefinition",
      actions: ["ecs:DescribeTaskDefinition"],
      resources: ["*"],
    },
    {
      sid: "ReadMigrationOutput",
      actions: ["logs:GetLogEvents"],
      resources: [
        `arn:aws:logs:${target.region}:${target.accountId}:log-group:${target.logGroupName}`,
        `arn:aws:logs:${target.region}:${target.accountId}:log-group:${target.logGroupName}:*`,
      ],
    },
    {
      sid: "PassTaskRoles",
      actions: ["iam:PassRole"],
      resources: [...target.passRoleArns],
      condition: [
        {
          test: "StringEquals",
          variable: "iam:PassedToService",
          values: ["ecs-tasks.amazonaws.com"],
        },
      ],
    },
  ];
}
