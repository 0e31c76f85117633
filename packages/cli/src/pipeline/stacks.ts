/**
 * The stacks `zonke pipeline deploy` applies, in order: the environment's `<project>-<env>-delivery`
 * (the source connection and the deploy role every pipeline of the environment shares, when the
 * config has it make them), then per app `<project>-<env>-<app>-registry` (the image repository,
 * which must exist before the pipeline's first build pushes) and `<project>-<env>-<app>-pipeline`.
 */
import * as path from "node:path";
import {
  appResourceNames,
  environmentResourceNames,
  findArchitecture,
  type LoadedConfig,
} from "@zonke/stacks";
import { UsageError } from "../errors";
import { stackOwner, type SynthesisedStack } from "../plan/stacks";

export interface AppDeliveryStacks {
  readonly app: string;
  readonly registry?: SynthesisedStack;
  readonly pipeline: SynthesisedStack;
}

export interface DeliveryStacks {
  readonly delivery?: SynthesisedStack;
  readonly apps: readonly AppDeliveryStacks[];
  /** Apps left out (not asked for by name): why each has no pipeline. */
  readonly skipped: readonly string[];
}

/**
 * Picks the delivery stacks out of an environment's synthesised stacks. An app asked for by name
 * (`named`) without a pipeline stack is a UsageError; with no names, such apps are skipped (and
 * said so), and an environment without any pipeline is a UsageError.
 */
export function deliveryStacks(
  loaded: LoadedConfig,
  env: string,
  apps: readonly string[],
  named: boolean,
  stacks: readonly SynthesisedStack[],
): DeliveryStacks {
  const { config } = loaded;
  const deliveryName = environmentResourceNames(config.project, env).deliveryStack;
  const chosen: AppDeliveryStacks[] = [];
  const skipped: string[] = [];
  for (const app of apps) {
    const own = stacks.filter((s) => {
      const owner = stackOwner(s.name, config);
      return owner.environment === env && owner.app === app;
    });
    const pipeline = own.find((s) => stackOwner(s.name, config).part === "pipeline");
    const registry = own.find((s) => stackOwner(s.name, config).part === "registry");
    if (!pipeline) {
      const error = noPipelineStack(loaded, env, app);
      if (named) throw error;
      skipped.push(error.message);
      continue;
    }
    chosen.push({ app, pipeline, ...(registry ? { registry } : {}) });
  }
  if (chosen.length === 0) {
    throw new UsageError(
      skipped.length === 1
        ? skipped[0]!
        : `no app of environment ${env} has a pipeline stack: ${skipped[0]}`,
    );
  }
  const delivery = stacks.find((s) => s.name === deliveryName);
  return { ...(delivery ? { delivery } : {}), apps: chosen, skipped };
}

/** Why an app has no `-pipeline` stack, as a UsageError. */
export function noPipelineStack(loaded: LoadedConfig, env: string, app: string): UsageError {
  const { config } = loaded;
  const stack = appResourceNames(config.project, env, app).pipelineStack;
  const appConfig = config.apps.find((a) => a.name === app);
  const configName = path.basename(loaded.file);
  let why: string;
  if (config.delivery === undefined) {
    why = `${configName} has no delivery section (delivery: { repository, connection }), so no app has a pipeline`;
  } else if (
    appConfig &&
    findArchitecture(appConfig.architecture).compose[appConfig.kind] === undefined
  ) {
    why = `its architecture (${appConfig.architecture}) has no stacks yet`;
  } else if (appConfig && appConfig.branches[env] === undefined) {
    why = `it has no branch for ${env} (apps "${app}" branches)`;
  } else {
    why = "synthesis made none";
  }
  return new UsageError(`app ${app} has no pipeline stack ${stack} in ${env}: ${why}`);
}
