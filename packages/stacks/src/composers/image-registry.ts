import { TerraformOutput } from "cdktf";
import { ContainerRepository } from "@zonke/modules";
import { appResourceNames } from "../resource-names";
import { appStack, type ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/** An app's image repository, and how the app's own stack addresses it. */
export interface ImageRegistry {
  /** `<project>-<env>-<app>-registry`. */
  readonly stack: ZonkeStack;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<project>/<env>/<app>`. */
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
}

/**
 * `<project>-<env>-<app>-registry`: the ECR repository of an app that runs from a container image.
 * It is a stack of its own because the pipeline applies it first: it pushes the image before the
 * app's stack can name it by digest. The app's stack spells the address out rather than reading
 * this stack's state, so its plan never depends on the registry's.
 */
export function composeImageRegistry(context: AppContext): ImageRegistry {
  const { config, envName, env, appConfig } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  const stack = appStack(context, "-registry");
  const repository = new ContainerRepository(stack, "Images", {
    name: names.imageRepository,
    lambdaPullAccountId: env.account,
  });
  new TerraformOutput(stack, "repository_url", { value: repository.repositoryUrl });
  return {
    stack,
    repositoryUrl: `${env.account}.dkr.ecr.${env.region}.amazonaws.com/${names.imageRepository}`,
    repositoryArn: `arn:aws:ecr:${env.region}:${env.account}:repository/${names.imageRepository}`,
  };
}
