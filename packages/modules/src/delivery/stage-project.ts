import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { physicalName } from "../naming";
import { renderBuildspec } from "./buildspec";
import type { Buildspec, CodeBuildComputeType } from "./pipeline-props";
import { logStatement } from "./stage-permissions";

/** CodeBuild's Amazon Linux 2023 images, by CPU. */
const BUILD_IMAGES = {
  arm64: { type: "ARM_CONTAINER", image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0" },
  x86_64: { type: "LINUX_CONTAINER", image: "aws/codebuild/amazonlinux2-x86_64-standard:5.0" },
} as const;

export interface StageProjectProps {
  readonly projectName: string;
  readonly description: string;
  readonly region: string;
  readonly accountId: string;
  readonly buildspec: Buildspec;
  readonly architecture: "arm64" | "x86_64";
  readonly computeType: CodeBuildComputeType;
  readonly timeoutMinutes: number;
  readonly environment: Readonly<Record<string, string>>;
  /** Docker-in-Docker; only a stage that builds images gets it. */
  readonly privileged: boolean;
  /** The artifact key: CodeBuild encrypts the stage's output artifact with it. */
  readonly artifactKeyArn: string;
  readonly logRetentionDays: number;
  readonly logsKmsKeyArn: string;
  /** Everything the role may do besides writing its own logs. */
  readonly statements: readonly DataAwsIamPolicyDocumentStatement[];
}

/**
 * The CodeBuild project of one pipeline stage, with its own role (that stage's grants and its
 * own log group, nothing else) and its own encrypted log group with retention. Input and output
 * come from the pipeline (source type CODEPIPELINE).
 */
export class StageProject extends Construct {
  readonly project: CodebuildProject;
  readonly role: IamRole;
  /** The role's grants: the pipeline waits for them before its first run. */
  readonly rolePolicy: IamRolePolicy;
  readonly projectName: string;
  readonly projectArn: string;

  constructor(scope: Construct, id: string, props: StageProjectProps) {
    super(scope, id);
    this.projectName = physicalName("codeBuildProject", [props.projectName]);
    this.projectArn = `arn:aws:codebuild:${props.region}:${props.accountId}:project/${this.projectName}`;
    const logGroupName = physicalName("logGroup", ["/aws/codebuild/" + this.projectName]);
    const logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logsKmsKeyArn,
    });

    // No SourceArn condition: a service role is handed over with iam:PassRole, which cannot
    // cross accounts, so only this account's CodeBuild projects can use it.
    const assume = new DataAwsIamPolicyDocument(this, "AssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["codebuild.amazonaws.com"] }],
        },
      ],
    });
    this.role = new IamRole(this, "Role", {
      name: physicalName("iamRole", [this.projectName]),
      assumeRolePolicy: assume.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        logStatement(`arn:aws:logs:${props.region}:${props.accountId}:log-group:${logGroupName}`),
        ...props.statements,
      ],
    });
    this.rolePolicy = new IamRolePolicy(this, "RolePolicy", {
      role: this.role.id,
      policy: permissions.json,
    });

    const build = BUILD_IMAGES[props.architecture];
    this.project = new CodebuildProject(this, "Resource", {
      name: this.projectName,
      description: props.description,
      serviceRole: this.role.arn,
      buildTimeout: props.timeoutMinutes,
      encryptionKey: props.artifactKeyArn,
      source: { type: "CODEPIPELINE", buildspec: renderBuildspec(props.buildspec) },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: build.type,
        image: build.image,
        computeType: props.computeType,
        imagePullCredentialsType: "CODEBUILD",
        privilegedMode: props.privileged,
        ...(Object.keys(props.environment).length > 0
          ? {
              environmentVariable: Object.entries(props.environment).map(([name, value]) => ({
                name,
                value,
                type: "PLAINTEXT",
              })),
            }
          : {}),
      },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: logGroup.name },
        s3Logs: { status: "DISABLED" },
      },
    });
  }
}
