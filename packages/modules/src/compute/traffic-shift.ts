import { ValidationError } from "../core/errors";

/**
 * Who moves an app server's traffic to the code an apply deploys.
 *
 * - `"apply"`: `terraform apply` does: the Lambda `live` alias follows every published version and
 *   the ECS service every task definition revision. For deploys with plain Terraform.
 * - `"release"`: apply only prepares the new version (publishes the Lambda version, registers the
 *   task definition revision) and Terraform ignores where traffic points after creating it; a
 *   release step moves it with the AWS API once the new code is ready for it (zonke's pipeline:
 *   after the migrations ran on the new code). `ServerFunction.releaseTarget` and
 *   `EcsService.releaseTarget` say what to move.
 */
export type TrafficShift = "apply" | "release";

export const TRAFFIC_SHIFTS: readonly TrafficShift[] = ["apply", "release"];

/**
 * What a release step needs to move a Lambda server's traffic: `UpdateAlias(functionName, alias,
 * FunctionVersion = version)`.
 */
export interface LambdaReleaseTarget {
  readonly functionName: string;
  /** `live` (LIVE_ALIAS): the alias the Function URL and the warmer use. */
  readonly alias: string;
  /** The version this apply published (the newest one): where the alias should point. */
  readonly version: string;
}

/**
 * What a release step needs to move an ECS service's traffic: `UpdateService(cluster, service,
 * taskDefinition = taskDefinitionArn)`, then wait for the deployment.
 */
export interface EcsReleaseTarget {
  /** The cluster's name. */
  readonly cluster: string;
  /** The service's name. */
  readonly service: string;
  /** The revision this apply registered (its full ARN, with the revision). */
  readonly taskDefinitionArn: string;
  /** The app's container (the one behind the load balancer). */
  readonly containerName: string;
}

/** The prop's value, refused (for callers without types) when it is neither mode. */
export function resolveTrafficShift(where: string, value: TrafficShift | undefined): TrafficShift {
  const mode = value ?? "apply";
  if (!TRAFFIC_SHIFTS.includes(mode)) {
    throw new ValidationError(
      `${where}: trafficShift ${JSON.stringify(mode)} is not allowed; use "apply" (terraform apply moves traffic) or "release" (a release step does)`,
    );
  }
  return mode;
}
