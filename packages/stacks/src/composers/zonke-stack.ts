import type { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { configureStateBackend, tagResources, type StateBackendConfig } from "@zonke/modules";
import type { EnvironmentConfig } from "../config/schema";
import { appResourceNames } from "../resource-names";
import type { AppContext } from "./types";

export interface ZonkeStackProps {
  readonly project: string;
  readonly envName: string;
  readonly env: EnvironmentConfig;
  readonly state: StateBackendConfig;
  /** @default - a stack shared by every app of the environment */
  readonly appName?: string;
}

/**
 * A stack of one environment: the AWS provider pinned to the environment's account and region
 * (Terraform refuses to run with credentials of any other account), its state backend, and the
 * project/environment/app tags on every resource.
 */
export class ZonkeStack extends TerraformStack {
  readonly envName: string;

  constructor(scope: Construct, id: string, props: ZonkeStackProps) {
    super(scope, id);
    this.envName = props.envName;
    new AwsProvider(this, "aws", {
      region: props.env.region,
      allowedAccountIds: [props.env.account],
    });
    configureStateBackend(this, props.state);
    tagResources(this, {
      project: props.project,
      environment: props.envName,
      ...(props.appName ? { app: props.appName } : {}),
    });
  }
}

/** `<project>-<env>-<app><suffix>`: a stack of one app, with the environment's provider and state. */
export function appStack(context: AppContext, suffix = ""): ZonkeStack {
  const { config, envName, env, appConfig } = context;
  const names = appResourceNames(config.project, envName, appConfig.name);
  return new ZonkeStack(context.app, `${names.prefix}${suffix}`, {
    project: config.project,
    envName,
    env,
    state: context.state,
    appName: appConfig.name,
  });
}
