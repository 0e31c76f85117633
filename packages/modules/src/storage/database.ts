import { Construct } from "constructs";
import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import { DbParameterGroup } from "@cdktf/provider-aws/lib/db-parameter-group";
import { DbSubnetGroup } from "@cdktf/provider-aws/lib/db-subnet-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { DatabaseProxy } from "./database-proxy";
import { POSTGRES_PORT } from "./postgres";

export interface DatabaseNetwork {
  readonly vpcId: string;
  /** The environment's isolated subnets (no route out of the VPC). */
  readonly isolatedSubnetIds: readonly string[];
}

export interface DatabaseProps {
  /** Instance identifier, e.g. `shop-prod-api-db`. */
  readonly identifier: string;
  readonly network: DatabaseNetwork;
  /** @default "17" */
  readonly engineVersion?: "16" | "17";
  /** @default "db.t4g.micro" */
  readonly instanceClass?: string;
  /** @default 20 */
  readonly allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling. @default - 5 times allocatedStorageGiB */
  readonly maxAllocatedStorageGiB?: number;
  /** Name of the database created in the instance. @default "app" */
  readonly databaseName?: string;
  /** @default "app_admin" */
  readonly masterUsername?: string;
  /**
   * Production safety: deletion protection, a final snapshot on destroy, Multi-AZ and 14 days of
   * backups (unless set below). Off, the instance can be destroyed with the environment.
   * @default false
   */
  readonly production?: boolean;
  /** @default - 14 in production, 7 otherwise */
  readonly backupRetentionDays?: number;
  /** @default - true in production */
  readonly multiAz?: boolean;
  /** Customer-managed key for storage, Performance Insights and the credentials secret. @default - AWS-managed keys */
  readonly kmsKeyArn?: string;
  /** Enhanced monitoring every N seconds (0 turns it off). @default 60 */
  readonly monitoringIntervalSec?: 0 | 1 | 5 | 10 | 15 | 30 | 60;
  /**
   * An RDS Proxy in front of the instance: pools connections for Lambda servers, whose instances
   * come and go faster than PostgreSQL likes accepting connections.
   * @default false
   */
  readonly proxy?: boolean;
}

/**
 * An app's PostgreSQL database: RDS in the environment's isolated subnets, never publicly
 * accessible, storage encrypted, TLS required (`rds.force_ssl`), credentials generated, kept and
 * rotated by RDS in Secrets Manager (`manage_master_user_password`; Terraform never sees the
 * password), logs to CloudWatch, Performance Insights and enhanced monitoring on.
 *
 * Its security group admits the PostgreSQL port only from the groups given to `allowFrom` (the
 * app's servers, the migrator), or from the proxy when there is one.
 */
export class Database extends Construct {
  readonly instance: DbInstance;
  readonly securityGroupId: string;
  /** Where clients connect: the proxy when there is one, else the instance. */
  readonly host: string;
  readonly port: number = POSTGRES_PORT;
  readonly databaseName: string;
  /** The RDS-managed secret with `username` and `password` (JSON). */
  readonly secretArn: string;
  readonly proxy?: DatabaseProxy;
  /** The group clients connect to (the proxy's when there is one): their egress goes here. */
  readonly clientSecurityGroupId: string;
  private readonly clientTarget: { securityGroupId: string; description: string };
  private readonly identifier: string;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    validate(props);
    const production = props.production ?? false;
    this.identifier = physicalName("rdsInstance", [props.identifier]);
    this.databaseName = props.databaseName ?? "app";

    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: physicalName("securityGroup", [this.identifier]),
      description: `${this.identifier}: PostgreSQL, only from the app's servers`,
      vpcId: props.network.vpcId,
      // No egress: the database starts no connections.
      egress: [],
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = securityGroup.id;

    const subnetGroup = new DbSubnetGroup(this, "SubnetGroup", {
      name: this.identifier,
      description: `${this.identifier}: isolated subnets`,
      subnetIds: [...props.network.isolatedSubnetIds],
    });
    const engineVersion = props.engineVersion ?? "17";
    const parameters = new DbParameterGroup(this, "Parameters", {
      name: `${this.identifier}-postgres${engineVersion}`,
      family: `postgres${engineVersion}`,
      description: `${this.identifier}: TLS required, slow statements and connections logged`,
      parameter: [
        { name: "rds.force_ssl", value: "1" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
        { name: "log_min_duration_statement", value: "1000" },
      ],
      lifecycle: { createBeforeDestroy: true },
    });

    const monitoringInterval = props.monitoringIntervalSec ?? 60;
    const monitoringRole = monitoringInterval > 0 ? this.monitoringRole() : undefined;
    const kms = props.kmsKeyArn;
    this.instance = new DbInstance(this, "Instance", {
      identifier: this.identifier,
      engine: "postgres",
      engineVersion,
      autoMinorVersionUpgrade: true,
      instanceClass: props.instanceClass ?? "db.t4g.micro",
      allocatedStorage: props.allocatedStorageGiB ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGiB ?? 5 * (props.allocatedStorageGiB ?? 20),
      storageType: "gp3",
      storageEncrypted: true,
      ...(kms ? { kmsKeyId: kms } : {}),
      dbName: this.databaseName,
      username: props.masterUsername ?? "app_admin",
      manageMasterUserPassword: true,
      ...(kms ? { masterUserSecretKmsKeyId: kms } : {}),
      iamDatabaseAuthenticationEnabled: true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [securityGroup.id],
      publiclyAccessible: false,
      parameterGroupName: parameters.name,
      multiAz: props.multiAz ?? production,
      backupRetentionPeriod: props.backupRetentionDays ?? (production ? 14 : 7),
      copyTagsToSnapshot: true,
      deletionProtection: production,
      skipFinalSnapshot: !production,
      ...(production ? { finalSnapshotIdentifier: `${this.identifier}-final` } : {}),
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 7,
      ...(kms ? { performanceInsightsKmsKeyId: kms } : {}),
      monitoringInterval,
      ...(monitoringRole ? { monitoringRoleArn: monitoringRole.arn } : {}),
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      applyImmediately: !production,
    });
    this.secretArn = this.instance.masterUserSecret.get(0).secretArn;

    if (props.proxy) {
      this.proxy = new DatabaseProxy(this, "Proxy", {
        name: this.identifier,
        vpcId: props.network.vpcId,
        subnetIds: props.network.isolatedSubnetIds,
        instanceIdentifier: this.instance.identifier,
        databaseSecurityGroupId: securityGroup.id,
        secretArn: this.secretArn,
        ...(kms ? { kmsKeyArn: kms } : {}),
      });
      this.admit(this.proxy.securityGroupId, "RDS Proxy");
      this.host = this.proxy.endpoint;
      this.clientTarget = {
        securityGroupId: this.proxy.securityGroupId,
        description: "RDS Proxy",
      };
    } else {
      this.host = this.instance.address;
      this.clientTarget = { securityGroupId: securityGroup.id, description: "database" };
    }
    this.clientSecurityGroupId = this.clientTarget.securityGroupId;
  }

  /**
   * Lets one security group (an app's servers, the migrator) connect: to the proxy when there is
   * one, else to the instance. `id` names the rule, so it must be stable.
   */
  allowFrom(id: string, securityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, `Allow${id}`, {
      securityGroupId: this.clientTarget.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: `PostgreSQL from ${description}`,
    });
  }

  private admit(securityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, "AllowProxy", {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      description: `PostgreSQL from ${description}`,
    });
  }

  private monitoringRole(): IamRole {
    const assume = new DataAwsIamPolicyDocument(this, "MonitoringAssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "MonitoringRole", {
      name: physicalName("iamRole", [this.identifier, "monitoring"]),
      assumeRolePolicy: assume.json,
    });
    new IamRolePolicyAttachment(this, "MonitoringPolicy", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    });
    return role;
  }
}

function validate(props: DatabaseProps): void {
  const storage = props.allocatedStorageGiB ?? 20;
  if (!Number.isInteger(storage) || storage < 20 || storage > 65536) {
    throw new ValidationError(
      `database allocatedStorageGiB ${storage} is not allowed; use a whole number from 20 to 65536`,
    );
  }
  if (props.maxAllocatedStorageGiB !== undefined && props.maxAllocatedStorageGiB < storage) {
    throw new ValidationError(
      `database maxAllocatedStorageGiB ${props.maxAllocatedStorageGiB} is below allocatedStorageGiB ${storage}`,
    );
  }
  const retention = props.backupRetentionDays;
  if (
    retention !== undefined &&
    (!Number.isInteger(retention) || retention < 1 || retention > 35)
  ) {
    throw new ValidationError(
      `database backupRetentionDays ${retention} is not allowed; use a whole number from 1 to 35`,
    );
  }
  if (props.network.isolatedSubnetIds.length < 2) {
    throw new ValidationError(
      "a database needs isolated subnets in at least two availability zones (RDS requires two)",
    );
  }
  if (props.databaseName !== undefined && !/^[a-z][a-z0-9_]{0,62}$/.test(props.databaseName)) {
    throw new ValidationError(
      `database name "${props.databaseName}" is not allowed; use lowercase letters, digits and _, starting with a letter (at most 63)`,
    );
  }
}
