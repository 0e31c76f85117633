import {
  Database,
  ValidationError,
  databaseSecretSource,
  ecsSecretEntries,
  lambdaSecretEnvironment,
  type DatabaseProps,
} from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

type Json = Record<string, any>;
const network = { vpcId: "vpc-1", isolatedSubnetIds: ["subnet-i1", "subnet-i2"] };

function database(props: Partial<DatabaseProps> = {}): Synthesized {
  return synth((stack) => {
    const db = new Database(stack, "Db", { identifier: "shop-prod-api-db", network, ...props });
    db.allowFrom("Servers", "sg-servers", "the API servers");
    db.allowFrom("Migrator", "sg-migrator", "the migrator");
  });
}

const one = (json: Synthesized, type: string): [string, Json] => {
  const all = ofType(json, type);
  expect(all).toHaveLength(1);
  return all[0] as [string, Json];
};

describe("Database", () => {
  const dev = database();
  const prod = database({ production: true });
  const [, devInstance] = one(dev, "aws_db_instance");
  const [, prodInstance] = one(prod, "aws_db_instance");

  it("is PostgreSQL in the isolated subnets, never public, encrypted, password kept by RDS", () => {
    expect(devInstance).toMatchObject({
      engine: "postgres",
      engine_version: "17",
      publicly_accessible: false,
      storage_encrypted: true,
      manage_master_user_password: true,
      iam_database_authentication_enabled: true,
      performance_insights_enabled: true,
      monitoring_interval: 60,
      enabled_cloudwatch_logs_exports: ["postgresql", "upgrade"],
    });
    expect(devInstance.password).toBeUndefined();
    const [, subnets] = one(dev, "aws_db_subnet_group");
    expect(subnets.subnet_ids).toEqual(["subnet-i1", "subnet-i2"]);
  });

  it("requires TLS through its parameter group", () => {
    const [groupName, group] = one(dev, "aws_db_parameter_group");
    expect(group.family).toBe("postgres17");
    expect(group.parameter).toContainEqual({ name: "rds.force_ssl", value: "1" });
    expect(devInstance.parameter_group_name).toBe(ref("aws_db_parameter_group", groupName, "name"));
  });

  it("admits PostgreSQL only from the groups it is given, and starts no connections", () => {
    const [sgName, sg] = one(dev, "aws_security_group");
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toEqual([]);
    const rules = ofType(dev, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(rules).toHaveLength(2);
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          security_group_id: ref("aws_security_group", sgName),
          referenced_security_group_id: "sg-servers",
          from_port: 5432,
          to_port: 5432,
          ip_protocol: "tcp",
        }),
        expect.objectContaining({ referenced_security_group_id: "sg-migrator" }),
      ]),
    );
    for (const rule of rules) expect(rule.cidr_ipv4).toBeUndefined();
  });

  it("keeps 7 days of backups in dev and can be destroyed with it", () => {
    expect(devInstance).toMatchObject({
      backup_retention_period: 7,
      deletion_protection: false,
      skip_final_snapshot: true,
      multi_az: false,
    });
  });

  it("keeps 14 days in prod, Multi-AZ, protected, with a final snapshot", () => {
    expect(prodInstance).toMatchObject({
      backup_retention_period: 14,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "shop-prod-api-db-final",
      multi_az: true,
      apply_immediately: false,
    });
  });

  it("uses a customer key for storage, insights and the credentials secret when given one", () => {
    const key = "arn:aws:kms:eu-west-1:111111111111:key/abc";
    const [, instance] = one(database({ kmsKeyArn: key }), "aws_db_instance");
    expect(instance).toMatchObject({
      kms_key_id: key,
      performance_insights_kms_key_id: key,
      master_user_secret_kms_key_id: key,
    });
  });

  it("with a proxy, clients reach the proxy and only the proxy reaches the instance", () => {
    const json = database({ proxy: true });
    const [proxyName, proxy] = one(json, "aws_db_proxy");
    expect(proxy).toMatchObject({ engine_family: "POSTGRESQL", require_tls: true });
    expect(proxy.auth[0]).toMatchObject({ auth_scheme: "SECRETS" });
    expect(proxy.auth[0].secret_arn).toMatch(/master_user_secret\[0\]\.secret_arn/);
    const groups = Object.fromEntries(
      ofType(json, "aws_security_group").map(([name, sg]) => [
        sg.name,
        ref("aws_security_group", name),
      ]),
    );
    const rules = ofType(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    const pairs = rules.map((r) => `${r.security_group_id} <- ${r.referenced_security_group_id}`);
    expect(pairs.sort()).toEqual(
      [
        `${groups["shop-prod-api-db"]} <- ${groups["shop-prod-api-db-proxy"]}`,
        `${groups["shop-prod-api-db-proxy"]} <- sg-servers`,
        `${groups["shop-prod-api-db-proxy"]} <- sg-migrator`,
      ].sort(),
    );
    const [proxyGroupName] = Object.entries(groups).find(
      ([name]) => name === "shop-prod-api-db-proxy",
    )!;
    const proxyGroup = ofType(json, "aws_security_group").find(
      ([, g]) => g.name === proxyGroupName,
    )!;
    // Only the separate rule below: inline rules on the same group would fight it on every plan.
    expect(proxyGroup[1].egress).toBeUndefined();
    const [, egress] = one(json, "aws_vpc_security_group_egress_rule");
    expect(egress).toMatchObject({
      security_group_id: groups["shop-prod-api-db-proxy"],
      referenced_security_group_id: groups["shop-prod-api-db"],
      from_port: 5432,
    });
    expect(ofType(json, "aws_db_proxy_target")[0]![1].db_proxy_name).toBe(
      ref("aws_db_proxy", proxyName, "name"),
    );
  });

  it.each([
    [{ allocatedStorageGiB: 10 }, /allocatedStorageGiB 10 is not allowed/],
    [{ maxAllocatedStorageGiB: 10 }, /maxAllocatedStorageGiB 10 is below/],
    [{ backupRetentionDays: 40 }, /backupRetentionDays 40 is not allowed/],
    [{ databaseName: "My-App" }, /database name "My-App" is not allowed/],
    [{ network: { vpcId: "v", isolatedSubnetIds: ["one"] } }, /at least two availability zones/],
    [{ identifier: "Shop_DB" }, /RDS instance identifier name "Shop_DB" is not allowed/],
  ])("refuses %j", (props, message) => {
    expect(() => database(props as Partial<DatabaseProps>)).toThrow(ValidationError);
    expect(() => database(props as Partial<DatabaseProps>)).toThrow(message);
  });
});

describe("secret wiring", () => {
  const app = { arn: "arn:app", keys: ["GREETING_SECRET", "STRIPE_KEY"] };
  const db = databaseSecretSource("arn:db");

  it("gives ECS one valueFrom per key, database credentials behind their prefix", () => {
    expect(ecsSecretEntries([app, db])).toEqual([
      { name: "GREETING_SECRET", valueFrom: "arn:app:GREETING_SECRET::" },
      { name: "STRIPE_KEY", valueFrom: "arn:app:STRIPE_KEY::" },
      { name: "DB_USERNAME", valueFrom: "arn:db:username::" },
      { name: "DB_PASSWORD", valueFrom: "arn:db:password::" },
    ]);
  });

  it("refuses two secrets that would set the same variable", () => {
    expect(() => ecsSecretEntries([app, { arn: "arn:other", keys: ["STRIPE_KEY"] }])).toThrow(
      /STRIPE_KEY would be set by two secrets/,
    );
  });

  it("gives Lambda only ARNs, in the loaders' PREFIX=arn format", () => {
    expect(lambdaSecretEnvironment([app, db])).toEqual({ ZONKE_SECRET_ARNS: "arn:app,DB_=arn:db" });
    expect(lambdaSecretEnvironment([])).toEqual({});
  });
});
