import type { ITerraformDependable } from "cdktf";

/** CPU architecture of tasks and of the instances that run them. */
export type CpuArchitecture = "arm64" | "x86_64";

/** One entry of a capacity provider strategy (how ECS spreads a service's tasks). */
export interface CapacityProviderShare {
  /** `FARGATE`, `FARGATE_SPOT` or the name of an Auto Scaling group capacity provider. */
  readonly capacityProvider: string;
  /** Tasks placed here first, before the weights share out the rest. */
  readonly base: number;
  /** Relative share of the tasks beyond the bases. */
  readonly weight: number;
}

/**
 * What a service needs to know about the cluster it runs in. EcsCluster provides it; a composer
 * can also describe a cluster made elsewhere.
 */
export interface EcsClusterCapacity {
  readonly clusterArn: string;
  readonly clusterName: string;
  /** The compatibility task definitions must declare: Fargate, or EC2 instances of the cluster. */
  readonly launchType: "FARGATE" | "EC2";
  /** EC2 capacity only: the instances' architecture, which the tasks' image must match. */
  readonly instanceArchitecture?: CpuArchitecture;
  /** The strategy services use instead of a launch type. */
  readonly capacityProviderStrategy: readonly CapacityProviderShare[];
  /**
   * The capacity provider a one-off task (the migrator's RunTask) should use, or undefined for
   * launch type FARGATE: on-demand, never Spot, so a migration is not interrupted halfway.
   */
  readonly runTaskCapacityProvider?: string;
  /**
   * What attaches the capacity providers to the cluster: a service that names a provider before
   * it is attached is refused, so services depend on this.
   */
  readonly capacityProvidersAttached?: ITerraformDependable;
}
