import { POLICIES, checkPolicies, type TerraformJson } from "../src";
import { ALL_OPTIONS_CONFIG, EXAMPLE_CONFIG, synthConfig } from "./helpers";

describe("every synthesised stack keeps the policies", () => {
  const stacks = { ...synthConfig(EXAMPLE_CONFIG).json, ...synthConfig(ALL_OPTIONS_CONFIG).json };

  it("covers the example and all-options stacks", () => {
    expect(Object.keys(stacks).sort()).toEqual([
      "gate-private-network",
      "gate-private-site",
      "gate-private-site-pipeline",
      "gate-private-site-registry",
      "gate-private-state",
      "gate-single-delivery",
      "gate-single-network",
      "gate-single-site",
      "gate-single-site-pipeline",
      "gate-single-site-registry",
      "gate-single-state",
      "zonke-dev-api",
      "zonke-dev-api-pipeline",
      "zonke-dev-api-registry",
      "zonke-dev-delivery",
      "zonke-dev-network",
      "zonke-dev-site",
      "zonke-dev-site-pipeline",
      "zonke-dev-site-registry",
      "zonke-dev-state",
      "zonke-dev-store",
      "zonke-dev-store-api",
      "zonke-dev-store-api-pipeline",
      "zonke-dev-store-api-registry",
      "zonke-dev-store-pipeline",
      "zonke-dev-store-registry",
      "zonke-dev-web",
      "zonke-dev-web-pipeline",
      "zonke-prod-api",
      "zonke-prod-api-pipeline",
      "zonke-prod-api-registry",
      "zonke-prod-delivery",
      "zonke-prod-network",
      "zonke-prod-site",
      "zonke-prod-site-pipeline",
      "zonke-prod-site-registry",
      "zonke-prod-state",
      "zonke-prod-store",
      "zonke-prod-store-api",
      "zonke-prod-store-api-pipeline",
      "zonke-prod-store-api-registry",
      "zonke-prod-store-pipeline",
      "zonke-prod-store-registry",
      "zonke-prod-web",
      "zonke-prod-web-pipeline",
    ]);
  });

  it.each(Object.keys(stacks))("%s has no violations", (name) => {
    expect(checkPolicies(stacks[name]!)).toEqual([]);
  });
});

describe("each policy catches what it is for", () => {
  const violations = (json: TerraformJson) => checkPolicies(json);

  it("flags ingress from anywhere, in all three rule styles", () => {
    const json: TerraformJson = {
      resource: {
        aws_security_group: { open: { ingress: [{ cidr_blocks: ["0.0.0.0/0"], from_port: 22 }] } },
        aws_security_group_rule: {
          open6: { type: "ingress", ipv6_cidr_blocks: ["::/0"] },
          out: { type: "egress", cidr_blocks: ["0.0.0.0/0"] },
        },
        aws_vpc_security_group_ingress_rule: {
          open4: { cidr_ipv4: "0.0.0.0/0" },
          inside: { cidr_ipv4: "10.0.0.0/16" },
        },
      },
    };
    expect(violations(json)).toEqual([
      "no-ingress-from-anywhere: aws_security_group.open has an inline ingress rule open to the internet",
      "no-ingress-from-anywhere: aws_security_group_rule.open6 admits the internet",
      "no-ingress-from-anywhere: aws_vpc_security_group_ingress_rule.open4 admits the internet",
    ]);
  });

  it("flags secret values on their way into the state", () => {
    const json: TerraformJson = {
      resource: {
        aws_secretsmanager_secret_version: { v: { secret_string: "{}" } },
        aws_db_instance: {
          db: { password: "hunter2", manage_master_user_password: true },
          fine: { manage_master_user_password: true },
        },
        aws_elasticache_replication_group: { cache: { settings: [{ auth_token: "t" }] } },
      },
    };
    expect(violations(json)).toEqual([
      "no-secret-values: aws_secretsmanager_secret_version.v would put a secret value in the state",
      "no-secret-values: aws_secretsmanager_secret_version.v sets secret_string",
      "no-secret-values: aws_db_instance.db sets password",
      "no-secret-values: aws_elasticache_replication_group.cache sets settings[0].auth_token",
    ]);
  });

  it("flags a route added to an isolated route table", () => {
    const json: TerraformJson = {
      resource: {
        aws_route_table: {
          iso: { tags: { tier: "isolated", project: "p", environment: "e" } },
          priv: { tags: { tier: "private", project: "p", environment: "e" } },
        },
        aws_route: {
          leak: {
            route_table_id: "${aws_route_table.iso.id}",
            destination_cidr_block: "0.0.0.0/0",
          },
          fine: {
            route_table_id: "${aws_route_table.priv.id}",
            destination_cidr_block: "0.0.0.0/0",
          },
        },
      },
    };
    expect(violations(json)).toEqual([
      "isolated-subnets-stay-inside: aws_route.leak adds a route to the isolated aws_route_table.iso",
    ]);
  });

  it("flags a bucket without a full public access block or default encryption", () => {
    const json: TerraformJson = {
      resource: {
        aws_s3_bucket: { b: {} },
        aws_s3_bucket_public_access_block: {
          pab: {
            bucket: "${aws_s3_bucket.b.id}",
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: false,
          },
        },
      },
    };
    expect(violations(json)).toEqual([
      "buckets-private-and-encrypted: aws_s3_bucket.b does not block all four kinds of public access",
      "buckets-private-and-encrypted: aws_s3_bucket.b has no default encryption",
    ]);
  });

  it("flags a tagged resource without the project and environment tags", () => {
    expect(violations({ resource: { aws_vpc: { v: { tags: { Name: "x" } } } } })).toEqual([
      "resources-tagged: aws_vpc.v lacks the project or environment tag",
    ]);
  });

  it("has a description for every policy", () => {
    for (const policy of POLICIES) expect(policy.description.length).toBeGreaterThan(10);
  });
});
