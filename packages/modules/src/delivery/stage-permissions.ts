import type { DataAwsIamPolicyDocumentStatement as Statement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { S3StateBackend } from "../state/state-backend";

/** Where a pipeline keeps its artifacts, and the key they are encrypted with. */
export interface ArtifactLocation {
  readonly bucketName: string;
  /**
   * The key prefix CodePipeline writes this pipeline's artifacts under. CodePipeline cuts the
   * pipeline's name to 20 characters for it, so grants use the cut name followed by `*`.
   */
  readonly objectPrefix: string;
  readonly keyArn: string;
}

const s3Arn = (bucket: string, key?: string) =>
  key === undefined ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/${key}`;

/** This pipeline's artifact objects. */
export const artifactObjectsArn = (artifacts: ArtifactLocation) =>
  s3Arn(artifacts.bucketName, `${artifacts.objectPrefix}*`);

/** S3 server-side encryption with a customer key: what a reader needs of the key. */
const SSE_KMS_READ = ["kms:Decrypt", "kms:DescribeKey"];
/** ... and what a writer needs besides. */
const SSE_KMS_READ_WRITE = [...SSE_KMS_READ, "kms:Encrypt", "kms:GenerateDataKey"];

/**
 * Read this pipeline's artifacts, and write them too for a role whose actions have outputs (the
 * pipeline's own Source, Build, Plan); nothing else in the bucket.
 */
export function artifactStatements(
  artifacts: ArtifactLocation,
  access: "read" | "read-write",
): Statement[] {
  const writes = access === "read-write";
  return [
    {
      sid: "ReadArtifactBucketSettings",
      actions: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
      resources: [s3Arn(artifacts.bucketName)],
    },
    {
      sid: writes ? "ReadWriteOwnArtifacts" : "ReadOwnArtifacts",
      actions: ["s3:GetObject", "s3:GetObjectVersion", ...(writes ? ["s3:PutObject"] : [])],
      resources: [artifactObjectsArn(artifacts)],
    },
    {
      sid: "UseArtifactKey",
      actions: writes ? SSE_KMS_READ_WRITE : SSE_KMS_READ,
      resources: [artifacts.keyArn],
    },
  ];
}

/**
 * Use the source connection: the pipeline to fetch the commit, the builds to clone it
 * (`CODEBUILD_CLONE_REF`). IAM matches the action's prefix to the ARN's, and connections made
 * since mid-2024 have `codeconnections` ARNs, older ones `codestar-connections`: both are named.
 */
export function connectionStatement(connectionArn: string): Statement {
  return {
    sid: "UseSourceConnection",
    actions: ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
    resources: [connectionArn],
  };
}

/** Write the project's own log group. */
export function logStatement(logGroupArn: string): Statement {
  return {
    sid: "WriteOwnLogs",
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [`${logGroupArn}:*`],
  };
}

/** Push (and pull layers of) the app's image, in its repository only. */
export function imagePushStatements(repositoryArn: string): Statement[] {
  return [
    {
      // GetAuthorizationToken has no resource-level permissions.
      sid: "ReadRegistryToken",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      sid: "PushAppImage",
      actions: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ],
      resources: [repositoryArn],
    },
  ];
}

/**
 * Run Terraform: assume the deploy role (which holds the rights to change the app's resources;
 * this role holds none of them) and, when the state is given, read and write it under its key
 * prefix, directly or through the state backend's own role (without it, Terraform reaches its
 * state as the deploy role).
 */
export function terraformStatements(
  deployRoleArn: string,
  state: S3StateBackend | undefined,
  stateKeyArn: string | undefined,
): Statement[] {
  const assumeDeployRole: Statement = {
    sid: "AssumeDeployRole",
    actions: ["sts:AssumeRole"],
    resources: [deployRoleArn],
  };
  if (state === undefined) return [assumeDeployRole];
  if (state.roleArn !== undefined) {
    return [
      assumeDeployRole,
      { sid: "AssumeStateRole", actions: ["sts:AssumeRole"], resources: [state.roleArn] },
    ];
  }
  const prefix = state.keyPrefix ?? "zonke";
  return [
    assumeDeployRole,
    {
      // Object names only; Terraform lists the bucket to find workspaces.
      sid: "ListStateBucket",
      actions: ["s3:ListBucket"],
      resources: [s3Arn(state.bucket)],
    },
    {
      // DeleteObject removes the S3 lock file (`<key>.tflock`) when a run ends.
      sid: "ReadWriteState",
      actions: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      resources: [s3Arn(state.bucket, `${prefix}/*`)],
    },
    ...(stateKeyArn !== undefined
      ? [{ sid: "UseStateKey", actions: SSE_KMS_READ_WRITE, resources: [stateKeyArn] }]
      : []),
  ];
}
