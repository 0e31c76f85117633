/**
 * Which stacks `zonke plan` covers: synthesised from the config by @zonke/stacks (its compiled
 * entry, `buildApp`, as `zonke-synth` and the CLI's other commands load it), and chosen by
 * environment and app from their names (`<project>-<env>-<app>[-suffix]`, appResourceNames).
 */
import * as path from "node:path";
import {
  appResourceNames,
  buildApp,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  stateBackendFor,
  type LoadedConfig,
  type ZonkeConfig,
} from "@zonke/stacks";
import { UsageError } from "../errors";

export interface Selection {
  readonly environments: readonly string[];
  readonly apps: readonly string[];
}

export interface SynthesisedStack {
  readonly name: string;
  readonly environment: string;
  /** The folder with the stack's cdk.tf.json (Terraform's working directory). */
  readonly dir: string;
}

export interface Synthesis {
  readonly stacks: readonly SynthesisedStack[];
  /** Things the reader of the plan should know (local state, apps without stacks). */
  readonly notes: readonly string[];
}

/** Loads the config and checks that the selection's environments and apps are in it. */
export function loadSelectedConfig(
  configFile: string | undefined,
  selection: Selection,
  cwd: string,
): LoadedConfig {
  const file = path.resolve(cwd, configFile ?? DEFAULT_CONFIG_FILE);
  const loaded = loadConfig(file);
  const name = path.relative(cwd, file) || file;
  const envs = Object.keys(loaded.config.environments);
  const unknownEnvs = selection.environments.filter((env) => !envs.includes(env));
  if (unknownEnvs.length > 0) {
    throw new UsageError(
      `${describe("environment", unknownEnvs)} not in ${name}; it defines ${envs.join(", ")}`,
    );
  }
  const apps = loaded.config.apps.map((app) => app.name);
  const unknownApps = selection.apps.filter((app) => !apps.includes(app));
  if (unknownApps.length > 0) {
    throw new UsageError(
      `${describe("app", unknownApps)} not in ${name}; it defines ${apps.join(", ")}`,
    );
  }
  return loaded;
}

function describe(what: string, names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`).join(", ");
  return names.length === 1 ? `${what} ${quoted} is` : `${what}s ${quoted} are`;
}

/**
 * The environment and app a stack belongs to, from its name: the longest matching
 * `<project>-<env>` and `<project>-<env>-<app>` prefixes (so `shop-dev-store-api-registry` is
 * store-api's, not store's). `app` is undefined for an environment's shared stacks (network,
 * state); both are undefined for a stack of another config.
 */
export function stackOwner(
  stack: string,
  config: ZonkeConfig,
): { environment?: string; app?: string } {
  const longest = (candidates: readonly { prefix: string; name: string }[]) =>
    candidates
      .filter(({ prefix }) => stack === prefix || stack.startsWith(`${prefix}-`))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0]?.name;
  const environment = longest(
    Object.keys(config.environments).map((env) => ({
      prefix: `${config.project}-${env}`,
      name: env,
    })),
  );
  if (environment === undefined) return {};
  const app = longest(
    config.apps.map((app) => ({
      prefix: appResourceNames(config.project, environment, app.name).prefix,
      name: app.name,
    })),
  );
  return app === undefined ? { environment } : { environment, app };
}

/** Whether a stack is in the selection (no environments / no apps: all of them). */
export function isSelected(stack: string, config: ZonkeConfig, selection: Selection): boolean {
  const owner = stackOwner(stack, config);
  if (selection.environments.length > 0) {
    if (owner.environment === undefined || !selection.environments.includes(owner.environment)) {
      return false;
    }
  }
  if (selection.apps.length > 0) {
    return owner.app !== undefined && selection.apps.includes(owner.app);
  }
  return true;
}

/** Synthesises the selected environments into `outdir` and returns the selected stacks. */
export function synthesise(loaded: LoadedConfig, selection: Selection, outdir: string): Synthesis {
  const { app, stacks, pending } = buildApp(loaded, {
    environments: selection.environments,
    outdir,
  });
  app.synth();
  const { config, root } = loaded;
  const notes: string[] = [];
  const envs = [...new Set(stacks.map((s) => s.environment))];
  for (const env of envs) {
    const state = stateBackendFor(config, env, root);
    if (state.kind === "local") {
      notes.push(
        `${env} keeps its Terraform state in local files (${path.relative(root, state.directory) || "."}): ` +
          "this plan compares with the state on the machine that ran it (a CI runner has none, so " +
          "everything shows as new); give the environment an S3 state backend to review real changes",
      );
    }
  }
  for (const p of pending) {
    if (selection.apps.length === 0 || selection.apps.includes(p.app)) {
      notes.push(
        `${p.environment}/${p.app} is not planned: its architecture (${p.architecture}) has no stacks yet`,
      );
    }
  }
  return {
    stacks: stacks
      .filter((s) => isSelected(s.name, config, selection))
      .map((s) => ({
        name: s.name,
        environment: s.environment,
        dir: path.join(app.outdir, "stacks", s.name),
      })),
    notes,
  };
}
