import type { App, TerraformStack } from "cdktf";
import type { Network, StateBackendConfig } from "@zonke/modules";
import type { AppConfig, EnvironmentConfig, ZonkeConfig } from "../config/schema";

/** Everything a composer needs to build the stacks of one environment. */
export interface EnvironmentContext {
  readonly app: App;
  readonly config: ZonkeConfig;
  /** Folder of the config file; app paths and local state resolve from it. */
  readonly root: string;
  readonly envName: string;
  readonly env: EnvironmentConfig;
  /** Where this environment's stacks keep their state. */
  readonly state: StateBackendConfig;
}

/** The shared network of an environment, built before any app. */
export interface AppContext extends EnvironmentContext {
  readonly network: Network;
  readonly appConfig: AppConfig;
}

/** Builds the stacks of one app in one environment. */
export type AppComposer = (context: AppContext) => TerraformStack[];
