import { Token } from "cdktf";
import { ValidationError } from "../../core/errors";
import type { EcsServiceProps } from "../ecs-service";
import { requireWholeNumber } from "./checks";
import type { CpuArchitecture } from "./cluster-capacity";
import { fargateSizeProblem } from "./fargate-sizes";
import { resolveScaling, type ResolvedScaling } from "./service-scaling";

/** The service's settings with defaults filled in, once they are known to be valid. */
export interface ResolvedServiceSettings {
  readonly containerName: string;
  readonly containerPort: number;
  readonly user: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly architecture: CpuArchitecture;
  readonly stopTimeoutSec: number;
  readonly healthCheckGracePeriodSec: number;
  readonly scaling: ResolvedScaling;
}

// A string that is one Terraform reference as a whole (e.g. a variable): it cannot be checked here.
const isWholeToken = (value: string) => Token.isUnresolved(value) && /^\$\{[^}]*\}$/.test(value);

/**
 * Checks an EcsService's props before anything is built; every message names the service, the
 * bad value and what is allowed.
 */
export function validateServiceProps(props: EcsServiceProps): ResolvedServiceSettings {
  const where = `ECS service ${props.serviceName}`;
  const settings: ResolvedServiceSettings = {
    containerName: props.containerName ?? "web",
    containerPort: props.containerPort ?? 8000,
    user: props.user ?? "10001:10001",
    cpu: props.cpu ?? 1024,
    memoryMiB: props.memoryMiB ?? 2048,
    architecture: props.architecture ?? "arm64",
    stopTimeoutSec: props.stopTimeoutSec ?? 30,
    healthCheckGracePeriodSec: props.healthCheckGracePeriodSec ?? 60,
    scaling: resolveScaling(props.scaling ?? {}, props.production ?? false),
  };
  checkImage(where, props.imageUri);
  checkPlacement(where, props, settings);
  checkContainer(where, props, settings);
  checkScaling(where, settings.scaling, props.production ?? false);
  return settings;
}

/** `<repository>@sha256:<hex>`, or with the digest (or the whole URI) known only at apply. */
function checkImage(where: string, imageUri: string): void {
  const at = imageUri.lastIndexOf("@");
  const digest = at > 0 ? imageUri.slice(at + 1) : "";
  const pinned = /^sha256:[0-9a-f]{64}$/.test(digest) || isWholeToken(digest);
  if (!pinned && !isWholeToken(imageUri)) {
    throw new ValidationError(
      `${where}: image "${imageUri}" is not allowed; give <repository>@sha256:<digest> (a tag can move, a digest cannot)`,
    );
  }
}

function checkPlacement(
  where: string,
  props: EcsServiceProps,
  settings: ResolvedServiceSettings,
): void {
  const { cluster, network } = props;
  if (cluster.launchType === "FARGATE") {
    const problem = fargateSizeProblem(settings.cpu, settings.memoryMiB);
    if (problem) throw new ValidationError(`${where}: ${problem}`);
  } else {
    // EC2 task sizes: ECS's own range; the instance type bounds them further.
    requireWholeNumber(where, "cpu", settings.cpu, 128, 196608);
    requireWholeNumber(where, "memoryMiB", settings.memoryMiB, 128, 1048576);
    const instances = cluster.instanceArchitecture;
    if (instances !== undefined && instances !== settings.architecture) {
      throw new ValidationError(
        `${where}: architecture ${settings.architecture} does not match the cluster's ${instances} instances; build the image for ${instances} or give the cluster ${settings.architecture} capacity`,
      );
    }
  }
  if (network.subnetIds.length === 0) {
    throw new ValidationError(`${where}: give the private subnets the tasks run in`);
  }
  if (props.production && network.subnetIds.length < 2) {
    throw new ValidationError(
      `${where}: production needs subnets in at least two availability zones, got ${network.subnetIds.length}; a zone outage would stop every task`,
    );
  }
  if (props.ingressSecurityGroupIds.length === 0) {
    throw new ValidationError(
      `${where}: ingressSecurityGroupIds is empty, so nothing could reach the tasks; give the load balancer's security group`,
    );
  }
  const label = props.loadBalancer.resourceLabel;
  if (!/^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(label) && !Token.isUnresolved(label)) {
    throw new ValidationError(
      `${where}: loadBalancer.resourceLabel "${label}" is not allowed; give app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id> (the load balancer's and the target group's arn_suffix, joined by /)`,
    );
  }
}

function checkContainer(
  where: string,
  props: EcsServiceProps,
  settings: ResolvedServiceSettings,
): void {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(settings.containerName)) {
    throw new ValidationError(
      `${where}: containerName "${settings.containerName}" is not allowed; use letters, digits, hyphens and underscores (at most 255)`,
    );
  }
  requireWholeNumber(where, "containerPort", settings.containerPort, 1, 65535);
  const user = /^(\d+)(?::(\d+))?$/.exec(settings.user);
  if (!user || Number(user[1]) === 0) {
    throw new ValidationError(
      `${where}: user "${settings.user}" is not allowed; give a numeric non-root uid or uid:gid, e.g. "10001:10001" (a name cannot be checked, and uid 0 is root)`,
    );
  }
  const command = props.command ?? ["web"];
  if (command.length === 0 || command.some((part) => part.length === 0)) {
    throw new ValidationError(
      `${where}: command ${JSON.stringify(command)} is not allowed; give the arguments for the image's entry point, e.g. ["web"]`,
    );
  }
  const health = props.healthCheck ?? {};
  if (health.command !== undefined) {
    const [kind, ...rest] = health.command;
    if ((kind !== "CMD" && kind !== "CMD-SHELL") || rest.length === 0) {
      throw new ValidationError(
        `${where}: healthCheck.command ${JSON.stringify(health.command)} is not allowed; start it with "CMD" (run directly) or "CMD-SHELL" (through the image's shell), followed by the command`,
      );
    }
  }
  requireWholeNumber(where, "healthCheck.intervalSec", health.intervalSec ?? 15, 5, 300);
  requireWholeNumber(where, "healthCheck.timeoutSec", health.timeoutSec ?? 5, 2, 120);
  requireWholeNumber(where, "healthCheck.retries", health.retries ?? 3, 1, 10);
  requireWholeNumber(where, "healthCheck.startPeriodSec", health.startPeriodSec ?? 60, 0, 300);
  requireWholeNumber(where, "stopTimeoutSec", settings.stopTimeoutSec, 2, 120);
  requireWholeNumber(
    where,
    "healthCheckGracePeriodSec",
    settings.healthCheckGracePeriodSec,
    0,
    3600,
  );
}

function checkScaling(where: string, scaling: ResolvedScaling, production: boolean): void {
  requireWholeNumber(where, "scaling.minTasks", scaling.minTasks, 1, 1000);
  requireWholeNumber(where, "scaling.maxTasks", scaling.maxTasks, 1, 1000);
  if (scaling.minTasks > scaling.maxTasks) {
    throw new ValidationError(
      `${where}: scaling.minTasks ${scaling.minTasks} is larger than scaling.maxTasks ${scaling.maxTasks}; give a minimum no larger than the maximum`,
    );
  }
  if (production && scaling.minTasks < 2) {
    throw new ValidationError(
      `${where}: production needs scaling.minTasks of at least 2, got ${scaling.minTasks}; with one task, a zone outage or a replaced task stops the app`,
    );
  }
  requireWholeNumber(where, "scaling.cpuTargetPercent", scaling.cpuTargetPercent, 10, 90);
  requireWholeNumber(
    where,
    "scaling.requestsPerTaskPerMinute",
    scaling.requestsPerTaskPerMinute,
    1,
    1000000,
  );
  requireWholeNumber(where, "scaling.scaleInCooldownSec", scaling.scaleInCooldownSec, 0, 3600);
  requireWholeNumber(where, "scaling.scaleOutCooldownSec", scaling.scaleOutCooldownSec, 0, 3600);
}
