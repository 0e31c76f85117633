import { TerraformOutput, TerraformVariable } from "cdktf";
import { ContainerRepository, DjangoLambda, Migrator } from "@zonke/modules";
import { sharedArtifact } from "./artifacts";
import { finishLambdaWebApp, startLambdaWebApp } from "./lambda-web-app";
import { appResourceNames } from "../resource-names";
import { ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/** The variable that carries the image to deploy, set by the pipeline (`TF_VAR_image_digest`). */
export const IMAGE_DIGEST_VARIABLE = "image_digest";

/**
 * A Django monolith on Lambda, in two stacks:
 *
 * - `<project>-<env>-<app>-registry`: the app's image repository. The pipeline applies it first,
 *   because it pushes the image before the app's stack can name it.
 * - `<project>-<env>-<app>`: the shared Lambda web app (data, edge signer, distribution with
 *   `/static/*` from the assets bucket, warmer) around the Django server running that image by
 *   digest, its manage function, and the migrator the pipeline runs before traffic moves.
 *
 * The digest is a Terraform variable rather than something synth reads: the image is built by the
 * pipeline (Docker cannot run everywhere synth does), and the plan then shows which image ships.
 */
export function composeDjangoLambdaApp(context: AppContext): ZonkeStack[] {
  const { config, envName, env, appConfig, network } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const registryStack = new ZonkeStack(context.app, `${names.prefix}-registry`, {
    project: config.project,
    envName,
    env,
    state: context.state,
    appName: appConfig.name,
  });
  const repository = new ContainerRepository(registryStack, "Images", {
    name: names.imageRepository,
    lambdaPullAccountId: env.account,
  });
  new TerraformOutput(registryStack, "repository_url", { value: repository.repositoryUrl });
  // Spelled out rather than read from the registry stack: a cross-stack reference would make the
  // app's plan depend on the registry's state, and the address is fixed by account, region, name.
  const repositoryUrl = `${env.account}.dkr.ecr.${env.region}.amazonaws.com/${names.imageRepository}`;

  const app = startLambdaWebApp(context);
  const digest = new TerraformVariable(app.stack, IMAGE_DIGEST_VARIABLE, {
    type: "string",
    description: `Digest of the ${appConfig.name} image to deploy (sha256:...), pushed to the registry stack's repository`,
    validation: [
      {
        condition: `\${can(regex("^sha256:[0-9a-f]{64}$", var.${IMAGE_DIGEST_VARIABLE}))}`,
        errorMessage: "image_digest must be an image digest: sha256: followed by 64 hex digits.",
      },
    ],
  });
  const server = new DjangoLambda(app.stack, "Server", {
    functionName: app.names.serverFunction,
    imageUri: `${repositoryUrl}@${digest.stringValue}`,
    network: app.serverNetwork,
    secrets: app.data.secretSources,
    environment: app.data.environment,
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  const migrator = new Migrator(app.stack, "Migrator", {
    functionName: `${app.names.prefix}-migrator`,
    artifact: sharedArtifact("migrator"),
    target: { kind: "lambda", functionArn: server.manageFunction.arn },
    logsKmsKeyArn: network.logsKmsKeyArn,
  });
  finishLambdaWebApp(context, app, { server, buildAssetsPath: "/static/*", publicPaths: [] });
  new TerraformOutput(app.stack, "manage_function", {
    value: server.manageFunction.functionName,
  });
  new TerraformOutput(app.stack, "manage_version", { value: server.manageFunction.version });
  new TerraformOutput(app.stack, "migrator_function", { value: migrator.functionName });
  return [registryStack, app.stack];
}
