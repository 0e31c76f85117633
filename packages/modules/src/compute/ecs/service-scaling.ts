import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";

/** How many tasks a service runs, and when it adds or removes them. */
export interface EcsServiceScalingOptions {
  /** @default - 2 with `production` (one per availability zone at least), else 1 */
  readonly minTasks?: number;
  /** @default - 4, or minTasks if larger */
  readonly maxTasks?: number;
  /** Average CPU the tasks are kept at. @default 60 */
  readonly cpuTargetPercent?: number;
  /**
   * Requests per task per minute the tasks are kept at (the load balancer's
   * RequestCountPerTarget): scales on traffic before CPU shows it, e.g. for I/O-bound views.
   * @default 1000
   */
  readonly requestsPerTaskPerMinute?: number;
  /** Wait after removing tasks before removing more. @default 300 */
  readonly scaleInCooldownSec?: number;
  /** Wait after adding tasks before adding more. @default 60 */
  readonly scaleOutCooldownSec?: number;
}

/** The options with their defaults filled in (see resolveScaling). */
export type ResolvedScaling = Required<EcsServiceScalingOptions>;

export function resolveScaling(
  options: EcsServiceScalingOptions,
  production: boolean,
): ResolvedScaling {
  const minTasks = options.minTasks ?? (production ? 2 : 1);
  return {
    minTasks,
    maxTasks: options.maxTasks ?? Math.max(4, minTasks),
    cpuTargetPercent: options.cpuTargetPercent ?? 60,
    requestsPerTaskPerMinute: options.requestsPerTaskPerMinute ?? 1000,
    scaleInCooldownSec: options.scaleInCooldownSec ?? 300,
    scaleOutCooldownSec: options.scaleOutCooldownSec ?? 60,
  };
}

export interface EcsServiceAutoscalingProps {
  /** Names the policies. */
  readonly serviceName: string;
  /** `service/<cluster>/<service>`. */
  readonly resourceId: string;
  readonly scaling: ResolvedScaling;
  /** The target group's RequestCountPerTarget label (`app/.../targetgroup/...`). */
  readonly loadBalancerResourceLabel: string;
}

/**
 * Target tracking on the service's task count: one policy keeps CPU at its target, the other the
 * requests per task. Application Auto Scaling takes the largest count either asks for, and
 * removes tasks only when both allow it.
 */
export class EcsServiceAutoscaling extends Construct {
  readonly target: AppautoscalingTarget;

  constructor(scope: Construct, id: string, props: EcsServiceAutoscalingProps) {
    super(scope, id);
    const { scaling } = props;
    this.target = new AppautoscalingTarget(this, "Target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: props.resourceId,
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
    });
    const cooldowns = {
      scaleInCooldown: scaling.scaleInCooldownSec,
      scaleOutCooldown: scaling.scaleOutCooldownSec,
    };
    new AppautoscalingPolicy(this, "Cpu", {
      name: `${props.serviceName}-cpu`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.cpuTargetPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        ...cooldowns,
      },
    });
    new AppautoscalingPolicy(this, "Requests", {
      name: `${props.serviceName}-requests`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.requestsPerTaskPerMinute,
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: props.loadBalancerResourceLabel,
        },
        ...cooldowns,
      },
    });
  }
}
