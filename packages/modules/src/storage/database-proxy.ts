import { Construct } from "constructs";
import { DbProxy } from "@cdktf/provider-aws/lib/db-proxy";
import { DbProxyDefaultTargetGroup } from "@cdktf/provider-aws/lib/db-proxy-default-target-group";
import { DbProxyTarget } from "@cdktf/provider-aws/lib/db-proxy-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { physicalName } from "../naming";
import { secretReadStatements } from "../compute/secret-access";
import { POSTGRES_PORT } from "./postgres";

export interface DatabaseProxyProps {
  /** The instance identifier; the proxy takes the same name. */
  readonly name: string;
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly instanceIdentifier: string;
  /** The instance's security group, the only place the proxy connects to. */
  readonly databaseSecurityGroupId: string;
  /** The RDS-managed credentials secret the proxy signs in with. */
  readonly secretArn: string;
  /** The key that encrypts that secret, if customer-managed. */
  readonly kmsKeyArn?: string;
}

/**
 * An RDS Proxy for one PostgreSQL instance: TLS required from clients, signing in with the
 * RDS-managed secret (so it follows rotations), through a role that can read only that secret.
 * Its security group is what clients are admitted to; the database admits only the proxy.
 */
export class DatabaseProxy extends Construct {
  readonly endpoint: string;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: DatabaseProxyProps) {
    super(scope, id);
    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: physicalName("securityGroup", [props.name, "proxy"]),
      description: `${props.name}: RDS Proxy, only from the app's servers`,
      vpcId: props.vpcId,
      // No inline rules: the one way out (ToDatabase) is a separate rule, and mixing the two
      // styles on one group makes every plan fight over it. Terraform removes AWS's default
      // allow-all egress rule when it creates the group.
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = securityGroup.id;
    new VpcSecurityGroupEgressRule(this, "ToDatabase", {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: props.databaseSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: "PostgreSQL to the database only",
    });

    const assume = new DataAwsIamPolicyDocument(this, "AssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["rds.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "Role", {
      name: physicalName("iamRole", [props.name, "proxy"]),
      assumeRolePolicy: assume.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: secretReadStatements([props.secretArn], props.kmsKeyArn ? [props.kmsKeyArn] : []),
    });
    new IamRolePolicy(this, "RolePolicy", { role: role.id, policy: permissions.json });

    const proxy = new DbProxy(this, "Resource", {
      name: props.name,
      engineFamily: "POSTGRESQL",
      requireTls: true,
      roleArn: role.arn,
      vpcSubnetIds: [...props.subnetIds],
      vpcSecurityGroupIds: [securityGroup.id],
      auth: [{ authScheme: "SECRETS", iamAuth: "DISABLED", secretArn: props.secretArn }],
      idleClientTimeout: 1800,
      debugLogging: false,
    });
    const targetGroup = new DbProxyDefaultTargetGroup(this, "TargetGroup", {
      dbProxyName: proxy.name,
      connectionPoolConfig: { maxConnectionsPercent: 90, connectionBorrowTimeout: 120 },
    });
    new DbProxyTarget(this, "Target", {
      dbProxyName: proxy.name,
      targetGroupName: targetGroup.name,
      dbInstanceIdentifier: props.instanceIdentifier,
    });
    this.endpoint = proxy.endpoint;
  }
}
