import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";

/** What app servers in private subnets need when there is no NAT: secrets, logs, images, STS. */
export const DEFAULT_INTERFACE_ENDPOINTS: readonly string[] = [
  "secretsmanager",
  "logs",
  "ecr.api",
  "ecr.dkr",
  "sts",
];

export interface VpcEndpointsProps {
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  /** Subnets that hold the interface endpoints' network interfaces (one per zone). */
  readonly subnetIds: readonly string[];
  /** Route tables that get the S3 gateway endpoint. */
  readonly gatewayRouteTableIds: readonly string[];
  /** Interface endpoint services by short name, e.g. `ecr.dkr`. */
  readonly interfaceServices: readonly string[];
}

/**
 * The S3 gateway endpoint (free, keeps S3 traffic off NAT) and the interface endpoints a
 * NAT-less VPC needs. Interface endpoints admit HTTPS only from the workload security group, which
 * app servers join; nothing else in the VPC can use them.
 */
export class VpcEndpoints extends Construct {
  readonly workloadSecurityGroup: SecurityGroup;
  /** Present only when there are interface endpoints. */
  readonly endpointSecurityGroup?: SecurityGroup;

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);

    new VpcEndpoint(this, "S3Gateway", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...props.gatewayRouteTableIds],
      tags: { Name: `${props.name}-s3` },
    });

    this.workloadSecurityGroup = new SecurityGroup(this, "WorkloadSecurityGroup", {
      name: `${props.name}-workloads`,
      description: "App servers of this environment; admitted by the VPC endpoints",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-workloads` },
    });

    if (props.interfaceServices.length === 0) return;

    // Only interface endpoints need a security group: an unused group is just clutter to audit.
    this.endpointSecurityGroup = new SecurityGroup(this, "EndpointSecurityGroup", {
      name: `${props.name}-vpc-endpoints`,
      description: "Interface VPC endpoints: HTTPS from app servers only",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    new VpcSecurityGroupIngressRule(this, "EndpointIngressFromWorkloads", {
      securityGroupId: this.endpointSecurityGroup.id,
      referencedSecurityGroupId: this.workloadSecurityGroup.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS from app servers",
    });
    new VpcSecurityGroupEgressRule(this, "WorkloadEgressToEndpoints", {
      securityGroupId: this.workloadSecurityGroup.id,
      referencedSecurityGroupId: this.endpointSecurityGroup.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to the interface VPC endpoints",
    });

    for (const service of props.interfaceServices) {
      new VpcEndpoint(this, `Interface-${service}`, {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
  }
}
