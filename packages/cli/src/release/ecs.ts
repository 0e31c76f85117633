/**
 * Releasing an ECS service: `UpdateService` to the task definition revision the apply registered,
 * then wait for ECS's rolling deployment. The apply registered the revision without touching the
 * service (`trafficShift: "release"` in @zonke/modules), so until this runs the old tasks serve.
 *
 * ECS reports each deployment's `rolloutState`: IN_PROGRESS, then COMPLETED (the new tasks run
 * and are healthy, the old ones are gone) or FAILED. With the deployment circuit breaker's
 * rollback on, a failed deployment is followed by a new PRIMARY deployment of the previous task
 * definition. zonke watches the deployment it started, by id.
 */
import {
  DescribeServicesCommand,
  UpdateServiceCommand,
  type Deployment,
  type ECSClient,
  type Service,
} from "@aws-sdk/client-ecs";
import { setTimeout as sleep } from "node:timers/promises";
import { AwsError, UsageError } from "../errors";
import { awsStep } from "../aws/errors";
import type { EcsRelease } from "../deploy/outputs";
import type { Steps } from "../steps";

export interface EcsReleaseContext {
  readonly ecs: ECSClient;
  readonly steps: Steps;
  readonly region: string;
  /** Longest wait for the rollout. */
  readonly timeoutMs: number;
  /** Between two DescribeServices. */
  readonly pollMs: number;
}

export const DEFAULT_ECS_POLL_MS = 15_000;

/** How each step is shown, with real values or, in a dry run, placeholders. */
export const ecsLines = {
  describe: (cluster: string, service: string) =>
    `aws ecs describe-services --cluster ${cluster} --services ${service}`,
  update: (cluster: string, service: string, taskDefinition: string) =>
    `aws ecs update-service --cluster ${cluster} --service ${service} --task-definition ${taskDefinition}`,
  wait: (cluster: string, service: string, pollMs: number, timeoutMs: number) =>
    `aws ecs describe-services --cluster ${cluster} --services ${service} every ${formatDuration(pollMs)} ` +
    `until the PRIMARY deployment's rolloutState is COMPLETED (done), or FAILED or rolled back ` +
    `(exit 1), for at most ${formatDuration(timeoutMs)}`,
};

export async function releaseEcs(context: EcsReleaseContext, target: EcsRelease): Promise<void> {
  const { ecs, steps } = context;
  const { cluster, service, taskDefinitionArn } = target;
  const revision = shortTaskDefinition(taskDefinitionArn);

  steps.step(ecsLines.describe(cluster, service));
  const before = await describe(context, target, "before");
  const controller = before.deploymentController?.type ?? "ECS";
  if (controller !== "ECS") {
    throw new UsageError(
      `ECS service ${service} is deployed by ${controller}, not by ECS rolling updates: zonke release cannot update it`,
    );
  }
  let deploymentId: string | undefined;
  if (before.taskDefinition === taskDefinitionArn) {
    const primary = primaryDeployment(before);
    if (
      primary?.taskDefinition === taskDefinitionArn &&
      rolloutState(primary, before) === "IN_PROGRESS"
    ) {
      steps.progress(
        `${service}: already rolling out ${revision} (deployment ${primary.id}); waiting for it`,
      );
      deploymentId = primary.id;
    } else {
      steps.result(`${service}: runs ${revision} already; nothing to release`);
      return;
    }
  } else {
    steps.step(ecsLines.update(cluster, service, taskDefinitionArn));
    const updated = await call(context, "ecs:UpdateService", target, () =>
      ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: taskDefinitionArn })),
    );
    const started = updated.service?.deployments?.find(
      (d) => d.status === "PRIMARY" && d.taskDefinition === taskDefinitionArn,
    );
    deploymentId = started?.id;
  }

  steps.step(ecsLines.wait(cluster, service, context.pollMs, context.timeoutMs));
  const startedAt = Date.now();
  const previous = shortTaskDefinition(before.taskDefinition ?? "the previous task definition");
  let lastState = "";
  for (;;) {
    const now = await describe(context, target, "during");
    const ours =
      now.deployments?.find((d) => deploymentId !== undefined && d.id === deploymentId) ??
      (deploymentId === undefined
        ? now.deployments?.find((d) => d.taskDefinition === taskDefinitionArn)
        : undefined);
    deploymentId ??= ours?.id;
    const primary = primaryDeployment(now);
    const state = ours ? describeDeployment(ours, now) : "no longer listed";
    if (state !== lastState) {
      steps.progress(`${service}: deployment ${deploymentId ?? "(new)"} ${state}`);
      lastState = state;
    }
    const rolledBack =
      primary !== undefined && primary.taskDefinition !== taskDefinitionArn && ours !== primary;
    if (ours && rolloutState(ours, now) === "FAILED") {
      throw new AwsError(
        `the rollout of ${revision} to ECS service ${service} (cluster ${cluster}) failed: ` +
          `${ours.rolloutStateReason ?? latestEvent(now) ?? "ECS gave no reason"}` +
          (rolledBack
            ? `; ECS rolled back to ${shortTaskDefinition(primary.taskDefinition!)}`
            : ""),
        "RolloutFailed",
      );
    }
    if (rolledBack && (ours === undefined || ours.status !== "PRIMARY")) {
      throw new AwsError(
        `ECS rolled service ${service} (cluster ${cluster}) back to ` +
          `${shortTaskDefinition(primary.taskDefinition ?? previous)} instead of ${revision}: ` +
          `${ours?.rolloutStateReason ?? latestEvent(now) ?? "ECS gave no reason"}`,
        "RolledBack",
      );
    }
    if (ours && ours.status === "PRIMARY" && rolloutState(ours, now) === "COMPLETED") {
      steps.result(
        `${service}: ${previous} -> ${revision}: rollout completed, ` +
          `${ours.runningCount ?? 0} of ${ours.desiredCount ?? 0} tasks running ` +
          `(${formatDuration(Date.now() - startedAt)})`,
      );
      return;
    }
    if (Date.now() - startedAt >= context.timeoutMs) {
      throw new AwsError(
        `the rollout of ${revision} to ECS service ${service} (cluster ${cluster}) did not complete ` +
          `within ${formatDuration(context.timeoutMs)} (${state}); ECS goes on with it: watch it ` +
          `with ${ecsLines.describe(cluster, service)} --region ${context.region}, or give --timeout more minutes`,
        "RolloutTimeout",
      );
    }
    await sleep(
      Math.min(context.pollMs, Math.max(0, context.timeoutMs - (Date.now() - startedAt))),
    );
  }
}

/** `IN_PROGRESS, 1 of 2 tasks running, 1 pending, 0 failed` */
function describeDeployment(deployment: Deployment, service: Service): string {
  const parts = [
    rolloutState(deployment, service),
    `${deployment.runningCount ?? 0} of ${deployment.desiredCount ?? 0} tasks running`,
    `${deployment.pendingCount ?? 0} pending`,
    `${deployment.failedTasks ?? 0} failed`,
  ];
  if (deployment.status && deployment.status !== "PRIMARY") parts.push(`(${deployment.status})`);
  return parts.join(", ");
}

/** The deployment's rolloutState; without one, COMPLETED once it alone runs every task. */
function rolloutState(deployment: Deployment, service: Service): string {
  if (deployment.rolloutState) return deployment.rolloutState;
  const alone = service.deployments?.length === 1;
  return alone && deployment.runningCount === deployment.desiredCount ? "COMPLETED" : "IN_PROGRESS";
}

function primaryDeployment(service: Service): Deployment | undefined {
  return service.deployments?.find((d) => d.status === "PRIMARY");
}

function latestEvent(service: Service): string | undefined {
  const events = [...(service.events ?? [])].sort(
    (a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0),
  );
  return events[0]?.message;
}

/** `arn:aws:ecs:...:task-definition/shop-dev-api:7` -> `shop-dev-api:7` */
export function shortTaskDefinition(arn: string): string {
  const at = arn.lastIndexOf("task-definition/");
  return at >= 0 ? arn.slice(at + "task-definition/".length) : arn;
}

async function describe(
  context: EcsReleaseContext,
  target: EcsRelease,
  when: "before" | "during",
): Promise<Service> {
  const { cluster, service } = target;
  const answer = await call(context, "ecs:DescribeServices", target, () =>
    context.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
  );
  const found = answer.services?.find((s) => s.serviceName === service);
  if (found?.status === "ACTIVE") return found;
  const state = found === undefined ? "does not exist" : `is ${found.status ?? "not active"}`;
  if (when === "during") {
    throw new AwsError(
      `ECS service ${service} (cluster ${cluster}) ${state} any more: deleted while zonke waited for its rollout?`,
      "ServiceNotActive",
    );
  }
  throw new UsageError(
    `ECS service ${service} ${state} in cluster ${cluster} (${context.region}): deploy the app first (zonke deploy)`,
  );
}

/** One call on the service; a cluster or service that does not exist: deploy first. */
function call<T>(
  context: EcsReleaseContext,
  action: string,
  target: EcsRelease,
  send: () => Promise<T>,
): Promise<T> {
  const { service, cluster } = target;
  const step = {
    action,
    resource: `service ${service} in cluster ${cluster}`,
    region: context.region,
  };
  return awsStep(step, send, (code, error) =>
    code === "ClusterNotFoundException" || code === "ServiceNotFoundException"
      ? new UsageError(
          `ECS service ${service} in cluster ${cluster} does not exist in ${context.region} (${code}): deploy the app first (zonke deploy)`,
          { cause: error },
        )
      : undefined,
  );
}

/** `15 s`, `2 min`, `1 min 30 s` */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
