import { ValidationError } from "../../core/errors";
import { requireWholeNumber } from "./checks";
import type { CapacityProviderShare } from "./cluster-capacity";

/** A cluster whose tasks run on Fargate, some of them on Fargate Spot if asked. */
export interface FargateCapacityOptions {
  readonly kind: "fargate";
  /**
   * Run part of the tasks on Fargate Spot (cheaper; AWS may reclaim a task with two minutes'
   * notice, and ECS then starts another).
   * @default - no Spot: every task on FARGATE
   */
  readonly spot?: FargateSpotShare;
}

/**
 * How tasks are shared between FARGATE and FARGATE_SPOT: the first `onDemandBase` tasks on
 * FARGATE, the rest split by the weights (1 and 3: a quarter of them on FARGATE).
 */
export interface FargateSpotShare {
  /**
   * Tasks always on FARGATE, so that Spot reclaiming its capacity never takes every task.
   * @default 1
   */
  readonly onDemandBase?: number;
  /** @default 1 */
  readonly onDemandWeight?: number;
  /** @default 1 */
  readonly spotWeight?: number;
}

/** The capacity provider strategy for Fargate capacity, validated. */
export function fargateStrategy(
  clusterName: string,
  options: FargateCapacityOptions,
): CapacityProviderShare[] {
  if (!options.spot) return [{ capacityProvider: "FARGATE", base: 0, weight: 1 }];
  const where = `ECS cluster ${clusterName} (Fargate Spot)`;
  const base = options.spot.onDemandBase ?? 1;
  const onDemandWeight = options.spot.onDemandWeight ?? 1;
  const spotWeight = options.spot.spotWeight ?? 1;
  // ECS's own limits for a strategy item.
  requireWholeNumber(where, "onDemandBase", base, 0, 100000);
  requireWholeNumber(where, "onDemandWeight", onDemandWeight, 0, 1000);
  requireWholeNumber(where, "spotWeight", spotWeight, 0, 1000);
  if (spotWeight === 0) {
    throw new ValidationError(
      `${where}: spotWeight 0 puts no task on Spot; leave out \`spot\` to run every task on FARGATE, or give spotWeight 1 or more`,
    );
  }
  return [
    { capacityProvider: "FARGATE", base, weight: onDemandWeight },
    { capacityProvider: "FARGATE_SPOT", base: 0, weight: spotWeight },
  ];
}
