import type { App, TerraformStack } from "cdktf";
import type { CdnVpcOrigin, Network, StateBackendConfig } from "@zonke/modules";
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

/** A Django API that front ends of the same environment route to (`api` in their config). */
export interface DjangoApi {
  /** The API's load balancer as a CloudFront origin (VPC origin). */
  readonly origin: CdnVpcOrigin;
  /** `http://<internal load balancer>`: for server-side calls inside the VPC (DJANGO_API_URL). */
  readonly internalUrl: string;
  /** The load balancer's security group and listener port, which clients connect to. */
  readonly securityGroupId: string;
  readonly port: number;
}

/** The shared network of an environment, built before any app. */
export interface AppContext extends EnvironmentContext {
  readonly network: Network;
  readonly appConfig: AppConfig;
  /** The Django APIs composed so far in this environment, by app name (APIs come first). */
  readonly apis: Map<string, DjangoApi>;
}

/** Builds the stacks of one app in one environment. */
export type AppComposer = (context: AppContext) => TerraformStack[];
