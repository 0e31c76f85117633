import { Network, ValidationError, type NetworkProps } from "../src";
import { ofType, ref, synth } from "./helpers";

const base: NetworkProps = {
  name: "shop-dev",
  region: "eu-west-1",
  accountId: "111111111111",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
};

const build = (props: Partial<NetworkProps> = {}) =>
  synth((stack) => new Network(stack, "Network", { ...base, ...props }));

const tier = (json: ReturnType<typeof build>, type: string, wanted: string) =>
  ofType(json, type).filter(([, r]) => (r.tags as Record<string, string>).tier === wanted);

describe("Network", () => {
  it("puts a public, a private and an isolated subnet in every zone, each with its own range", () => {
    const json = build({ availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
    const subnets = ofType(json, "aws_subnet").map(([, s]) => s);
    expect(subnets).toHaveLength(9);
    for (const t of ["public", "private", "isolated"]) {
      const zones = subnets
        .filter((s) => (s.tags as Record<string, string>).tier === t)
        .map((s) => s.availability_zone);
      expect(zones).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    }
    expect(new Set(subnets.map((s) => s.cidr_block)).size).toBe(9);
    expect(subnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it("gives isolated subnets route tables with no route at all", () => {
    const json = build();
    const isolated = tier(json, "aws_route_table", "isolated");
    expect(isolated).toHaveLength(2);
    const routes = ofType(json, "aws_route").map(([, r]) => r.route_table_id);
    for (const [name, table] of isolated) {
      expect(table.route).toBeUndefined();
      expect(routes).not.toContain(ref("aws_route_table", name));
    }
  });

  it("routes each private subnet through the NAT gateway of its own zone by default", () => {
    const json = build();
    const nats = ofType(json, "aws_nat_gateway").map(([name]) => ref("aws_nat_gateway", name));
    expect(nats).toHaveLength(2);
    const privateTables = tier(json, "aws_route_table", "private").map(([name]) =>
      ref("aws_route_table", name),
    );
    const targets = ofType(json, "aws_route")
      .map(([, r]) => r)
      .filter((r) => privateTables.includes(r.route_table_id as string))
      .map((r) => r.nat_gateway_id);
    expect(new Set(targets)).toEqual(new Set(nats));
  });

  it("shares one NAT gateway between zones with nat single", () => {
    const json = build({ nat: "single" });
    const nats = ofType(json, "aws_nat_gateway");
    expect(nats).toHaveLength(1);
    const natRoutes = ofType(json, "aws_route").filter(([, r]) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(2);
    expect(
      natRoutes.every(([, r]) => r.nat_gateway_id === ref("aws_nat_gateway", nats[0]![0])),
    ).toBe(true);
  });

  it("with nat none has no NAT and no internet route from private subnets, and adds VPC endpoints", () => {
    const json = build({ nat: "none" });
    expect(ofType(json, "aws_nat_gateway")).toHaveLength(0);
    expect(ofType(json, "aws_eip")).toHaveLength(0);
    const privateTables = tier(json, "aws_route_table", "private").map(([name]) =>
      ref("aws_route_table", name),
    );
    expect(
      ofType(json, "aws_route").filter(([, r]) =>
        privateTables.includes(r.route_table_id as string),
      ),
    ).toHaveLength(0);

    const endpoints = ofType(json, "aws_vpc_endpoint").map(([, e]) => e);
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(
      ["ecr.api", "ecr.dkr", "logs", "s3", "secretsmanager", "sts"].map(
        (s) => `com.amazonaws.eu-west-1.${s}`,
      ),
    );
    const s3 = endpoints.find((e) => e.vpc_endpoint_type === "Gateway")!;
    expect(s3.route_table_ids).toEqual(privateTables);
    const interfaces = endpoints.filter((e) => e.vpc_endpoint_type === "Interface");
    expect(interfaces.every((e) => e.private_dns_enabled === true)).toBe(true);
  });

  it("admits only HTTPS from the workload security group to the interface endpoints", () => {
    const json = build({ nat: "none" });
    const groups = ofType(json, "aws_security_group");
    const workload = groups.find(([, g]) => g.name === "shop-dev-workloads")![0];
    const endpoint = groups.find(([, g]) => g.name === "shop-dev-vpc-endpoints")![0];
    const ingress = ofType(json, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(ingress).toEqual([
      expect.objectContaining({
        security_group_id: ref("aws_security_group", endpoint),
        referenced_security_group_id: ref("aws_security_group", workload),
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
      }),
    ]);
    expect(groups.every(([, g]) => g.ingress === undefined)).toBe(true);
  });

  it("creates no endpoint security group when there are no interface endpoints", () => {
    const json = build({ nat: "per-az" });
    expect(ofType(json, "aws_security_group").map(([, g]) => g.name)).toEqual([
      "shop-dev-workloads",
    ]);
    expect(ofType(json, "aws_vpc_endpoint")).toHaveLength(1);
  });

  it("empties the default security group and turns flow logs on into an encrypted log group", () => {
    const json = build();
    const [[, defaultGroup]] = ofType(json, "aws_default_security_group") as [
      [string, Record<string, unknown>],
    ];
    expect(defaultGroup.ingress).toBeUndefined();
    expect(defaultGroup.egress).toBeUndefined();
    const [[, logGroup]] = ofType(json, "aws_cloudwatch_log_group") as [
      [string, Record<string, unknown>],
    ];
    expect(logGroup.retention_in_days).toBe(365);
    expect(logGroup.kms_key_id).toMatch(/^\$\{aws_kms_key\..*\.arn\}$/);
    expect(ofType(json, "aws_kms_key")[0]![1].enable_key_rotation).toBe(true);
    expect(ofType(json, "aws_flow_log")[0]![1]).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
    });
  });

  it.each([
    [{ cidr: "10.0.0.0/8" }, /network cidr "10.0.0.0\/8" must be an IPv4 range from \/16 to \/24/],
    [{ cidr: "10.0.300.0/16" }, /network cidr "10.0.300.0\/16"/],
    [{ availabilityZones: ["eu-west-1a"] }, /2 or 3 availability zones, got 1 \(eu-west-1a\)/],
    [{ availabilityZones: ["eu-west-1a", "eu-west-1a"] }, /repeat a zone/],
    [
      { nat: "sometimes" as never },
      /nat "sometimes" is not allowed; use one of per-az, single, none/,
    ],
  ])("rejects %j with a message that says what is allowed", (props, message) => {
    expect(() => build(props)).toThrow(ValidationError);
    expect(() => build(props)).toThrow(message);
  });
});
