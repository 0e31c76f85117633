import * as fs from "node:fs";
import * as path from "node:path";
import { App, type TerraformStack } from "cdktf";
import type { StateBackendConfig } from "@zonke/modules";
import { ValidationError } from "@zonke/modules";
import type { LoadedConfig } from "./config/load";
import { DEFAULT_LOCAL_STATE_DIR, type AppConfig, type ZonkeConfig } from "./config/schema";
import { findArchitecture, runsFromImage } from "./architectures/registry";
import { composeImageRegistry } from "./composers/image-registry";
import { composeNetworkStack } from "./composers/network-stack";
import { composeStateStack } from "./composers/state-stack";
import { composeDeliveryStack } from "./composers/delivery-stack";
import { composePipelineStack } from "./composers/pipeline-stack";
import { appResourceNames } from "./resource-names";
import type { DjangoApi, EnvironmentContext } from "./composers/types";

export interface SynthOptions {
  /** Environments to synthesise. @default - all of them */
  readonly environments?: readonly string[];
  /** Output folder. @default "cdktf.out" (or $CDKTF_OUTDIR when run by `cdktf synth`) */
  readonly outdir?: string;
  /** "local" puts every stack on local state, e.g. to plan offline. @default - as configured */
  readonly stateOverride?: "local";
  /** Write HCL (`cdk.tf`) instead of JSON (`cdk.tf.json`). @default false */
  readonly hcl?: boolean;
  /**
   * Compose only these apps (and the APIs they call, which they are wired to), e.g. to build one
   * app without the others' packages. @default - every app
   */
  readonly apps?: readonly string[];
  /**
   * Only what `zonke pipeline deploy` applies: the shared stacks, and each app's registry and
   * pipeline stacks, without its app stacks (so no app needs to be built first). @default false
   */
  readonly pipelinesOnly?: boolean;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly environment: string;
  readonly stack: TerraformStack;
}

export interface PendingApp {
  readonly environment: string;
  readonly app: string;
  readonly architecture: string;
}

export interface ZonkeApp {
  readonly app: App;
  readonly stacks: SynthesizedStack[];
  /** Apps whose architecture has no stacks yet. */
  readonly pending: PendingApp[];
}

/** Builds (without writing) every stack the config asks for, per environment. */
export function buildApp(loaded: LoadedConfig, options: SynthOptions = {}): ZonkeApp {
  const { config, root } = loaded;
  const envNames = selectEnvironments(config, options.environments);
  // cdktf 0.21 stacks read only $SYNTH_HCL_OUTPUT, not App's hclOutput: set it, as its CLI does.
  process.env.SYNTH_HCL_OUTPUT = String(options.hcl ?? false);
  // No stack traces: cdktf would capture one per construct and token, a third of synth time,
  // for metadata the JSON does not carry.
  const app = new App({
    outdir: prepareOutdir(options.outdir ?? (process.env.CDKTF_OUTDIR || "cdktf.out")),
    stackTraces: false,
  });
  const stacks: SynthesizedStack[] = [];
  const pending: PendingApp[] = [];
  const add = (environment: string, stack: TerraformStack | undefined) => {
    if (stack) stacks.push({ name: stack.node.id, environment, stack });
  };

  for (const envName of envNames) {
    const env = config.environments[envName]!;
    const context: EnvironmentContext = {
      app,
      config,
      root,
      envName,
      env,
      state: stateBackendFor(config, envName, root, options.stateOverride),
    };
    add(envName, composeStateStack(context));
    const { stack: networkStack, network } = composeNetworkStack(context);
    add(envName, networkStack);
    const delivery = composeDeliveryStack(context);
    add(envName, delivery?.stack);

    const apis = new Map<string, DjangoApi>();
    for (const appConfig of apisFirst(selectApps(config, options))) {
      if (options.pipelinesOnly) {
        if (!delivery) continue;
        const appContext = { ...context, network, appConfig, apis };
        if (runsFromImage(appConfig)) add(envName, composeImageRegistry(appContext).stack);
        add(
          envName,
          composePipelineStack(appContext, delivery, imageOf(config, envName, appConfig)),
        );
        continue;
      }
      const compose = findArchitecture(appConfig.architecture).compose[appConfig.kind];
      if (!compose) {
        pending.push({
          environment: envName,
          app: appConfig.name,
          architecture: appConfig.architecture,
        });
        continue;
      }
      const appContext = { ...context, network, appConfig, apis };
      const appStacks = compose(appContext);
      for (const stack of appStacks) add(envName, stack);
      if (delivery) {
        const image = imageOf(config, envName, appConfig);
        add(envName, composePipelineStack(appContext, delivery, image));
      }
    }
  }
  return { app, stacks, pending };
}

/** The app's image repository, for an app whose pipeline pushes an image. */
function imageOf(config: ZonkeConfig, envName: string, appConfig: AppConfig) {
  if (!runsFromImage(appConfig)) return {};
  const names = appResourceNames(config.project, envName, appConfig.name);
  const env = config.environments[envName]!;
  return {
    imageRepositoryArn: `arn:aws:ecr:${env.region}:${env.account}:repository/${names.imageRepository}`,
  };
}

/** The apps asked for and the APIs they call, in config order; all of them when none is named. */
function selectApps(config: ZonkeConfig, options: SynthOptions): AppConfig[] {
  const wanted = options.apps ?? [];
  if (wanted.length === 0) return [...config.apps];
  const unknown = wanted.filter((name) => !config.apps.some((a) => a.name === name));
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown app ${unknown.map((n) => `"${n}"`).join(", ")}; the config defines ${config.apps.map((a) => a.name).join(", ")}`,
    );
  }
  const apis = config.apps.filter((a) => wanted.includes(a.name)).flatMap((a) => a.api ?? []);
  return config.apps.filter((a) => wanted.includes(a.name) || apis.includes(a.name));
}

/** The apps in config order, except that the APIs front ends name come before everything else. */
function apisFirst(apps: readonly AppConfig[]): AppConfig[] {
  const named = new Set(apps.flatMap((a) => (a.api ? [a.api] : [])));
  return [...apps.filter((a) => named.has(a.name)), ...apps.filter((a) => !named.has(a.name))];
}

/** Creates the output folder (cdktf only creates its last level). */
function prepareOutdir(outdir: string): string {
  try {
    fs.mkdirSync(outdir, { recursive: true });
  } catch (error) {
    throw new ValidationError(
      `cannot create the output folder "${outdir}": ${(error as Error).message}`,
    );
  }
  return outdir;
}

function selectEnvironments(config: ZonkeConfig, wanted: readonly string[] | undefined): string[] {
  const all = Object.keys(config.environments);
  if (!wanted || wanted.length === 0) return all;
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new ValidationError(
      `unknown environment ${unknown.map((n) => `"${n}"`).join(", ")}; the config defines ${all.join(", ")}`,
    );
  }
  return all.filter((name) => wanted.includes(name));
}

/** The state backend of an environment's stacks, with paths resolved and defaults applied. */
export function stateBackendFor(
  config: ZonkeConfig,
  envName: string,
  root: string,
  override?: "local",
): StateBackendConfig {
  const env = config.environments[envName]!;
  const chosen = env.state ?? config.state;
  if (override === "local" || chosen.backend === "local") {
    const directory = chosen.backend === "local" ? chosen.directory : DEFAULT_LOCAL_STATE_DIR;
    return { kind: "local", directory: path.resolve(root, directory) };
  }
  return {
    kind: "s3",
    bucket: chosen.bucket,
    region: chosen.region ?? env.region,
    keyPrefix: chosen.keyPrefix ?? config.project,
    ...(chosen.roleArn ? { roleArn: chosen.roleArn } : {}),
  };
}
