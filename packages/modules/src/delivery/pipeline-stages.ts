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

export interface StageWiring {
  readonly connectionArn: string;
  readonly source: PipelineSourceProps;
  readonly projectNames: {
    readonly build: string;
    readonly plan: string;
    readonly deploy: string;
    readonly release: string;
  };
  readonly approval?: PipelineApprovalProps;
  readonly migration?: { readonly functionName: string; readonly userParameters: string };
}

/**
 * The stages, in the only order that never serves new code on an old schema: Source, Build,
 * Plan, [Approval], Deploy (apply the saved plan; new versions exist, traffic has not moved),
 * Migrate (a failure stops the execution here, the old version still serving), Release (move
 * traffic). Every build clones the commit (`CODEBUILD_CLONE_REF`) as its primary source and gets
 * the earlier stages' outputs: `Build` (the built app) and `Plan` (the saved plan).
 */
export function pipelineStages(wiring: StageWiring): CodepipelineStage[] {
  const { source, projectNames } = wiring;
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
    stage("Build", codeBuild("Build", projectNames.build, ["Source"], ["Build"])),
    stage("Plan", codeBuild("Plan", projectNames.plan, ["Source", "Build"], ["Plan"])),
    ...(wiring.approval ? [stage("Approval", approvalAction(wiring.approval))] : []),
    stage("Deploy", codeBuild("Deploy", projectNames.deploy, ["Source", "Build", "Plan"], [])),
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
    stage("Release", codeBuild("Release", projectNames.release, ["Source", "Build"], [])),
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

function codeBuild(
  name: Exclude<keyof typeof ACTION_NAMESPACES, "Source">,
  projectName: string,
  inputs: string[],
  outputs: string[],
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
      // With several inputs, the source directory is the clone; the others are beside it
      // ($CODEBUILD_SRC_DIR_Build, $CODEBUILD_SRC_DIR_Plan).
      ...(inputs.length > 1 ? { PrimarySource: "Source" } : {}),
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
