import { Construct } from "constructs";
import { Token } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ValidationError } from "../../core/errors";
import { physicalName } from "../../naming";
import { requireWholeNumber } from "./checks";
import type { CpuArchitecture } from "./cluster-capacity";

/** Where the cluster's instances run: private subnets (egress through NAT or VPC endpoints). */
export interface Ec2CapacityNetwork {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
}

/** A cluster whose tasks run on EC2 instances it manages (an Auto Scaling group). */
export interface Ec2CapacityOptions {
  readonly kind: "ec2";
  readonly network: Ec2CapacityNetwork;
  /** Must match the tasks' image. @default "arm64" */
  readonly architecture?: CpuArchitecture;
  /**
   * Must match `architecture`. Each awsvpc task takes a network interface of its own, so the
   * type's interface limit (less the primary) bounds the tasks per instance: two on a t4g.medium.
   * @default - "t4g.medium" for arm64, "t3.medium" for x86_64
   */
  readonly instanceType?: string;
  /** @default 1 */
  readonly minInstances?: number;
  /** @default 4 */
  readonly maxInstances?: number;
  /**
   * How full ECS keeps the instances (managed scaling): 100 packs them, less keeps room so new
   * tasks start without waiting for an instance.
   * @default 100
   */
  readonly targetCapacityPercent?: number;
  /** Root volume (images and container layers). The AMI's snapshot needs 30. @default 30 */
  readonly rootVolumeGiB?: number;
  /** KMS key for the root volume. @default - the account's EBS key (aws/ebs) */
  readonly ebsKmsKeyArn?: string;
}

/** The ECS-optimised Amazon Linux 2023 AMI that AWS publishes, per architecture. */
export const ECS_AMI_PARAMETERS: Readonly<Record<CpuArchitecture, string>> = {
  x86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
  arm64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};

const DEFAULT_INSTANCE_TYPES: Readonly<Record<CpuArchitecture, string>> = {
  arm64: "t4g.medium",
  x86_64: "t3.medium",
};

/**
 * EC2 capacity for one cluster: a launch template, an Auto Scaling group and the ECS capacity
 * provider over it, which scales the group to the tasks (managed scaling) and keeps instances
 * that still run tasks from being terminated (managed termination protection, which needs the
 * group's scale-in protection). Instances sit in private subnets without public addresses, with a
 * security group that admits nothing (tasks have network interfaces and groups of their own) and
 * lets out HTTPS only (ECS, ECR, S3, CloudWatch and SSM endpoints).
 */
export class Ec2Capacity extends Construct {
  /** The provider's name, known before it exists (strategies name it). */
  readonly capacityProviderName: string;
  readonly capacityProvider: EcsCapacityProvider;
  readonly autoScalingGroup: AutoscalingGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly instanceRole: IamRole;
  readonly instanceSecurityGroupId: string;
  readonly architecture: CpuArchitecture;

  constructor(scope: Construct, id: string, clusterName: string, options: Ec2CapacityOptions) {
    super(scope, id);
    this.architecture = options.architecture ?? "arm64";
    const instanceType = options.instanceType ?? DEFAULT_INSTANCE_TYPES[this.architecture];
    validate(clusterName, options, this.architecture, instanceType);
    this.capacityProviderName = `${clusterName}-ec2`;
    const name = `${clusterName}-ecs`;

    this.instanceRole = this.createInstanceRole(clusterName);
    const profile = new IamInstanceProfile(this, "InstanceProfile", {
      name: physicalName("iamRole", [clusterName, "ecs-instance"]),
      role: this.instanceRole.name,
    });
    const securityGroup = new SecurityGroup(this, "InstanceSecurityGroup", {
      name: physicalName("securityGroup", [clusterName, "ecs-instances"]),
      description: `${clusterName}: ECS container instances (no ingress)`,
      vpcId: options.network.vpcId,
      egress: [
        {
          description: "HTTPS to the ECS, ECR, S3, CloudWatch and SSM endpoints",
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
        },
      ],
      lifecycle: { createBeforeDestroy: true },
    });
    this.instanceSecurityGroupId = securityGroup.id;

    // A data source, not a pinned id: every apply picks up the AMI AWS currently recommends, and
    // instances launched after that (scale-out, replacement) get it.
    const ami = new DataAwsSsmParameter(this, "Ami", {
      name: ECS_AMI_PARAMETERS[this.architecture],
    });
    this.launchTemplate = new LaunchTemplate(this, "LaunchTemplate", {
      name,
      description: `${clusterName}: ECS container instances`,
      // An AMI id is not a secret; `value` would hide it in every plan.
      imageId: ami.insecureValue,
      instanceType,
      iamInstanceProfile: { arn: profile.arn },
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        // One hop reaches the host's own processes, the ECS agent included (it runs with host
        // networking). Tasks use awsvpc and get credentials from the agent's endpoint, not from
        // IMDS; a second hop would only let bridge-mode containers reach the instance role.
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            encrypted: "true",
            volumeType: "gp3",
            volumeSize: options.rootVolumeGiB ?? 30,
            deleteOnTermination: "true",
            ...(options.ebsKmsKeyArn ? { kmsKeyId: options.ebsKmsKeyArn } : {}),
          },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          deleteOnTermination: "true",
          securityGroups: [securityGroup.id],
        },
      ],
      monitoring: { enabled: true },
      userData: instanceUserData(clusterName),
      tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
        resourceType,
        tags: { Name: name },
      })),
    });

    this.autoScalingGroup = new AutoscalingGroup(this, "Group", {
      name,
      minSize: options.minInstances ?? 1,
      maxSize: options.maxInstances ?? 4,
      vpcZoneIdentifier: [...options.network.subnetIds],
      launchTemplate: { id: this.launchTemplate.id, version: "$Latest" },
      // Managed termination protection: ECS lifts the protection from an instance once it runs
      // no tasks, so scale-in never kills a task.
      protectFromScaleIn: true,
      healthCheckType: "EC2",
      tag: [
        { key: "Name", value: name, propagateAtLaunch: true },
        // Marks the group as managed by an ECS capacity provider (AWS expects this tag).
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
      ],
      // The capacity provider sets the desired capacity; Terraform must not reset it.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });

    this.capacityProvider = new EcsCapacityProvider(this, "CapacityProvider", {
      name: this.capacityProviderName,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: "ENABLED",
        managedDraining: "ENABLED",
        managedScaling: {
          status: "ENABLED",
          targetCapacity: options.targetCapacityPercent ?? 100,
        },
      },
    });
  }

  private createInstanceRole(clusterName: string): IamRole {
    const assume = new DataAwsIamPolicyDocument(this, "InstanceAssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "InstanceRole", {
      name: physicalName("iamRole", [clusterName, "ecs-instance"]),
      assumeRolePolicy: assume.json,
    });
    const managed = {
      // Register with the cluster, pull images for the agent, write the agent's logs.
      EcsAgent: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      // Session Manager instead of SSH: no key pair, no open port.
      SsmCore: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    };
    for (const [id, policyArn] of Object.entries(managed)) {
      new IamRolePolicyAttachment(this, id, { role: role.name, policyArn });
    }
    return role;
  }
}

/**
 * The ECS agent's settings (/etc/ecs/ecs.config), base64 for the launch template. The agent joins
 * `clusterName`; awsvpc tasks are kept away from the instance metadata service, so a task cannot
 * take the instance role's credentials.
 */
export function instanceUserData(clusterName: string): string {
  const script = [
    "#!/bin/bash",
    "cat >> /etc/ecs/ecs.config <<'EOF'",
    `ECS_CLUSTER=${clusterName}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "ECS_ENABLE_TASK_IAM_ROLE=true",
    "EOF",
    "",
  ].join("\n");
  return Buffer.from(script, "utf8").toString("base64");
}

/**
 * The architecture of an instance type, from its family: Graviton families carry a `g` after the
 * generation digit (t4g, m7g, c7gn, r8gd), plus the first Graviton family, a1.
 */
export function instanceTypeArchitecture(instanceType: string): CpuArchitecture {
  const family = instanceType.split(".")[0] ?? "";
  return family === "a1" || /^[a-z]+\d+[a-z]*g/.test(family) ? "arm64" : "x86_64";
}

function validate(
  clusterName: string,
  options: Ec2CapacityOptions,
  architecture: CpuArchitecture,
  instanceType: string,
): void {
  const where = `ECS cluster ${clusterName} (EC2 capacity)`;
  if (/^(aws|ecs|fargate)/i.test(clusterName)) {
    throw new ValidationError(
      `${where}: a cluster with EC2 capacity may not be named "${clusterName}": its capacity provider is named after it, and AWS refuses provider names that start with aws, ecs or fargate`,
    );
  }
  if (options.network.subnetIds.length === 0) {
    throw new ValidationError(`${where}: give the private subnets the instances run in`);
  }
  if (!Token.isUnresolved(instanceType)) {
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
      throw new ValidationError(
        `${where}: instanceType "${instanceType}" is not an EC2 instance type; use a name like t4g.medium`,
      );
    }
    const instanceArchitecture = instanceTypeArchitecture(instanceType);
    if (instanceArchitecture !== architecture) {
      throw new ValidationError(
        `${where}: instanceType ${instanceType} is ${instanceArchitecture} but architecture is ${architecture}; use an ${architecture} instance type (e.g. ${DEFAULT_INSTANCE_TYPES[architecture]}) or set architecture to ${instanceArchitecture}`,
      );
    }
  }
  const min = options.minInstances ?? 1;
  const max = options.maxInstances ?? 4;
  requireWholeNumber(where, "minInstances", min, 0, 1000);
  requireWholeNumber(where, "maxInstances", max, 1, 1000);
  if (min > max) {
    throw new ValidationError(
      `${where}: minInstances ${min} is larger than maxInstances ${max}; give a minimum no larger than the maximum`,
    );
  }
  requireWholeNumber(where, "targetCapacityPercent", options.targetCapacityPercent ?? 100, 1, 100);
  requireWholeNumber(where, "rootVolumeGiB", options.rootVolumeGiB ?? 30, 30, 16384);
}
