import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement as Statement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { physicalName } from "../naming";
import {
  artifactObjectsArn,
  artifactStatements,
  connectionStatement,
  type ArtifactLocation,
} from "./stage-permissions";

export interface PipelineRoleProps {
  readonly roleName: string;
  readonly connectionArn: string;
  readonly artifacts: ArtifactLocation;
  /** The pipeline's own CodeBuild projects. */
  readonly projectArns: readonly string[];
  /** @default - the pipeline invokes no function */
  readonly migratorFunctionArn?: string;
  /** @default - the pipeline notifies no topic */
  readonly approvalTopicArn?: string;
}

/**
 * The role CodePipeline runs the pipeline as, made in `scope` (ids AssumeRole, Role, Permissions,
 * RolePolicy): it may use the source connection, read and write this pipeline's artifacts, start
 * exactly its own projects, invoke exactly its migrator and notify its approvers. It passes no
 * role: the projects have their own service roles, which CodeBuild assumes itself.
 */
export function pipelineRole(
  scope: Construct,
  props: PipelineRoleProps,
): { role: IamRole; policy: IamRolePolicy } {
  // No SourceArn condition: a service role is handed over with iam:PassRole, which cannot cross
  // accounts, so only this account's pipelines can use it.
  const assume = new DataAwsIamPolicyDocument(scope, "AssumeRole", {
    statement: [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["codepipeline.amazonaws.com"] }],
      },
    ],
  });
  const role = new IamRole(scope, "Role", {
    name: physicalName("iamRole", [props.roleName]),
    assumeRolePolicy: assume.json,
  });
  const statements: Statement[] = [
    connectionStatement(props.connectionArn),
    ...artifactStatements(props.artifacts, "read-write"),
    {
      // CodePipeline may store artifacts with the bucket-owner-full-control ACL (AWS's own service
      // role policy grants this). ACLs are disabled on the bucket (BucketOwnerEnforced), so no
      // other ACL can be set with it.
      sid: "SetOwnArtifactOwnerAcl",
      actions: ["s3:PutObjectAcl"],
      resources: [artifactObjectsArn(props.artifacts)],
    },
    {
      sid: "RunOwnBuilds",
      actions: ["codebuild:BatchGetBuilds", "codebuild:StartBuild", "codebuild:StopBuild"],
      resources: [...props.projectArns],
    },
  ];
  if (props.migratorFunctionArn !== undefined) {
    statements.push({
      sid: "InvokeMigrator",
      actions: ["lambda:InvokeFunction"],
      resources: [props.migratorFunctionArn],
    });
  }
  if (props.approvalTopicArn !== undefined) {
    statements.push({
      sid: "NotifyApprovers",
      actions: ["sns:Publish"],
      resources: [props.approvalTopicArn],
    });
  }
  const permissions = new DataAwsIamPolicyDocument(scope, "Permissions", { statement: statements });
  const policy = new IamRolePolicy(scope, "RolePolicy", {
    role: role.id,
    policy: permissions.json,
  });
  return { role, policy };
}
