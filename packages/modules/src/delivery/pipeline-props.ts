import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { S3StateBackend } from "../state/state-backend";

/** The Git hosts a new CodeStar connection can be made for (each needs a console handshake). */
export type GitProviderType = "GitHub" | "GitLab" | "Bitbucket";

/** Make a connection for this pipeline. It stays PENDING until someone completes the handshake. */
export interface NewSourceConnection {
  readonly kind: "create";
  readonly providerType: GitProviderType;
  /**
   * The connection's name (AWS allows at most 32 characters).
   * @default - the pipeline's `name`
   */
  readonly name?: string;
}

/**
 * Use a connection that exists already, e.g. one shared by every pipeline of the account, so the
 * handshake is done once.
 */
export interface ExistingSourceConnection {
  readonly kind: "existing";
  /** `arn:aws:codestar-connections:...:connection/<id>` or `arn:aws:codeconnections:...`. */
  readonly connectionArn: string;
}

export interface PipelineSourceProps {
  readonly connection: NewSourceConnection | ExistingSourceConnection;
  /** `owner/name` (GitLab subgroups: `group/subgroup/name`). */
  readonly repository: string;
  /** The environment's branch: the only branch whose pushes start the pipeline. */
  readonly branch: string;
  /**
   * Only pushes that change a file matching one of these globs (at most 8, relative to the
   * repository root, e.g. `apps/web/**` and `packages/ui/**` for one app of a monorepo) start the
   * pipeline. A folder needs `/**`: the patterns match file paths.
   * @default - any push to the branch
   */
  readonly filePaths?: readonly string[];
  /**
   * Pushes that change only files matching these globs (at most 8) do not start the pipeline,
   * e.g. `**\/*.md`.
   * @default - none excluded
   */
  readonly excludedFilePaths?: readonly string[];
}

/**
 * A buildspec: an object (written as JSON, which CodeBuild reads as YAML), an inline YAML string,
 * or the path of a buildspec file in the repository (e.g. `deploy/buildspec.yml`).
 */
export type Buildspec = string | BuildspecObject;

export interface BuildspecObject {
  readonly version: 0.2 | "0.2";
  readonly phases: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** CodeBuild's on-demand EC2 compute types (arm64 builds take SMALL or LARGE in most regions). */
export type CodeBuildComputeType =
  | "BUILD_GENERAL1_SMALL"
  | "BUILD_GENERAL1_MEDIUM"
  | "BUILD_GENERAL1_LARGE"
  | "BUILD_GENERAL1_XLARGE"
  | "BUILD_GENERAL1_2XLARGE";

/** One CodeBuild stage: its project, and what its role may do beyond the defaults. */
export interface PipelineStageProps {
  readonly buildspec: Buildspec;
  /** @default "BUILD_GENERAL1_SMALL" ("BUILD_GENERAL1_LARGE" for the build stage) */
  readonly computeType?: CodeBuildComputeType;
  /** @default 60 */
  readonly timeoutMinutes?: number;
  /** Plain-text environment variables of the project (never secrets). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * What the stage's role may do besides its defaults, e.g. reading a secret the build needs.
   * @default []
   */
  readonly statements?: readonly DataAwsIamPolicyDocumentStatement[];
}

export interface PipelineBuildStageProps extends PipelineStageProps {
  /**
   * The ECR repository the build pushes the app's image to. Giving it turns on privileged mode
   * (Docker needs it) and lets the build push there; without it the build is unprivileged and
   * cannot reach ECR.
   * @default - the build makes no container image
   */
  readonly imageRepositoryArn?: string;
}

/** The migrator Lambda (`Migrator` construct) and what it is told to run. */
export interface PipelineMigrationProps {
  /** The migrator function's name, e.g. `shop-prod-api-migrator`. */
  readonly functionName: string;
  /**
   * The action's UserParameters (see packages/lambdas/migrator/README.md): an object or its JSON,
   * at most 1000 characters. Values may name variables of earlier actions, e.g.
   * `{"kind":"lambda","functionName":"shop-prod-api","qualifier":"#{DeployVariables.MANAGE_VERSION}"}`
   * where the deploy buildspec lists `MANAGE_VERSION` under `env.exported-variables`; or the
   * whole value may be one variable, e.g. `#{DeployVariables.MIGRATION_PARAMETERS}`.
   */
  readonly userParameters: Readonly<Record<string, unknown>> | string;
}

/** A manual approval between Plan and Deploy. */
export interface PipelineApprovalProps {
  /** SNS topic told when an approval is waiting. @default - no notification */
  readonly notificationTopicArn?: string;
  /** @default - asks to review the Plan stage's output for the commit, then approve */
  readonly comment?: string;
}

export interface PipelineProps {
  /**
   * The prefix of every physical name, usually `<project>-<env>-<app>`: the pipeline is
   * `<name>-pipeline`, the projects `<name>-build`, `<name>-plan`, `<name>-deploy`,
   * `<name>-release`.
   */
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly source: PipelineSourceProps;
  /** Builds the app (and its image) from the source; its output is the `Build` artifact. */
  readonly build: PipelineBuildStageProps;
  /** Runs `terraform plan -out` with the built app; its output is the `Plan` artifact. */
  readonly plan: PipelineStageProps;
  /** Applies the saved plan and uploads static assets; traffic does not move yet. */
  readonly deploy: PipelineStageProps;
  /** Moves traffic to the new version, after the migrations succeeded. */
  readonly release: PipelineStageProps;
  /**
   * An UpdatePipeline stage between Source and Build that applies the pipeline's own stack, so
   * that a change to the pipeline in the repository reaches it. Its role may assume the deploy
   * role and start and stop this pipeline's executions (to restart on the new definition).
   * @default - no UpdatePipeline stage: the pipeline changes only when someone applies its stack
   */
  readonly selfUpdate?: PipelineStageProps;
  /**
   * Run the migrator between Deploy and Release.
   * @default - no Migrate stage (an app without a database)
   */
  readonly migration?: PipelineMigrationProps;
  /**
   * Wait for a person's approval between Plan and Deploy (e.g. for production).
   * @default false
   */
  readonly approvalBeforeDeploy?: boolean | PipelineApprovalProps;
  /**
   * The role Terraform runs as. Plan, Deploy and Release may assume it and nothing broader; its
   * trust policy must name their roles (`terraformRoleArns`).
   */
  readonly deployRoleArn: string;
  /**
   * Where Terraform keeps state: Plan, Deploy and Release may read and write its key prefix, for
   * a backend that uses the stage's own credentials.
   * @default - the stages get no state access: Terraform reaches the state as the deploy role
   * (zonke's CLI runs all of Terraform as `$ZONKE_DEPLOY_ROLE_ARN`)
   */
  readonly terraformState?: S3StateBackend;
  /**
   * The KMS key the state objects are encrypted with: the state bucket's default key
   * (`StateBucket.kmsKey`) when `terraformState.kmsKeyArn` is not set. Plan, Deploy and Release
   * may use it to read and write state.
   * @default - `terraformState.kmsKeyArn`; without either, the state must use SSE-S3
   */
  readonly terraformStateKeyArn?: string;
  /**
   * The CPU the builds run on; match the Lambda and container architecture so native modules
   * and images are built natively.
   * @default "arm64"
   */
  readonly buildArchitecture?: "arm64" | "x86_64";
  /** Days the build logs are kept. @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the build logs. @default - the pipeline's artifact key */
  readonly logsKmsKeyArn?: string;
  /** Days after which artifacts are deleted. @default 30 */
  readonly artifactExpirationDays?: number;
  /** Server access logs of the artifact bucket. @default - none */
  readonly artifactAccessLogs?: { readonly bucketName: string; readonly prefix: string };
  /**
   * Let `terraform destroy` delete the artifact bucket with artifacts still in it (they are all
   * rebuilt from the repository).
   * @default true
   */
  readonly forceDestroyArtifacts?: boolean;
}
