import { TerraformOutput } from "cdktf";
import { Pipeline, type PipelineStageProps } from "@zonke/modules";
import { pipelineBuildspecs, MIGRATION_VARIABLE } from "../delivery/buildspecs";
import { appResourceNames } from "../resource-names";
import type { Delivery } from "./delivery-stack";
import { appStack, type ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/** Besides the app's folder, what every app's build reads: shared packages, config, lockfile. */
const SHARED_PATHS = ["packages/**", "zonke.config.ts", "package-lock.json"];

/**
 * `<project>-<env>-<app>-pipeline`: the app's CodePipeline in this environment (see the Pipeline
 * module), started by a push to the app's branch that touches its folder or what it shares, with
 * buildspecs made of `zonke` commands. It updates itself (UpdatePipeline) once `zonke pipeline
 * deploy` has created it.
 */
export function composePipelineStack(
  context: AppContext,
  shared: Delivery,
  options: { readonly imageRepositoryArn?: string },
): ZonkeStack {
  const { config, envName, env, appConfig } = context;
  const { connectionArn, deployRoleArn } = shared;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const stack = appStack(context, "-pipeline");

  const migrates = appConfig.database !== undefined;
  const buildspecs = pipelineBuildspecs({ envName, appName: appConfig.name, migrates });
  const asDeployer: PipelineStageProps["environment"] = { ZONKE_DEPLOY_ROLE_ARN: deployRoleArn };
  const pipeline = new Pipeline(stack, "Pipeline", {
    name: names.prefix,
    region: env.region,
    accountId: env.account,
    source: {
      connection: { kind: "existing", connectionArn },
      repository: config.delivery!.repository,
      branch: appConfig.branches[envName]!,
      filePaths: [`${appConfig.path}/**`, ...SHARED_PATHS, ...appConfig.watchPaths],
      excludedFilePaths: ["**/*.md"],
    },
    selfUpdate: { buildspec: buildspecs.selfUpdate, environment: asDeployer },
    build: {
      buildspec: buildspecs.build,
      ...(options.imageRepositoryArn ? { imageRepositoryArn: options.imageRepositoryArn } : {}),
    },
    plan: { buildspec: buildspecs.plan, environment: asDeployer },
    deploy: { buildspec: buildspecs.deploy, environment: asDeployer },
    release: { buildspec: buildspecs.release, environment: asDeployer },
    ...(migrates
      ? {
          migration: {
            functionName: names.migratorFunction,
            userParameters: `#{DeployVariables.${MIGRATION_VARIABLE}}`,
          },
        }
      : {}),
    approvalBeforeDeploy: env.delivery.approval ?? env.production,
    // No state grants: zonke runs all of Terraform, state included, as the deploy role.
    deployRoleArn,
  });
  new TerraformOutput(stack, "pipeline_name", { value: pipeline.pipelineName });
  new TerraformOutput(stack, "terraform_role_arns", { value: pipeline.terraformRoleArns });
  return stack;
}
