import { Construct } from "constructs";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import type { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import type { DataAwsIamPolicyDocumentStatement as Statement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { physicalName } from "../naming";
import { ArtifactStore } from "./artifact-store";
import type { PipelineApprovalProps, PipelineProps, PipelineStageProps } from "./pipeline-props";
import { pipelineRole } from "./pipeline-role";
import { pipelineStages, pushTrigger } from "./pipeline-stages";
import { validatePipelineProps } from "./pipeline-validation";
import {
  artifactStatements,
  connectionStatement,
  imagePushStatements,
  terraformStatements,
  type ArtifactLocation,
} from "./stage-permissions";
import { StageProject } from "./stage-project";

/** The stages that run a CodeBuild project. */
export type PipelineBuildStage = "build" | "plan" | "deploy" | "release";

const STAGE_DESCRIPTIONS: Record<PipelineBuildStage | "update", string> = {
  update: "Applies the pipeline's own stack, restarting the run when its definition changed",
  build: "Builds the app from the commit",
  plan: "Plans the Terraform changes of the release and saves the plan",
  deploy: "Applies the saved plan and uploads static assets; traffic does not move",
  release: "Moves traffic to the new version after its migrations",
};

/**
 * One app's delivery in one environment: a CodePipeline (V2) that a push to the environment's
 * branch starts, running Source, an optional UpdatePipeline (`selfUpdate`: the pipeline applies
 * its own stack first), Build, Plan, an optional manual approval, Deploy, Migrate (the migrator
 * Lambda; a failure stops the release while the old version keeps serving) and Release, in that
 * order, so new code never serves on an old schema. Every build gets ZONKE_PIPELINE_NAME and
 * ZONKE_PIPELINE_EXECUTION_ID.
 *
 * Executions are QUEUED, one after another in push order: a release is never skipped or
 * overtaken half-way (SUPERSEDED would let a newer execution take over between Deploy and
 * Migrate, after the older one had applied its plan), and each saved plan is applied to the
 * state it was made against.
 *
 * Every role does one job: the pipeline's may use its connection, its artifacts and key, start
 * its own four projects and invoke its migrator, and pass no role. Each project's role writes
 * its own encrypted log group and this pipeline's artifacts; the build's may push to the app's
 * image repository (and only then runs privileged); Plan, Deploy and Release may assume the
 * deploy role and read and write the Terraform state, and hold no other rights to change AWS.
 *
 * What the buildspecs can count on: UpdatePipeline and Build run in a git clone of the commit;
 * the build and plan buildspecs must declare `artifacts` (they become the `Build` and `Plan`
 * artifacts); Plan and Release run in the `Build` artifact and Deploy in the `Plan` one, with the
 * others beside them (`$CODEBUILD_SRC_DIR_Source`, ...); Plan, Deploy and Release run Terraform
 * and AWS calls as the deploy role (zonke's CLI assumes `$ZONKE_DEPLOY_ROLE_ARN`); variables
 * a buildspec lists under `env.exported-variables` reach the migrator's UserParameters as
 * `#{DeployVariables.<name>}` (also `SourceVariables`, `BuildVariables`, `PlanVariables`).
 *
 * **A new connection needs a one-time handshake.** Terraform creates a CodeStar connection in
 * the PENDING state, and the pipeline's first run fails at Source until someone with access to
 * the Git host opens Developer Tools > Settings > Connections in the console, chooses the
 * connection and "Update pending connection", and installs or picks the host's app. Then push
 * again or choose "Release change". Share one connection between pipelines (`kind: "existing"`)
 * to do this once.
 */
export class Pipeline extends Construct {
  /** The pipeline resource (an escape hatch: `addOverride` for what the props do not cover). */
  readonly pipeline: Codepipeline;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly connectionArn: string;
  readonly artifactBucketName: string;
  readonly artifactKeyArn: string;
  readonly projects: Readonly<Record<PipelineBuildStage, CodebuildProject>>;
  readonly projectNames: Readonly<Record<PipelineBuildStage, string>>;
  readonly projectRoleArns: Readonly<Record<PipelineBuildStage, string>>;
  /** The UpdatePipeline stage's project, when `selfUpdate` is set. */
  readonly selfUpdateProject: StageProject | undefined;
  /** The roles that run Terraform: the deploy role's trust policy must name these. */
  readonly terraformRoleArns: readonly string[];

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    validatePipelineProps(props);
    this.pipelineName = physicalName("codePipeline", [props.name, "pipeline"]);

    this.connectionArn = this.sourceConnection(props);
    const store = new ArtifactStore(this, "Artifacts", {
      name: props.name,
      bucketName: physicalName("s3Bucket", [props.name, "artifacts", props.accountId]),
      region: props.region,
      accountId: props.accountId,
      expirationDays: props.artifactExpirationDays ?? 30,
      forceDestroy: props.forceDestroyArtifacts ?? true,
      ...(props.artifactAccessLogs ? { accessLogs: props.artifactAccessLogs } : {}),
    });
    this.artifactBucketName = store.bucketName;
    this.artifactKeyArn = store.keyArn;
    const artifacts: ArtifactLocation = {
      bucketName: store.bucketName,
      objectPrefix: this.pipelineName.slice(0, 20),
      keyArn: store.keyArn,
    };

    const projects = this.stageProjects(props, artifacts);
    this.selfUpdateProject = props.selfUpdate
      ? this.selfUpdateStage(props, props.selfUpdate, artifacts)
      : undefined;
    this.projects = mapStages((stage) => projects[stage].project);
    this.projectNames = mapStages((stage) => projects[stage].projectName);
    this.projectRoleArns = mapStages((stage) => projects[stage].role.arn);
    this.terraformRoleArns = [
      ...(this.selfUpdateProject ? [this.selfUpdateProject.role.arn] : []),
      ...(["plan", "deploy", "release"] as const).map((stage) => projects[stage].role.arn),
    ];
    const allProjects = [
      ...(this.selfUpdateProject ? [this.selfUpdateProject] : []),
      ...Object.values(projects),
    ];

    const approval = approvalOf(props.approvalBeforeDeploy);
    const role = pipelineRole(this, {
      roleName: this.pipelineName,
      connectionArn: this.connectionArn,
      artifacts,
      projectArns: allProjects.map((project) => project.projectArn),
      ...(props.migration
        ? {
            migratorFunctionArn: `arn:aws:lambda:${props.region}:${props.accountId}:function:${props.migration.functionName}`,
          }
        : {}),
      ...(approval?.notificationTopicArn
        ? { approvalTopicArn: approval.notificationTopicArn }
        : {}),
    });
    this.pipeline = new Codepipeline(this, "Resource", {
      name: this.pipelineName,
      roleArn: role.role.arn,
      pipelineType: "V2",
      executionMode: "QUEUED",
      artifactStore: [
        {
          location: store.bucket.bucketName,
          type: "S3",
          encryptionKey: { id: store.keyArn, type: "KMS" },
        },
      ],
      stage: pipelineStages({
        pipelineName: this.pipelineName,
        connectionArn: this.connectionArn,
        source: props.source,
        projectNames: {
          ...this.projectNames,
          ...(this.selfUpdateProject ? { selfUpdate: this.selfUpdateProject.projectName } : {}),
        },
        ...(approval ? { approval } : {}),
        ...(props.migration
          ? {
              migration: {
                functionName: props.migration.functionName,
                userParameters:
                  typeof props.migration.userParameters === "string"
                    ? props.migration.userParameters
                    : JSON.stringify(props.migration.userParameters),
              },
            }
          : {}),
      }),
      trigger: [pushTrigger(props.source)],
      // Creating a pipeline starts its first run: every grant must be in place by then.
      dependsOn: [role.policy, ...allProjects.map((project) => project.rolePolicy)],
    });
    this.pipelineArn = this.pipeline.arn;
  }

  private sourceConnection(props: PipelineProps): string {
    const connection = props.source.connection;
    if (connection.kind === "existing") return connection.connectionArn;
    return new CodestarconnectionsConnection(this, "Connection", {
      name: connection.name ?? props.name,
      providerType: connection.providerType,
    }).arn;
  }

  private selfUpdateStage(
    props: PipelineProps,
    stageProps: PipelineStageProps,
    artifacts: ArtifactLocation,
  ): StageProject {
    const pipelineArn = `arn:aws:codepipeline:${props.region}:${props.accountId}:${this.pipelineName}`;
    return this.stageProject(
      props,
      "update",
      stageProps,
      selfUpdateGrants(props, pipelineArn, this.connectionArn, artifacts),
      artifacts,
    );
  }

  private stageProject(
    props: PipelineProps,
    stage: PipelineBuildStage | "update",
    stageProps: PipelineStageProps,
    grants: Statement[],
    artifacts: ArtifactLocation,
  ): StageProject {
    const imageRepository = props.build.imageRepositoryArn;
    return new StageProject(this, capitalise(stage), {
      projectName: `${props.name}-${stage}`,
      description: `${STAGE_DESCRIPTIONS[stage]} (${this.pipelineName})`,
      region: props.region,
      accountId: props.accountId,
      buildspec: stageProps.buildspec,
      architecture: props.buildArchitecture ?? "arm64",
      // Next.js and image builds run out of memory on SMALL's 3 GB.
      computeType:
        stageProps.computeType ??
        (stage === "build" ? "BUILD_GENERAL1_LARGE" : "BUILD_GENERAL1_SMALL"),
      timeoutMinutes: stageProps.timeoutMinutes ?? 60,
      environment: stageProps.environment ?? {},
      privileged: stage === "build" && imageRepository !== undefined,
      artifactKeyArn: artifacts.keyArn,
      logRetentionDays: props.logRetentionDays ?? 365,
      logsKmsKeyArn: props.logsKmsKeyArn ?? artifacts.keyArn,
      statements: [...grants, ...(stageProps.statements ?? [])],
    });
  }

  private stageProjects(
    props: PipelineProps,
    artifacts: ArtifactLocation,
  ): Record<PipelineBuildStage, StageProject> {
    // Build and Plan hand artifacts on (Build, Plan); Deploy and Release only read them.
    const readsAndWrites = [
      connectionStatement(this.connectionArn),
      ...artifactStatements(artifacts, "read-write"),
    ];
    const reads = [
      connectionStatement(this.connectionArn),
      ...artifactStatements(artifacts, "read"),
    ];
    const terraform = terraformGrants(props);
    const imageRepository = props.build.imageRepositoryArn;
    const project = (
      stage: PipelineBuildStage,
      stageProps: PipelineStageProps,
      grants: Statement[],
    ) => this.stageProject(props, stage, stageProps, grants, artifacts);
    return {
      build: project("build", props.build, [
        ...readsAndWrites,
        ...(imageRepository !== undefined ? imagePushStatements(imageRepository) : []),
      ]),
      plan: project("plan", props.plan, [...readsAndWrites, ...terraform]),
      deploy: project("deploy", props.deploy, [...reads, ...terraform]),
      release: project("release", props.release, [...reads, ...terraform]),
    };
  }
}

function terraformGrants(props: PipelineProps): Statement[] {
  return terraformStatements(
    props.deployRoleArn,
    props.terraformState,
    props.terraformStateKeyArn ?? props.terraformState?.kmsKeyArn,
  );
}

/** What the UpdatePipeline stage may do: read the source, run Terraform, restart this pipeline. */
function selfUpdateGrants(
  props: PipelineProps,
  pipelineArn: string,
  connectionArn: string,
  artifacts: ArtifactLocation,
): Statement[] {
  return [
    connectionStatement(connectionArn),
    ...artifactStatements(artifacts, "read"),
    ...terraformGrants(props),
    {
      sid: "RestartOwnPipeline",
      actions: ["codepipeline:StartPipelineExecution", "codepipeline:StopPipelineExecution"],
      resources: [pipelineArn],
    },
  ];
}

function approvalOf(
  approval: PipelineProps["approvalBeforeDeploy"],
): PipelineApprovalProps | undefined {
  if (approval === true) return {};
  return approval || undefined;
}

function mapStages<T>(value: (stage: PipelineBuildStage) => T): Record<PipelineBuildStage, T> {
  return {
    build: value("build"),
    plan: value("plan"),
    deploy: value("deploy"),
    release: value("release"),
  };
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
