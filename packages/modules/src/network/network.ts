import { Construct } from "constructs";
import { Fn } from "cdktf";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { ValidationError } from "../core/errors";
import { FlowLogs, type FlowLogsProps } from "./flow-logs";
import { VpcEndpoints, DEFAULT_INTERFACE_ENDPOINTS } from "./vpc-endpoints";

/** How private subnets reach the internet. */
export type NatMode = "per-az" | "single" | "none";
export const NAT_MODES: readonly NatMode[] = ["per-az", "single", "none"];

export interface NetworkProps {
  /** Prefix for Name tags, e.g. `shop-prod`. */
  readonly name: string;
  /** AWS region, used for VPC endpoint service names. */
  readonly region: string;
  /** AWS account id, used in the flow-log key policy. */
  readonly accountId: string;
  /**
   * IPv4 range of the VPC, a /16 to /24. Each subnet gets 1/16 of it.
   * @default "10.0.0.0/16"
   */
  readonly cidr?: string;
  /**
   * Availability zones to spread subnets over (2 or 3). Named rather than looked up so the subnet
   * layout never shifts when AWS adds a zone, and `terraform plan` needs no AWS call for them.
   */
  readonly availabilityZones: readonly string[];
  /**
   * Egress for private subnets: a NAT gateway per zone (survives a zone failure), one NAT gateway
   * (cheaper, one zone), or none (no internet; AWS APIs through VPC endpoints).
   * @default "per-az"
   */
  readonly nat?: NatMode;
  /**
   * Interface endpoints to create (service short names such as `secretsmanager` or `ecr.dkr`).
   * @default - with nat "none": secretsmanager, logs, ecr.api, ecr.dkr, sts; otherwise none
   */
  readonly interfaceEndpoints?: readonly string[];
  /** @default - flow logs of all traffic, kept 365 days, encrypted with a dedicated KMS key */
  readonly flowLogs?: Omit<FlowLogsProps, "vpcId" | "name" | "region" | "accountId">;
}

const TIER_OFFSETS = { public: 0, private: 4, isolated: 8 } as const;
type Tier = keyof typeof TIER_OFFSETS;

/**
 * A VPC for one environment, shared by its apps: public subnets (NAT gateways, nothing else),
 * private subnets (app servers, with egress through NAT or VPC endpoints) and isolated subnets
 * (databases, no route out of the VPC), one of each per availability zone. The default security
 * group is emptied so that nothing lands in it by accident; flow logs are on.
 *
 * App servers join `workloadSecurityGroupId`, which is what the VPC endpoints admit.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[] = [];
  readonly privateSubnetIds: string[] = [];
  readonly isolatedSubnetIds: string[] = [];
  readonly privateRouteTableIds: string[] = [];
  readonly isolatedRouteTableIds: string[] = [];
  readonly natGatewayIds: string[] = [];
  readonly endpoints: VpcEndpoints;
  /** Security group that app servers join to be admitted by the VPC endpoints. */
  readonly workloadSecurityGroupId: string;
  /** KMS key for the environment's log groups (flow logs and the apps' functions). */
  readonly logsKmsKeyArn: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const nat = props.nat ?? "per-az";
    this.cidr = props.cidr ?? "10.0.0.0/16";
    validateProps(props, nat, this.cidr);
    this.availabilityZones = [...props.availabilityZones];

    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: this.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = this.vpc.id;

    // Lock the default security group down: no rules means no traffic for anything put in it.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-default-deny` },
    });

    const igw = new InternetGateway(this, "InternetGateway", {
      vpcId: this.vpc.id,
      tags: { Name: props.name },
    });

    const publicRouteTable = new RouteTable(this, "PublicRouteTable", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-public`, tier: "public" },
    });
    new Route(this, "PublicDefaultRoute", {
      routeTableId: publicRouteTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    this.availabilityZones.forEach((zone, index) => {
      const publicSubnet = this.subnet(props.name, "public", zone, index);
      this.publicSubnetIds.push(publicSubnet.id);
      new RouteTableAssociation(this, `PublicRouteTableAssociation${index}`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRouteTable.id,
      });

      if (nat === "per-az" || (nat === "single" && index === 0)) {
        const eip = new Eip(this, `NatEip${index}`, {
          domain: "vpc",
          tags: { Name: `${props.name}-nat-${index}` },
          dependsOn: [igw],
        });
        const natGateway = new NatGateway(this, `NatGateway${index}`, {
          allocationId: eip.allocationId,
          subnetId: publicSubnet.id,
          tags: { Name: `${props.name}-nat-${index}` },
          dependsOn: [igw],
        });
        this.natGatewayIds.push(natGateway.id);
      }

      const privateSubnet = this.subnet(props.name, "private", zone, index);
      this.privateSubnetIds.push(privateSubnet.id);
      const privateRouteTable = new RouteTable(this, `PrivateRouteTable${index}`, {
        vpcId: this.vpc.id,
        tags: { Name: `${props.name}-private-${index}`, tier: "private" },
      });
      this.privateRouteTableIds.push(privateRouteTable.id);
      new RouteTableAssociation(this, `PrivateRouteTableAssociation${index}`, {
        subnetId: privateSubnet.id,
        routeTableId: privateRouteTable.id,
      });
      if (nat !== "none") {
        new Route(this, `PrivateDefaultRoute${index}`, {
          routeTableId: privateRouteTable.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: this.natGatewayIds[nat === "per-az" ? index : 0],
        });
      }

      // Isolated subnets get a route table with only the implicit local route: no internet, no NAT.
      const isolatedSubnet = this.subnet(props.name, "isolated", zone, index);
      this.isolatedSubnetIds.push(isolatedSubnet.id);
      const isolatedRouteTable = new RouteTable(this, `IsolatedRouteTable${index}`, {
        vpcId: this.vpc.id,
        tags: { Name: `${props.name}-isolated-${index}`, tier: "isolated" },
      });
      this.isolatedRouteTableIds.push(isolatedRouteTable.id);
      new RouteTableAssociation(this, `IsolatedRouteTableAssociation${index}`, {
        subnetId: isolatedSubnet.id,
        routeTableId: isolatedRouteTable.id,
      });
    });

    this.endpoints = new VpcEndpoints(this, "Endpoints", {
      name: props.name,
      region: props.region,
      vpcId: this.vpc.id,
      subnetIds: this.privateSubnetIds,
      gatewayRouteTableIds: this.privateRouteTableIds,
      interfaceServices:
        props.interfaceEndpoints ?? (nat === "none" ? DEFAULT_INTERFACE_ENDPOINTS : []),
    });
    this.workloadSecurityGroupId = this.endpoints.workloadSecurityGroup.id;

    this.logsKmsKeyArn = new FlowLogs(this, "FlowLogs", {
      ...props.flowLogs,
      name: props.name,
      region: props.region,
      accountId: props.accountId,
      vpcId: this.vpc.id,
    }).keyArn;
  }

  private subnet(name: string, tier: Tier, zone: string, index: number): Subnet {
    const label = `${tier[0]!.toUpperCase()}${tier.slice(1)}`;
    return new Subnet(this, `${label}Subnet${index}`, {
      vpcId: this.vpc.id,
      availabilityZone: zone,
      cidrBlock: Fn.cidrsubnet(this.cidr, 4, TIER_OFFSETS[tier] + index),
      // Nothing in zonke needs a public IP on launch: NAT gateways have Elastic IPs.
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-${tier}-${index}`, tier },
    });
  }
}

/** What is wrong with `cidr` as a zonke VPC range ("must be ..."), or undefined when nothing is. */
export function vpcCidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octetsOk = match?.slice(1, 5).every((octet) => Number(octet) <= 255) ?? false;
  const prefix = Number(match?.[5]);
  if (!match || !octetsOk || prefix < 16 || prefix > 24) {
    return 'must be an IPv4 range from /16 to /24 (e.g. "10.0.0.0/16")';
  }
  return undefined;
}

function validateProps(props: NetworkProps, nat: NatMode, cidr: string): void {
  const cidrProblem = vpcCidrProblem(cidr);
  if (cidrProblem) throw new ValidationError(`network cidr "${cidr}" ${cidrProblem}`);
  if (!NAT_MODES.includes(nat)) {
    throw new ValidationError(
      `network nat "${nat}" is not allowed; use one of ${NAT_MODES.join(", ")}`,
    );
  }
  const zones = props.availabilityZones;
  if (zones.length < 2 || zones.length > 3) {
    throw new ValidationError(
      `network needs 2 or 3 availability zones, got ${zones.length} (${zones.join(", ") || "none"})`,
    );
  }
  if (new Set(zones).size !== zones.length) {
    throw new ValidationError(`network availability zones repeat a zone: ${zones.join(", ")}`);
  }
}
