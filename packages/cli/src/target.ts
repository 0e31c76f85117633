import * as path from "node:path";
import {
  appResourceNames,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  type AppConfig,
  type AppResourceNames,
} from "@zonke/stacks";
import { UsageError } from "./errors";
import type { Target } from "./args";

/** The app and environment a command acts on, resolved from the config. */
export interface ResolvedTarget {
  readonly project: string;
  readonly envName: string;
  /** The AWS account and region the environment deploys to. */
  readonly account: string;
  readonly region: string;
  readonly app: AppConfig;
  readonly names: AppResourceNames;
  /** The keys the config declares for the app (`apps[].secrets`). */
  readonly declaredKeys: readonly string[];
  /** The config file as the user would write it (relative to the working directory). */
  readonly configName: string;
}

/** Loads and validates the config, then finds the app and the environment in it. */
export function resolveTarget(target: Target, cwd: string = process.cwd()): ResolvedTarget {
  const file = path.resolve(cwd, target.config ?? DEFAULT_CONFIG_FILE);
  const { config } = loadConfig(file);
  const configName = path.relative(cwd, file) || file;

  const env = config.environments[target.env];
  if (!Object.hasOwn(config.environments, target.env) || env === undefined) {
    throw new UsageError(
      `environment "${target.env}" is not in ${configName}; it defines ${list(Object.keys(config.environments))}`,
    );
  }
  const app = config.apps.find((candidate) => candidate.name === target.app);
  if (app === undefined) {
    throw new UsageError(
      `app "${target.app}" is not in ${configName}; it defines ${list(config.apps.map((a) => a.name))}`,
    );
  }
  return {
    project: config.project,
    envName: target.env,
    account: env.account,
    region: env.region,
    app,
    names: appResourceNames(config.project, target.env, app.name),
    declaredKeys: app.secrets,
    configName,
  };
}

function list(names: readonly string[]): string {
  return names.length === 1 ? `only ${names[0]}` : names.join(", ");
}
