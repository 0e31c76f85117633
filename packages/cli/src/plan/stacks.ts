/**
 * Which stacks `zonke plan` covers: synthesised from the config by @zonke/stacks (its compiled
 * entry, `buildApp`, as `zonke-synth` and the CLI's other commands load it), or read from what
 * `zonke build` synthesised (`--no-synth`: cdktf.out/manifest.json), and chosen by environment and
 * app from their names (`<project>-<env>-<app>[-suffix]`, appResourceNames).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  appResourceNames,
  buildApp,
  findArchitecture,
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
  /** Leave out the apps' `<project>-<env>-<app>-pipeline` stacks. @default false */
  readonly skipPipeline?: boolean;
  /** Compose only the shared, registry and pipeline stacks (no app must be built). @default false */
  readonly pipelinesOnly?: boolean;
}

/** What buildApp composes for a selection: its apps (and their APIs) only. */
function composition(selection: Selection) {
  return {
    environments: selection.environments,
    ...(selection.apps.length > 0 ? { apps: selection.apps } : {}),
    ...(selection.pipelinesOnly ? { pipelinesOnly: true } : {}),
  };
}

/**
 * The stacks an app has besides `<project>-<env>-<app>`, by suffix: its image repository, which
 * the pipeline applies before it builds (image-registry.ts), and its delivery pipeline, which
 * `zonke pipeline deploy` applies (and the pipeline itself, in its UpdatePipeline stage).
 */
export const APP_STACK_SUFFIXES = ["registry", "pipeline"] as const;
export type AppStackPart = (typeof APP_STACK_SUFFIXES)[number];

export interface SynthesisedStack {
  readonly name: string;
  readonly environment: string;
  /** The folder with the stack's cdk.tf.json (Terraform's working directory). */
  readonly dir: string;
  /**
   * The stack's Terraform JSON in memory, for a stack composed but not synthesised (a dry run:
   * its folder may not exist, or hold an older synthesis).
   */
  readonly json?: () => unknown;
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
 * state); both are undefined for a stack of another config. `part` is the suffix of an app's
 * `-registry` or `-pipeline` stack (undefined for its main stack, `<project>-<env>-<app>`).
 */
export function stackOwner(
  stack: string,
  config: ZonkeConfig,
): { environment?: string; app?: string; part?: AppStackPart } {
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
  const prefixes = config.apps.map((app) => ({
    prefix: appResourceNames(config.project, environment, app.name).prefix,
    name: app.name,
  }));
  const app = longest(prefixes);
  if (app === undefined) return { environment };
  const suffix = stack.slice(prefixes.find((p) => p.name === app)!.prefix.length + 1);
  const part = APP_STACK_SUFFIXES.find((known) => known === suffix);
  return part === undefined ? { environment, app } : { environment, app, part };
}

/** Whether a stack is in the selection (no environments / no apps: all of them). */
export function isSelected(stack: string, config: ZonkeConfig, selection: Selection): boolean {
  const owner = stackOwner(stack, config);
  if (selection.skipPipeline && owner.part === "pipeline") return false;
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
  const { app, stacks, pending } = buildApp(loaded, { ...composition(selection), outdir });
  app.synth();
  const { config } = loaded;
  const notes = stateNotes(loaded, [...new Set(stacks.map((s) => s.environment))]);
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

/** What a reader of plans of `environments` should know about where their state is. */
function stateNotes(loaded: LoadedConfig, environments: readonly string[]): string[] {
  const { config, root } = loaded;
  return environments.flatMap((env) => {
    const state = stateBackendFor(config, env, root);
    if (state.kind !== "local") return [];
    return [
      `${env} keeps its Terraform state in local files (${path.relative(root, state.directory) || "."}): ` +
        "this plan compares with the state on the machine that ran it (a CI runner has none, so " +
        "everything shows as new); give the environment an S3 state backend to review real changes",
    ];
  });
}

/**
 * The selected stacks as synthesis would make them, without writing anything: the stacks are
 * composed in memory (so the same config and build mistakes fail as in a real run), never
 * synthesised. For `--dry-run`.
 */
export function composedStacks(
  loaded: LoadedConfig,
  selection: Selection,
  outdir: string,
): SynthesisedStack[] {
  // An existing folder: buildApp only makes sure it exists, and App writes nothing before synth.
  const { stacks } = buildApp(loaded, { ...composition(selection), outdir: os.tmpdir() });
  return stacks
    .filter((s) => isSelected(s.name, loaded.config, selection))
    .map((s) => ({
      name: s.name,
      environment: s.environment,
      dir: path.join(outdir, "stacks", s.name),
      json: () => s.stack.toTerraform() as unknown,
    }));
}

/** cdktf's record of what it synthesised into an output folder (the part zonke reads). */
interface SynthManifest {
  readonly stacks?: Readonly<Record<string, { readonly workingDirectory?: string }>>;
}

/**
 * The selected stacks that were synthesised into `outdir` already (by `zonke build` or
 * `zonke-synth`), for `zonke plan --no-synth`: from cdktf's `manifest.json`. Everything selected
 * must be there: a missing output folder, an environment or app without stacks in it, or a stack
 * without its `cdk.tf.json` is a UsageError that says to run `zonke build` first.
 */
export function readSynthesised(
  loaded: LoadedConfig,
  selection: Selection,
  outdir: string,
  cwd: string,
): Synthesis {
  const { config } = loaded;
  const shown = path.relative(cwd, outdir) || outdir;
  const buildFirst = (env = selection.environments[0], app = selection.apps[0]) =>
    `run zonke build${env ? ` --env ${env}` : ""}${app ? ` --app ${app}` : ""} first (or plan without --no-synth)`;
  let manifest: SynthManifest;
  try {
    manifest = JSON.parse(
      fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"),
    ) as SynthManifest;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UsageError(
      `--no-synth: ${missing ? `nothing is synthesised in ${shown} (no manifest.json)` : `${shown}/manifest.json is not cdktf's manifest`}: ${buildFirst()}`,
    );
  }
  const all = Object.entries(manifest.stacks ?? {}).map(([name, entry]) => ({
    name,
    owner: stackOwner(name, config),
    dir: path.resolve(outdir, entry.workingDirectory ?? path.join("stacks", name)),
  }));
  const chosen = all.filter((s) => isSelected(s.name, config, selection));
  const environments =
    selection.environments.length > 0
      ? selection.environments
      : [...new Set(chosen.map((s) => s.owner.environment!))];
  if (environments.length === 0) {
    throw new UsageError(`--no-synth: ${shown} holds no stacks of this config: ${buildFirst()}`);
  }
  for (const env of environments) {
    const ofEnv = chosen.filter((s) => s.owner.environment === env);
    const apps = selection.apps.length > 0 ? selection.apps : [undefined];
    for (const app of apps) {
      const appConfig = config.apps.find((a) => a.name === app);
      // An app whose architecture has no stacks yet is reported by synth, not missing here.
      if (
        appConfig &&
        findArchitecture(appConfig.architecture).compose[appConfig.kind] === undefined
      ) {
        continue;
      }
      if (!ofEnv.some((s) => app === undefined || s.owner.app === app)) {
        throw new UsageError(
          `--no-synth: ${shown} holds no stacks of ${app ? `app ${app} in ` : ""}environment ${env}: ${buildFirst(env, app)}`,
        );
      }
    }
  }
  for (const stack of chosen) {
    if (
      !fs.existsSync(path.join(stack.dir, "cdk.tf.json")) &&
      !fs.existsSync(path.join(stack.dir, "cdk.tf"))
    ) {
      throw new UsageError(
        `--no-synth: the folder of stack ${stack.name} (${path.relative(cwd, stack.dir) || stack.dir}) is missing or holds no cdk.tf.json: ${buildFirst(stack.owner.environment, stack.owner.app)}`,
      );
    }
  }
  return {
    stacks: chosen.map((s) => ({ name: s.name, environment: s.owner.environment!, dir: s.dir })),
    notes: stateNotes(loaded, environments),
  };
}
