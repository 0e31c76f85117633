import { TerraformOutput } from "cdktf";
import {
  EcsCluster,
  EcsService,
  InternalAlb,
  type EcsContainerHealthCheck,
  type SecretSource,
} from "@zonke/modules";
import { ecsSettingsFor } from "../config/ecs";
import type { AppResourceNames } from "../resource-names";
import type { ImageRegistry } from "./image-registry";
import { SERVER_TRAFFIC_SHIFT, healthCheckPathOf, releaseOutput } from "./release";
import type { ZonkeStack } from "./zonke-stack";
import type { AppContext } from "./types";

/** An app's server on ECS: its cluster, the internal load balancer in front, and the service. */
export interface EcsServer {
  readonly cluster: EcsCluster;
  readonly alb: InternalAlb;
  readonly service: EcsService;
}

export interface EcsServerOptions {
  readonly stack: ZonkeStack;
  readonly names: AppResourceNames;
  readonly registry: ImageRegistry;
  /** `sha256:...` (the stack's image_digest variable). */
  readonly imageDigest: string;
  /** The image's command, e.g. ["web"] for zonke's Django image. */
  readonly command: readonly string[];
  readonly port: number;
  /** The image's non-root user, `uid:gid`. */
  readonly user: string;
  readonly containerHealthCheck?: EcsContainerHealthCheck;
  readonly environment: Record<string, string>;
  readonly secrets: readonly SecretSource[];
  /** The app reloads its secrets itself (zonke_runtime: a database password RDS rotated). */
  readonly appReadsSecrets: boolean;
}

/**
 * The ECS half every architecture with servers on ECS shares (Django's API, Next.js on ECS): the
 * app's own cluster with the capacity its config asks for, an internal ALB reached only through
 * CloudFront's VPC origin (and clients the composer names with `alb.allowClient`), and the service
 * behind it, sized and scaled from the app's `ecs` settings for this environment. The apply only
 * registers new task definition revisions; the pipeline's Release stage deploys them (the stack's
 * `release` output), after the migrations.
 */
export function composeEcsServer(context: AppContext, options: EcsServerOptions): EcsServer {
  const { env, envName, appConfig, network } = context;
  const { stack, names } = options;
  const settings = ecsSettingsFor(appConfig.ecs, envName, env);
  const cluster = new EcsCluster(stack, "Cluster", {
    clusterName: names.ecsCluster,
    capacity:
      settings.launchType === "ec2"
        ? {
            kind: "ec2",
            network: { vpcId: network.vpcId, subnetIds: network.privateSubnetIds },
            ...(settings.instanceType ? { instanceType: settings.instanceType } : {}),
            minInstances: 1,
            maxInstances: Math.max(settings.maxTasks, 2),
          }
        : { kind: "fargate", ...(settings.spot ? { spot: {} } : {}) },
  });
  const alb = new InternalAlb(stack, "Alb", {
    name: names.prefix,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    // No custom domain, so no certificate: HTTP inside the VPC, HTTPS from viewers to CloudFront.
    originProtocol: { protocol: "http" },
    targets: [
      {
        name: appConfig.name,
        pathPatterns: ["/*"],
        port: options.port,
        // It must answer any Host (the task's address).
        healthCheckPath: healthCheckPathOf(appConfig),
      },
    ],
    deletionProtection: env.production,
  });
  const service = new EcsService(stack, "Service", {
    serviceName: names.ecsService,
    cluster,
    network: {
      region: env.region,
      accountId: env.account,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      extraSecurityGroupIds: [network.workloadSecurityGroupId],
    },
    imageUri: `${options.registry.repositoryUrl}@${options.imageDigest}`,
    imageRepositoryArn: options.registry.repositoryArn,
    loadBalancer: alb.target(appConfig.name),
    ingressSecurityGroupIds: [alb.securityGroupId],
    command: options.command,
    containerPort: options.port,
    user: options.user,
    cpu: settings.cpu,
    memoryMiB: settings.memoryMiB,
    environment: options.environment,
    secrets: options.secrets,
    appReadsSecrets: options.appReadsSecrets,
    ...(options.containerHealthCheck ? { healthCheck: options.containerHealthCheck } : {}),
    scaling: {
      minTasks: settings.minTasks,
      maxTasks: settings.maxTasks,
      cpuTargetPercent: settings.cpuTargetPercent,
      requestsPerTaskPerMinute: settings.requestsPerTaskPerMinute,
      scaleInCooldownSec: settings.scaleInCooldownSec,
      scaleOutCooldownSec: settings.scaleOutCooldownSec,
    },
    production: env.production,
    logsKmsKeyArn: network.logsKmsKeyArn,
    trafficShift: SERVER_TRAFFIC_SHIFT,
  });
  alb.allowTrafficTo(appConfig.name, service.securityGroupId);

  new TerraformOutput(stack, "cluster", { value: cluster.clusterName });
  new TerraformOutput(stack, "service", { value: service.serviceName });
  new TerraformOutput(stack, "load_balancer_dns_name", { value: alb.dnsName });
  releaseOutput(stack, { ecs: [service.releaseTarget] });
  return { cluster, alb, service };
}
