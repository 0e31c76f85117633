import { TerraformOutput } from "cdktf";
import { Network } from "@zonke/modules";
import { ZonkeStack } from "./zonke-stack";
import type { EnvironmentContext } from "./types";

/** `<project>-<env>-network`: the VPC every app of the environment runs in. */
export function composeNetworkStack(context: EnvironmentContext): {
  stack: ZonkeStack;
  network: Network;
} {
  const { config, envName, env } = context;
  const name = `${config.project}-${envName}`;
  const stack = new ZonkeStack(context.app, `${name}-network`, {
    project: config.project,
    envName,
    env,
    state: context.state,
  });
  const network = new Network(stack, "Network", {
    name,
    region: env.region,
    accountId: env.account,
    cidr: env.cidr,
    nat: env.nat,
    availabilityZones: env.availabilityZones,
  });
  new TerraformOutput(stack, "vpc_id", { value: network.vpcId });
  new TerraformOutput(stack, "private_subnet_ids", { value: network.privateSubnetIds });
  new TerraformOutput(stack, "isolated_subnet_ids", { value: network.isolatedSubnetIds });
  new TerraformOutput(stack, "workload_security_group_id", {
    value: network.workloadSecurityGroupId,
  });
  return { stack, network };
}
