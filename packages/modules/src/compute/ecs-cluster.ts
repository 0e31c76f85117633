import { Construct } from "constructs";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { physicalName } from "../naming";
import type {
  CapacityProviderShare,
  CpuArchitecture,
  EcsClusterCapacity,
} from "./ecs/cluster-capacity";
import { Ec2Capacity, type Ec2CapacityOptions } from "./ecs/ec2-capacity";
import { fargateStrategy, type FargateCapacityOptions } from "./ecs/fargate-capacity";

export type { Ec2CapacityNetwork, Ec2CapacityOptions } from "./ecs/ec2-capacity";
export type { FargateCapacityOptions, FargateSpotShare } from "./ecs/fargate-capacity";

export interface EcsClusterProps {
  /** The cluster's name, e.g. `shop-prod` (`<project>-<env>`: the CLI finds services by it). */
  readonly clusterName: string;
  /** Where tasks run: Fargate (optionally part on Spot), or EC2 instances the cluster manages. */
  readonly capacity: FargateCapacityOptions | Ec2CapacityOptions;
  /**
   * Container Insights metrics. "enhanced" adds per-task and per-container detail, at a higher
   * CloudWatch cost.
   * @default "enabled"
   */
  readonly containerInsights?: "enabled" | "enhanced";
}

/**
 * An environment's ECS cluster, with Container Insights on and its capacity attached: the FARGATE
 * and FARGATE_SPOT providers, or an Auto Scaling group capacity provider (Ec2Capacity). Services
 * take the cluster's capacity provider strategy rather than a launch type, so moving a cluster
 * between on-demand and Spot changes no service.
 */
export class EcsCluster extends Construct implements EcsClusterCapacity {
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly launchType: "FARGATE" | "EC2";
  readonly instanceArchitecture?: CpuArchitecture;
  readonly capacityProviderStrategy: readonly CapacityProviderShare[];
  readonly runTaskCapacityProvider?: string;
  readonly capacityProvidersAttached: EcsClusterCapacityProviders;
  readonly cluster: EcsClusterResource;
  /** The EC2 capacity (launch template, Auto Scaling group, instance role), if any. */
  readonly ec2Capacity?: Ec2Capacity;

  constructor(scope: Construct, id: string, props: EcsClusterProps) {
    super(scope, id);
    this.clusterName = physicalName("ecsCluster", [props.clusterName]);
    this.cluster = new EcsClusterResource(this, "Cluster", {
      name: this.clusterName,
      setting: [{ name: "containerInsights", value: props.containerInsights ?? "enabled" }],
    });
    this.clusterArn = this.cluster.arn;

    const { capacity } = props;
    let providers: string[];
    if (capacity.kind === "ec2") {
      this.ec2Capacity = new Ec2Capacity(this, "Ec2", this.clusterName, capacity);
      this.launchType = "EC2";
      this.instanceArchitecture = this.ec2Capacity.architecture;
      // The resource's name, not the literal: the attachment must wait for the provider.
      providers = [this.ec2Capacity.capacityProvider.name];
      this.capacityProviderStrategy = [
        { capacityProvider: this.ec2Capacity.capacityProviderName, base: 0, weight: 1 },
      ];
      this.runTaskCapacityProvider = this.ec2Capacity.capacityProviderName;
    } else {
      this.launchType = "FARGATE";
      providers = ["FARGATE", "FARGATE_SPOT"];
      this.capacityProviderStrategy = fargateStrategy(this.clusterName, capacity);
    }

    this.capacityProvidersAttached = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: this.cluster.name,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: this.capacityProviderStrategy.map((share) => ({
        ...share,
      })),
    });
  }
}
