import { TerraformOutput } from "cdktf";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { DeployRole } from "@zonke/modules";
import { environmentResourceNames } from "../resource-names";
import { ZonkeStack } from "./zonke-stack";
import type { EnvironmentContext } from "./types";

/** What the environment's pipelines share. */
export interface Delivery {
  /** `<project>-<env>-delivery`, unless the config names both the connection and the role. */
  readonly stack?: ZonkeStack;
  /** The connection's ARN (a reference to the delivery stack's, which cdktf resolves). */
  readonly connectionArn: string;
  readonly deployRoleArn: string;
}

/** The stage roles of every pipeline of the environment, as `<project>-<env>-<app>-<stage>`. */
const TERRAFORM_STAGES = ["update", "plan", "deploy", "release"];

/**
 * `<project>-<env>-delivery`: what every pipeline of an environment shares, made once so that a
 * new connection needs one console handshake per environment, not one per app: the CodeStar
 * connection (unless the config names one by ARN) and the role Terraform runs as (unless the
 * environment names its own). `zonke pipeline deploy` applies it before the pipelines.
 */
export function composeDeliveryStack(context: EnvironmentContext): Delivery | undefined {
  const { config, envName, env } = context;
  const delivery = config.delivery;
  if (!delivery) return undefined;
  const names = environmentResourceNames(config.project, envName);
  const deployRoleArn =
    env.delivery.deployRoleArn ?? `arn:aws:iam::${env.account}:role/${names.deployRole}`;
  const ownRole = env.delivery.deployRoleArn === undefined;
  if ("arn" in delivery.connection && !ownRole) {
    return { connectionArn: delivery.connection.arn, deployRoleArn };
  }

  const stack = new ZonkeStack(context.app, names.deliveryStack, {
    project: config.project,
    envName,
    env,
    state: context.state,
  });
  let connectionArn: string;
  if ("provider" in delivery.connection) {
    const connection = new CodestarconnectionsConnection(stack, "Connection", {
      name: names.connection,
      providerType: delivery.connection.provider,
    });
    connectionArn = connection.arn;
    new TerraformOutput(stack, "connection_arn", {
      value: connection.arn,
      description: "Complete the handshake once in the console: Developer Tools > Connections",
    });
  } else {
    connectionArn = delivery.connection.arn;
  }
  if (ownRole) {
    const role = new DeployRole(stack, "DeployRole", {
      roleName: names.deployRole,
      accountId: env.account,
      iamNamePrefix: names.iamPrefix,
      trustedRoleArnPatterns: TERRAFORM_STAGES.map(
        (stage) => `arn:aws:iam::${env.account}:role/${names.iamPrefix}*-${stage}`,
      ),
    });
    new TerraformOutput(stack, "deploy_role_arn", { value: role.roleArn });
  }
  return { stack, connectionArn, deployRoleArn };
}
