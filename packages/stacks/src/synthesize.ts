import * as fs from "node:fs";
import * as path from "node:path";
import { App, type TerraformStack } from "cdktf";
import type { StateBackendConfig } from "@zonke/modules";
import { ValidationError } from "@zonke/modules";
import type { LoadedConfig } from "./config/load";
import { DEFAULT_LOCAL_STATE_DIR, type AppConfig, type ZonkeConfig } from "./config/schema";
import { findArchitecture } from "./architectures/registry";
import { composeNetworkStack } from "./composers/network-stack";
import { composeStateStack } from "./composers/state-stack";
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

    const apis = new Map<string, DjangoApi>();
    for (const appConfig of apisFirst(config.apps)) {
      const compose = findArchitecture(appConfig.architecture).compose[appConfig.kind];
      if (!compose) {
        pending.push({
          environment: envName,
          app: appConfig.name,
          architecture: appConfig.architecture,
        });
        continue;
      }
      for (const stack of compose({ ...context, network, appConfig, apis })) add(envName, stack);
    }
  }
  return { app, stacks, pending };
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
