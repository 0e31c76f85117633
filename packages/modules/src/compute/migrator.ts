import { Construct } from "constructs";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { ArtifactFunction } from "./artifact-function";
import type { LambdaArtifact } from "./lambda-artifact";

/** Django on Lambda: migrations run by invoking a version of the app's manage function. */
export interface LambdaMigrationTarget {
  readonly kind: "lambda";
  /** The manage function's ARN (unqualified); any of its versions may be invoked. */
  readonly functionArn: string;
}

/** Django on ECS: migrations run as a task of the app's task definition with a command override. */
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
}

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

  constructor(scope: Construct, id: string, props: MigratorProps) {
    super(scope, id);
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
