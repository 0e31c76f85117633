import type {
  CodepipelineStage,
  CodepipelineStageAction,
  CodepipelineTrigger,
} from "@cdktf/provider-aws/lib/codepipeline";
import type { PipelineApprovalProps, PipelineSourceProps } from "./pipeline-props";

/**
 * The actions' variable namespaces, as `#{<namespace>.<name>}` names them. A CodeBuild action
 * exports the variables its buildspec lists under `env.exported-variables`.
 */
export const ACTION_NAMESPACES = {
  Source: "SourceVariables",
  UpdatePipeline: "UpdatePipelineVariables",
  Build: "BuildVariables",
  Plan: "PlanVariables",
  Deploy: "DeployVariables",
  Release: "ReleaseVariables",
} as const;

/** What the Migrate action may refer to: the actions before it, and CodePipeline's own. */
export const NAMESPACES_BEFORE_MIGRATE = [
  ACTION_NAMESPACES.Source,
  ACTION_NAMESPACES.Build,
  ACTION_NAMESPACES.Plan,
  ACTION_NAMESPACES.Deploy,
  "codepipeline",
];

/**
 * What every build is told about the run it belongs to (besides CodeBuild's own CODEBUILD_*
 * variables, e.g. CODEBUILD_RESOLVED_SOURCE_VERSION, the commit).
 */
export const RUN_VARIABLES = {
  pipelineName: "ZONKE_PIPELINE_NAME",
  executionId: "ZONKE_PIPELINE_EXECUTION_ID",
} as const;

export interface StageWiring {
  readonly pipelineName: string;
  readonly connectionArn: string;
  readonly source: PipelineSourceProps;
  readonly projectNames: {
    readonly build: string;
    readonly plan: string;
    readonly deploy: string;
    readonly release: string;
    /** The UpdatePipeline stage's project, when the pipeline updates itself. */
    readonly selfUpdate?: string;
  };
  readonly approval?: PipelineApprovalProps;
  readonly migration?: { readonly functionName: string; readonly userParameters: string };
}

/**
 * The stages, in the only order that never serves new code on an old schema: Source,
 * [UpdatePipeline: apply the pipeline's own stack, restarting on a new definition], Build,
 * Plan, [Approval], Deploy (apply the saved plan; new versions exist, traffic has not moved),
 * Migrate (a failure stops the execution here, the old version still serving), Release (move
 * traffic). UpdatePipeline and Build work in a clone of the commit (`CODEBUILD_CLONE_REF`); Plan
 * and Release in the `Build` artifact (the built workspace), Deploy in `Plan`'s (the workspace
 * with the saved plan); the clone and the other artifacts are beside them.
 */
export function pipelineStages(wiring: StageWiring): CodepipelineStage[] {
  const { source, projectNames } = wiring;
  const codeBuild = (
    name: Exclude<keyof typeof ACTION_NAMESPACES, "Source">,
    projectName: string,
    inputs: string[],
    outputs: string[],
  ) => codeBuildAction(name, projectName, inputs, outputs, wiring.pipelineName);
  return [
    stage("Source", {
      name: "Source",
      category: "Source",
      owner: "AWS",
      provider: "CodeStarSourceConnection",
      version: "1",
      namespace: ACTION_NAMESPACES.Source,
      outputArtifacts: ["Source"],
      configuration: {
        ConnectionArn: wiring.connectionArn,
        FullRepositoryId: source.repository,
        BranchName: source.branch,
        // A git clone for the builds, with history and tags, instead of a zip of the files.
        OutputArtifactFormat: "CODEBUILD_CLONE_REF",
      },
    }),
    ...(projectNames.selfUpdate
      ? [
          stage(
            "UpdatePipeline",
            codeBuild("UpdatePipeline", projectNames.selfUpdate, ["Source"], []),
          ),
        ]
      : []),
    stage("Build", codeBuild("Build", projectNames.build, ["Source"], ["Build"])),
    stage("Plan", codeBuild("Plan", projectNames.plan, ["Build", "Source"], ["Plan"])),
    ...(wiring.approval ? [stage("Approval", approvalAction(wiring.approval))] : []),
    stage("Deploy", codeBuild("Deploy", projectNames.deploy, ["Plan", "Source", "Build"], [])),
    ...(wiring.migration
      ? [
          stage("Migrate", {
            name: "Migrate",
            category: "Invoke",
            owner: "AWS",
            provider: "Lambda",
            version: "1",
            configuration: {
              FunctionName: wiring.migration.functionName,
              UserParameters: wiring.migration.userParameters,
            },
          }),
        ]
      : []),
    stage("Release", codeBuild("Release", projectNames.release, ["Build", "Source"], [])),
  ];
}

/** Start on pushes to the environment's branch only, filtered by the changed files if asked. */
export function pushTrigger(source: PipelineSourceProps): CodepipelineTrigger {
  const filePaths = {
    ...(source.filePaths ? { includes: [...source.filePaths] } : {}),
    ...(source.excludedFilePaths ? { excludes: [...source.excludedFilePaths] } : {}),
  };
  return {
    providerType: "CodeStarSourceConnection",
    gitConfiguration: {
      sourceActionName: "Source",
      push: [
        {
          branches: { includes: [source.branch] },
          ...(Object.keys(filePaths).length > 0 ? { filePaths } : {}),
        },
      ],
    },
  };
}

function stage(name: string, action: CodepipelineStageAction): CodepipelineStage {
  return { name, action: [action] };
}

function codeBuildAction(
  name: Exclude<keyof typeof ACTION_NAMESPACES, "Source">,
  projectName: string,
  inputs: string[],
  outputs: string[],
  pipelineName: string,
): CodepipelineStageAction {
  return {
    name,
    category: "Build",
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    namespace: ACTION_NAMESPACES[name],
    inputArtifacts: inputs,
    ...(outputs.length > 0 ? { outputArtifacts: outputs } : {}),
    configuration: {
      ProjectName: projectName,
      // With several inputs, the first is the working directory: the latest workspace (Build's,
      // or Plan's with the saved plan); the others are beside it ($CODEBUILD_SRC_DIR_Source...).
      ...(inputs.length > 1 ? { PrimarySource: inputs[0] } : {}),
      EnvironmentVariables: JSON.stringify([
        { name: RUN_VARIABLES.pipelineName, value: pipelineName, type: "PLAINTEXT" },
        {
          name: RUN_VARIABLES.executionId,
          value: "#{codepipeline.PipelineExecutionId}",
          type: "PLAINTEXT",
        },
      ]),
    },
  };
}

function approvalAction(approval: PipelineApprovalProps): CodepipelineStageAction {
  return {
    name: "Approve",
    category: "Approval",
    owner: "AWS",
    provider: "Manual",
    version: "1",
    configuration: {
      CustomData:
        approval.comment ??
        `Review the Plan stage's output for commit #{${ACTION_NAMESPACES.Source}.CommitId}, then approve to apply it.`,
      ...(approval.notificationTopicArn ? { NotificationArn: approval.notificationTopicArn } : {}),
    },
  };
}
