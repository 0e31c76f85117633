import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { physicalName } from "../../naming";
import { secretReadStatements } from "../secret-access";

export interface EcsTaskRolesProps {
  /** The service's name: the roles are `<name>-execution` and `<name>-task`. */
  readonly serviceName: string;
  readonly accountId: string;
  /** The ECR repository the image is pulled from. */
  readonly imageRepositoryArn: string;
  /** The container's log group. */
  readonly logGroupArn: string;
  /** Secrets ECS reads at task start (`valueFrom`). */
  readonly secretArns: readonly string[];
  readonly secretKmsKeyArns: readonly string[];
  /** Also let the app read those secrets itself (see EcsServiceProps.appReadsSecrets). */
  readonly appReadsSecrets: boolean;
  /** What the app may do. */
  readonly taskStatements: readonly DataAwsIamPolicyDocumentStatement[];
  /** ECS Exec: the task role needs the SSM message channels. */
  readonly executeCommand: boolean;
}

/**
 * The two roles of a task definition, kept apart: the execution role is ECS's own (pull this
 * image, write this log group, read these secrets at task start) and the app never holds its
 * credentials; the task role is the app's, with only what it was given (nothing by default).
 */
export class EcsTaskRoles extends Construct {
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  /** The roles' permissions: a service waits for them, or its first tasks fail to start. */
  readonly policies: IamRolePolicy[] = [];

  constructor(scope: Construct, id: string, props: EcsTaskRolesProps) {
    super(scope, id);
    // AWS documents the confused-deputy condition for task roles; the execution role's trust is
    // kept as AWS documents it (no condition), as ECS assumes it before any task exists.
    this.executionRole = this.role("Execution", [props.serviceName, "execution"]);
    this.taskRole = this.role("Task", [props.serviceName, "task"], props.accountId);

    this.allow("Execution", this.executionRole, [
      {
        // ECR's registry token has no resource-level permissions.
        sid: "PullImageToken",
        actions: ["ecr:GetAuthorizationToken"],
        resources: ["*"],
      },
      {
        sid: "PullImage",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        resources: [props.imageRepositoryArn],
      },
      {
        sid: "WriteOwnLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [`${props.logGroupArn}:*`],
      },
      ...secretReadStatements(props.secretArns, props.secretKmsKeyArns),
    ]);

    this.allow("Task", this.taskRole, [
      ...props.taskStatements,
      ...(props.appReadsSecrets
        ? secretReadStatements(props.secretArns, props.secretKmsKeyArns)
        : []),
      ...(props.executeCommand ? [executeCommandStatement] : []),
    ]);
  }

  private role(id: string, nameParts: string[], sourceAccount?: string): IamRole {
    const assume = new DataAwsIamPolicyDocument(this, `${id}AssumeRole`, {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
          ...(sourceAccount
            ? {
                condition: [
                  { test: "StringEquals", variable: "aws:SourceAccount", values: [sourceAccount] },
                ],
              }
            : {}),
        },
      ],
    });
    return new IamRole(this, `${id}Role`, {
      name: physicalName("iamRole", nameParts),
      assumeRolePolicy: assume.json,
    });
  }

  /** An inline policy, unless there is nothing to allow (IAM refuses an empty policy). */
  private allow(
    id: string,
    role: IamRole,
    statements: readonly DataAwsIamPolicyDocumentStatement[],
  ): void {
    if (statements.length === 0) return;
    const document = new DataAwsIamPolicyDocument(this, `${id}Permissions`, {
      statement: [...statements],
    });
    this.policies.push(
      new IamRolePolicy(this, `${id}Policy`, { role: role.id, policy: document.json }),
    );
  }
}

/** The SSM message channels ECS Exec opens from the task (no resource-level permissions). */
const executeCommandStatement: DataAwsIamPolicyDocumentStatement = {
  sid: "ExecuteCommandChannels",
  actions: [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
  ],
  resources: ["*"],
};
