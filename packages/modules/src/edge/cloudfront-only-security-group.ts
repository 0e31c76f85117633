import { Construct } from "constructs";
import { DataAwsEc2ManagedPrefixList } from "@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** AWS-managed prefix list of the addresses CloudFront uses to reach origins. */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

export interface CloudFrontOnlySecurityGroupProps {
  /** The group's name, e.g. `shop-prod-web-alb`. */
  readonly name: string;
  readonly vpcId: string;
  /** The listener's port: the only one CloudFront may reach. */
  readonly port: number;
  /** @default - looked up by name (CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST) in the stack's region */
  readonly prefixListId?: string;
}

/**
 * The internal load balancer's security group: in from CloudFront only, out only to the targets
 * it is told about (`allowTo`).
 *
 * Ingress is the CloudFront origin-facing managed prefix list on the listener port, as AWS's guide
 * to VPC origins has the origin's group admit. The alternative, the `CloudFront-VPCOrigins-Service-
 * SG` group that CloudFront creates for the ENIs it puts in the subnets, exists only after the
 * first VPC origin of the VPC has deployed and belongs to CloudFront (shared by every VPC origin of
 * the VPC), so a first `plan` cannot reference it. The prefix list is AWS-maintained, and it weighs
 * its maximum size (about 55 entries) against the default quota of 60 inbound rules a group: this
 * group holds that one inbound rule and nothing else.
 *
 * The rules are separate resources, never inline blocks, so that egress to a target can be added
 * after the target's own group exists (that group admits this one: inline rules on both sides
 * would be a dependency cycle). AWS's default allow-all egress rule is removed by Terraform when it
 * creates the group.
 */
export class CloudFrontOnlySecurityGroup extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly securityGroupId: string;
  readonly prefixListId: string;
  /** The listener port, the only one clients reach. */
  readonly port: number;

  constructor(scope: Construct, id: string, props: CloudFrontOnlySecurityGroupProps) {
    super(scope, id);
    this.prefixListId =
      props.prefixListId ??
      new DataAwsEc2ManagedPrefixList(this, "CloudFrontOriginFacing", {
        name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
      }).id;

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: props.name,
      description: "Internal load balancer: only CloudFront in, only the app's targets out",
      vpcId: props.vpcId,
      tags: { Name: props.name },
    });
    this.securityGroupId = this.securityGroup.id;
    this.port = props.port;

    new VpcSecurityGroupIngressRule(this, "FromCloudFront", {
      securityGroupId: this.securityGroupId,
      prefixListId: this.prefixListId,
      ipProtocol: "tcp",
      fromPort: props.port,
      toPort: props.port,
      description: "The listener, from CloudFront (VPC origin) only",
    });
  }

  /** Admits `securityGroupId`'s members on the listener port (a named client inside the VPC). */
  allowFrom(id: string, securityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, `From${id}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: this.port,
      toPort: this.port,
      description,
    });
  }

  /** Lets the load balancer open connections to `securityGroupId`'s members on `port`. */
  allowTo(id: string, securityGroupId: string, port: number, description: string): void {
    new VpcSecurityGroupEgressRule(this, `To${id}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }
}
