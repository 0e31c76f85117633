import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcsService as EcsServiceResource } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { physicalName } from "../naming";
import {
  ecsSecretEntries,
  lambdaSecretEnvironment,
  type SecretSource,
} from "../storage/secret-wiring";
import type { CpuArchitecture, EcsClusterCapacity } from "./ecs/cluster-capacity";
import { containerEnvironment } from "./ecs/container-environment";
import { webContainerDefinition, type EcsContainerHealthCheck } from "./ecs/container-definition";
import { validateServiceProps } from "./ecs/service-validation";
import { EcsServiceAutoscaling, type EcsServiceScalingOptions } from "./ecs/service-scaling";
import { EcsTaskRoles } from "./ecs/task-roles";
import type { EcsMigrationTarget } from "./migrator";
import { resolveTrafficShift, type EcsReleaseTarget, type TrafficShift } from "./traffic-shift";

export type { EcsContainerHealthCheck } from "./ecs/container-definition";
export type { EcsServiceScalingOptions } from "./ecs/service-scaling";

export interface EcsServiceNetwork {
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Private subnets (egress through NAT or VPC endpoints); two zones at least in production. */
  readonly subnetIds: readonly string[];
  /** Groups the tasks join besides their own, e.g. the one VPC endpoints admit. @default [] */
  readonly extraSecurityGroupIds?: readonly string[];
}

/** The load balancer's target group the tasks register in (by IP: awsvpc). */
export interface EcsServiceLoadBalancer {
  readonly targetGroupArn: string;
  /**
   * The target group's label for the RequestCountPerTarget metric,
   * `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`: the load balancer's `arn_suffix`, a
   * slash, and the target group's `arn_suffix`.
   */
  readonly resourceLabel: string;
}

export interface EcsServiceProps {
  /** The service's name, e.g. `shop-prod-api` (the CLI finds it by this name). */
  readonly serviceName: string;
  /** The cluster and its capacity: an EcsCluster. */
  readonly cluster: EcsClusterCapacity;
  readonly network: EcsServiceNetwork;
  /** The app's image, `<repository url>@sha256:<digest>` (never a tag: deploys pin the digest). */
  readonly imageUri: string;
  /** The image's ECR repository: the only one the execution role may pull from. */
  readonly imageRepositoryArn: string;
  /** The image's architecture; on EC2 capacity, the instances'. @default "arm64" */
  readonly architecture?: CpuArchitecture;
  readonly loadBalancer: EcsServiceLoadBalancer;
  /**
   * Security groups whose members may reach the container port (the load balancer's): the tasks'
   * only ingress.
   */
  readonly ingressSecurityGroupIds: readonly string[];
  /** The container's name (the migrator overrides its command by this name). @default "web" */
  readonly containerName?: string;
  /** The command given to the image's entry point. @default ["web"] (the zonke Django image's gunicorn) */
  readonly command?: readonly string[];
  /** The port the app listens on, given to it as PORT. @default 8000 */
  readonly containerPort?: number;
  /**
   * The numeric user the container runs as, `uid` or `uid:gid` (uid 0 is refused).
   * @default "10001:10001" (the zonke Django image's `app` user)
   */
  readonly user?: string;
  /** CPU units (1024 = one vCPU); on Fargate, one of FARGATE_CPU_UNITS. @default 1024 */
  readonly cpu?: number;
  /** On Fargate, one of fargateMemoryFor(cpu). @default 2048 */
  readonly memoryMiB?: number;
  /** Plain settings. Never secrets: use `secrets`. @default {} */
  readonly environment?: Record<string, string>;
  /**
   * Environment keys that look like secrets (…PASSWORD, …TOKEN, …SECRET…) but are not, e.g.
   * `TOKEN_TTL_SEC`. Any other such key is refused.
   * @default []
   */
  readonly allowSecretLikeEnvironmentKeys?: readonly string[];
  /**
   * Secrets Manager secrets (JSON objects); ECS reads each listed key at task start and sets it
   * as a variable (`secrets[].valueFrom`). Only their ARNs reach the task definition.
   * @default []
   */
  readonly secrets?: readonly SecretSource[];
  /** KMS keys that encrypt those secrets, if not AWS-managed. @default [] */
  readonly secretKmsKeyArns?: readonly string[];
  /**
   * Also let the app read the secrets itself: the task role may read them and ZONKE_SECRET_ARNS
   * lists them, as on Lambda, so zonke_runtime can reload the database password after RDS rotates
   * it, without restarting the task. Off, only ECS reads them, once per task start.
   * @default false
   */
  readonly appReadsSecrets?: boolean;
  /** What the app may do in AWS (the task role). @default [] */
  readonly taskRoleStatements?: readonly DataAwsIamPolicyDocumentStatement[];
  /** @default - see EcsContainerHealthCheck */
  readonly healthCheck?: EcsContainerHealthCheck;
  /**
   * Seconds between SIGTERM and SIGKILL when a task stops: in-flight requests finish in this time
   * (the zonke Django image's gunicorn stops within 25 s).
   * @default 30
   */
  readonly stopTimeoutSec?: number;
  /** Seconds the load balancer's failed health checks are ignored after a task starts. @default 60 */
  readonly healthCheckGracePeriodSec?: number;
  /** @default - see EcsServiceScalingOptions */
  readonly scaling?: EcsServiceScalingOptions;
  /**
   * Production safety: at least two tasks and two subnets, so one availability zone can fail.
   * @default false
   */
  readonly production?: boolean;
  /**
   * ECS Exec (a shell in a running task through SSM). Adds the SSM channels to the task role and
   * writable directories for the SSM agent; the root file system stays read-only.
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
  /**
   * Who moves the service to the task definition revision an apply registers.
   *
   * - `"apply"`: the apply itself starts the rolling deployment of the new revision. For deploys
   *   with plain Terraform.
   * - `"release"`: the service is created on the first revision and Terraform then ignores its
   *   `task_definition` (as it ignores `desired_count`): later applies register revisions without
   *   deploying them. A release step deploys one (`UpdateService` with `releaseTarget`) when it is
   *   ready, e.g. after the migrations ran as a task of it; until then the running tasks keep
   *   serving. Revisions are then never deregistered by Terraform (`skip_destroy`), so the running
   *   tasks' revision, and any to roll back to, stay available. zonke's pipeline uses this.
   *
   * @default "apply"
   */
  readonly trafficShift?: TrafficShift;
}

const TMP_VOLUME = "tmp";
// Where the SSM agent that ECS Exec injects writes; nothing else in the image may.
const EXECUTE_COMMAND_PATHS = ["/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"];

/**
 * An app's server on ECS, behind the internal load balancer: one task definition (awsvpc, the
 * image pinned by digest, non-root, read-only root file system with a writable /tmp, secrets by
 * reference) and a service in private subnets without public addresses, reached only from the
 * given security groups on the container port.
 *
 * Deploys are rolling (100% stay healthy, up to 200% run) with the circuit breaker on: a release
 * whose tasks do not become healthy is rolled back to the last one that did. The task count
 * follows CPU and requests per task (Application Auto Scaling owns it; Terraform sets only the
 * first count). Tasks go where the cluster's capacity provider strategy says (Fargate, Fargate
 * Spot or the cluster's EC2 instances).
 *
 * The migrator runs the same task definition with its command overridden (`migrationTarget`,
 * `containerName`, `subnetIds`, `securityGroupIds`, `runTaskCapacityProvider`). With
 * `trafficShift: "release"` the apply only registers the new revision; a release step deploys it
 * (`releaseTarget`).
 */
export class EcsService extends Construct {
  readonly service: EcsServiceResource;
  readonly taskDefinition: EcsTaskDefinition;
  readonly logGroup: CloudwatchLogGroup;
  readonly roles: EcsTaskRoles;
  readonly autoscaling: EcsServiceAutoscaling;

  readonly serviceName: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  /** The tasks' own group (the one the load balancer and the database admit). */
  readonly securityGroupId: string;
  /** Every group the tasks join: their own, then `network.extraSecurityGroupIds`. */
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly containerName: string;
  readonly containerPort: number;
  /** The family every revision belongs to (the migrator may run any of them). */
  readonly taskDefinitionFamily: string;
  /** `family:revision` ARN of the revision this apply registers. */
  readonly taskDefinitionArn: string;
  readonly taskRoleArn: string;
  readonly executionRoleArn: string;
  readonly logGroupName: string;
  /** awslogs-stream-prefix: streams are `<prefix>/<container>/<task id>`. */
  readonly logStreamPrefix = "ecs";
  /** The provider a one-off task (RunTask) should use; undefined means launch type FARGATE. */
  readonly runTaskCapacityProvider?: string;
  /**
   * What the Migrator construct needs to run the revision this apply registers as a one-off task,
   * like the service's (same subnets, groups and capacity), with exactly its roles.
   */
  readonly migrationTarget: EcsMigrationTarget;
  /** Who deploys new revisions (`trafficShift`, default filled in). */
  readonly trafficShift: TrafficShift;
  /**
   * What a release step deploys: the service, to the revision this apply registered. With
   * `trafficShift: "apply"` the apply has deployed it already.
   */
  readonly releaseTarget: EcsReleaseTarget;

  constructor(scope: Construct, id: string, props: EcsServiceProps) {
    super(scope, id);
    const resolved = validateServiceProps(props);
    const { cluster, network } = props;
    this.serviceName = physicalName("ecsService", [props.serviceName]);
    this.trafficShift = resolveTrafficShift(`ECS service ${this.serviceName}`, props.trafficShift);
    const releaseMovesTraffic = this.trafficShift === "release";
    this.clusterArn = cluster.clusterArn;
    this.clusterName = cluster.clusterName;
    this.subnetIds = [...network.subnetIds];
    this.containerName = resolved.containerName;
    this.containerPort = resolved.containerPort;
    this.taskDefinitionFamily = this.serviceName;
    if (cluster.runTaskCapacityProvider !== undefined) {
      this.runTaskCapacityProvider = cluster.runTaskCapacityProvider;
    }

    this.logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: physicalName("logGroup", [`/ecs/${this.serviceName}`]),
      retentionInDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { kmsKeyId: props.logsKmsKeyArn } : {}),
    });
    this.logGroupName = this.logGroup.name;

    const secrets = props.secrets ?? [];
    const appReadsSecrets = props.appReadsSecrets ?? false;
    const executeCommand = props.enableExecuteCommand ?? false;
    this.roles = new EcsTaskRoles(this, "Roles", {
      serviceName: this.serviceName,
      accountId: network.accountId,
      imageRepositoryArn: props.imageRepositoryArn,
      logGroupArn: this.logGroup.arn,
      secretArns: secrets.map((source) => source.arn),
      secretKmsKeyArns: props.secretKmsKeyArns ?? [],
      appReadsSecrets,
      taskStatements: props.taskRoleStatements ?? [],
      executeCommand,
    });
    this.taskRoleArn = this.roles.taskRole.arn;
    this.executionRoleArn = this.roles.executionRole.arn;

    const writable = [
      { volume: TMP_VOLUME, path: "/tmp" },
      ...(executeCommand
        ? EXECUTE_COMMAND_PATHS.map((path, index) => ({ volume: `exec-${index}`, path }))
        : []),
    ];
    const secretEntries = ecsSecretEntries(secrets);
    const where = `ECS service ${this.serviceName}`;
    const container = webContainerDefinition({
      name: this.containerName,
      imageUri: props.imageUri,
      command: props.command ?? ["web"],
      port: this.containerPort,
      user: resolved.user,
      environment: containerEnvironment(where, {
        environment: props.environment ?? {},
        secretNames: secretEntries.map((entry) => entry.name),
        platform: {
          PORT: String(this.containerPort),
          ...(appReadsSecrets ? lambdaSecretEnvironment(secrets) : {}),
        },
        allowSecretLikeKeys: props.allowSecretLikeEnvironmentKeys ?? [],
      }),
      secrets: secretEntries,
      healthCheck: props.healthCheck ?? {},
      stopTimeoutSec: resolved.stopTimeoutSec,
      log: { group: this.logGroupName, region: network.region, streamPrefix: this.logStreamPrefix },
      writablePaths: writable,
    });

    this.taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: this.taskDefinitionFamily,
      networkMode: "awsvpc",
      requiresCompatibilities: [cluster.launchType],
      cpu: String(resolved.cpu),
      memory: String(resolved.memoryMiB),
      runtimePlatform: {
        operatingSystemFamily: "LINUX",
        cpuArchitecture: resolved.architecture === "arm64" ? "ARM64" : "X86_64",
      },
      executionRoleArn: this.executionRoleArn,
      taskRoleArn: this.taskRoleArn,
      // No host path: scratch space on the task's own storage, gone when the task stops.
      volume: writable.map((mount) => ({ name: mount.volume })),
      containerDefinitions: JSON.stringify([container]),
      // A new revision replaces this resource; the old one stays registered: its tasks keep
      // serving until the release step moves the service, and a rollback can return to it.
      ...(releaseMovesTraffic ? { skipDestroy: true } : {}),
    });
    this.taskDefinitionArn = this.taskDefinition.arn;

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: physicalName("securityGroup", [this.serviceName, "tasks"]),
      description: `${this.serviceName}: tasks, reached only from the load balancer`,
      vpcId: network.vpcId,
      ingress: props.ingressSecurityGroupIds.map((groupId) => ({
        description: "The app's port, from the load balancer",
        protocol: "tcp",
        fromPort: this.containerPort,
        toPort: this.containerPort,
        securityGroups: [groupId],
      })),
      // The app calls the database, AWS APIs and remote services on ports zonke cannot know.
      egress: [
        {
          description: "Everything out",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = securityGroup.id;
    this.securityGroupIds = [securityGroup.id, ...(network.extraSecurityGroupIds ?? [])];

    this.service = new EcsServiceResource(this, "Service", {
      name: this.serviceName,
      cluster: cluster.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: resolved.scaling.minTasks,
      capacityProviderStrategy: cluster.capacityProviderStrategy.map((share) => ({ ...share })),
      networkConfiguration: {
        subnets: [...network.subnetIds],
        securityGroups: [...this.securityGroupIds],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: props.loadBalancer.targetGroupArn,
          containerName: this.containerName,
          containerPort: this.containerPort,
        },
      ],
      healthCheckGracePeriodSeconds: resolved.healthCheckGracePeriodSec,
      deploymentController: { type: "ECS" },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      availabilityZoneRebalancing: "ENABLED",
      enableExecuteCommand: executeCommand,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // Application Auto Scaling owns the count after the first apply; with trafficShift
      // "release", the release step owns the revision.
      lifecycle: {
        ignoreChanges: releaseMovesTraffic
          ? ["desired_count", "task_definition"]
          : ["desired_count"],
      },
      dependsOn: [
        ...this.roles.policies,
        ...(cluster.capacityProvidersAttached ? [cluster.capacityProvidersAttached] : []),
      ],
    });

    this.autoscaling = new EcsServiceAutoscaling(this, "Autoscaling", {
      serviceName: this.serviceName,
      // The service's attribute, not the literal: the target must wait for the service.
      resourceId: `service/${cluster.clusterName}/${this.service.name}`,
      scaling: resolved.scaling,
      loadBalancerResourceLabel: props.loadBalancer.resourceLabel,
    });

    this.migrationTarget = {
      kind: "ecs",
      region: network.region,
      accountId: network.accountId,
      clusterArn: cluster.clusterArn,
      clusterName: cluster.clusterName,
      taskDefinitionFamily: this.taskDefinitionFamily,
      passRoleArns: [this.taskRoleArn, this.executionRoleArn],
      logGroupName: this.logGroupName,
      logStreamPrefix: this.logStreamPrefix,
      taskDefinitionArn: this.taskDefinitionArn,
      containerName: this.containerName,
      subnetIds: this.subnetIds,
      securityGroupIds: this.securityGroupIds,
      ...(this.runTaskCapacityProvider !== undefined
        ? { runTaskCapacityProvider: this.runTaskCapacityProvider }
        : {}),
    };
    this.releaseTarget = {
      cluster: this.clusterName,
      service: this.serviceName,
      taskDefinitionArn: this.taskDefinitionArn,
      containerName: this.containerName,
    };
  }
}
