import {
  ACCOUNT,
  DEPLOY_ROLE,
  onlyPipeline,
  pipelineStack,
  project,
  stageAction,
  stageNames,
  statementsBySid,
  type Json,
} from "./pipeline-fixtures";
import { Pipeline } from "../src";
import { pipelineProps } from "./pipeline-fixtures";
import { synth } from "./helpers";

const selfUpdate = {
  buildspec: {
    version: 0.2 as const,
    phases: { build: { commands: ["npx zonke pipeline deploy --self-update"] } },
  },
};

describe("Pipeline self-update", () => {
  const json = pipelineStack({ selfUpdate });

  it("applies its own stack between Source and Build, before anything is built", () => {
    expect(stageNames(json)).toEqual([
      "Source",
      "UpdatePipeline",
      "Build",
      "Plan",
      "Deploy",
      "Migrate",
      "Release",
    ]);
    expect(stageAction(json, "UpdatePipeline")).toMatchObject({
      category: "Build",
      provider: "CodeBuild",
      namespace: "UpdatePipelineVariables",
      input_artifacts: ["Source"],
      configuration: { ProjectName: "shop-prod-web-update" },
    });
    expect(project(json, "shop-prod-web-update")[1].source.buildspec).toContain(
      "npx zonke pipeline deploy --self-update",
    );
  });

  it("lets its project assume the deploy role and restart only this pipeline", () => {
    const grants = statementsBySid(json, "shop-prod-web-update");
    expect(grants["AssumeDeployRole"]).toMatchObject({
      actions: ["sts:AssumeRole"],
      resources: [DEPLOY_ROLE],
    });
    expect(grants["RestartOwnPipeline"]).toEqual({
      sid: "RestartOwnPipeline",
      actions: ["codepipeline:StartPipelineExecution", "codepipeline:StopPipelineExecution"],
      resources: [`arn:aws:codepipeline:eu-west-1:${ACCOUNT}:shop-prod-web-pipeline`],
    });
    // No other stage may restart the pipeline.
    for (const stage of ["build", "plan", "deploy", "release"]) {
      expect(statementsBySid(json, `shop-prod-web-${stage}`)["RestartOwnPipeline"]).toBeUndefined();
    }
  });

  it("is a Terraform role the deploy role must trust, and the pipeline may start it", () => {
    let pipeline: Pipeline | undefined;
    synth((stack) => {
      pipeline = new Pipeline(stack, "Pipeline", pipelineProps({ selfUpdate }));
    });
    expect(pipeline!.terraformRoleArns).toHaveLength(4);
    expect(pipeline!.selfUpdateProject).toBeDefined();
    const runs = statementsBySid(json, "shop-prod-web-pipeline")["RunOwnBuilds"]!;
    expect(runs.resources).toContain(
      `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/shop-prod-web-update`,
    );
  });

  it("has no UpdatePipeline stage unless asked", () => {
    const plain = pipelineStack();
    expect(stageNames(plain)).not.toContain("UpdatePipeline");
    expect(() => project(plain, "shop-prod-web-update")).toThrow("no project");
  });
});

describe("Pipeline run variables", () => {
  const json = pipelineStack({ selfUpdate });

  it("tell every build the pipeline's name and the execution it belongs to", () => {
    const builds = (onlyPipeline(json).stage as Json[])
      .flatMap((stage) => stage.action as Json[])
      .filter((action) => action.provider === "CodeBuild");
    expect(builds.map((action) => action.name)).toEqual([
      "UpdatePipeline",
      "Build",
      "Plan",
      "Deploy",
      "Release",
    ]);
    for (const action of builds) {
      expect(JSON.parse(action.configuration.EnvironmentVariables as string)).toEqual([
        { name: "ZONKE_PIPELINE_NAME", value: "shop-prod-web-pipeline", type: "PLAINTEXT" },
        {
          name: "ZONKE_PIPELINE_EXECUTION_ID",
          value: "#{codepipeline.PipelineExecutionId}",
          type: "PLAINTEXT",
        },
      ]);
    }
  });
});

describe("Pipeline migration parameters from an earlier action", () => {
  it("takes the whole UserParameters from a deploy variable", () => {
    const json = pipelineStack({
      migration: {
        functionName: "shop-prod-web-migrator",
        userParameters: "#{DeployVariables.MIGRATION_PARAMETERS}",
      },
    });
    expect(stageAction(json, "Migrate").configuration.UserParameters).toBe(
      "#{DeployVariables.MIGRATION_PARAMETERS}",
    );
  });

  it("refuses a variable of an action that runs after Migrate", () => {
    expect(() =>
      pipelineStack({
        migration: {
          functionName: "shop-prod-web-migrator",
          userParameters: "#{ReleaseVariables.MIGRATION_PARAMETERS}",
        },
      }),
    ).toThrow(/namespace "ReleaseVariables"; use one that runs before Migrate/);
  });
});

describe("Pipeline without state grants", () => {
  it("lets the Terraform stages only assume the deploy role, which reaches the state itself", () => {
    const json = pipelineStack({ terraformState: undefined });
    for (const stage of ["plan", "deploy", "release"]) {
      const grants = statementsBySid(json, `shop-prod-web-${stage}`);
      expect(grants["AssumeDeployRole"]).toBeDefined();
      expect(grants["ReadWriteState"]).toBeUndefined();
      expect(grants["ListStateBucket"]).toBeUndefined();
    }
  });
});
