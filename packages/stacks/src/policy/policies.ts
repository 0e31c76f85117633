import { refersTo, resourcesOf, type ResourceRef, type TerraformJson } from "./terraform-json";

/** A rule every zonke stack keeps, checked over its synthesised JSON. */
export interface Policy {
  readonly id: string;
  readonly description: string;
  check(json: TerraformJson): string[];
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];
const isAnywhere = (value: unknown) =>
  (Array.isArray(value) ? value : [value]).some((cidr) => ANYWHERE.includes(String(cidr)));
const label = (r: ResourceRef) => `${r.type}.${r.name}`;

export const noIngressFromAnywhere: Policy = {
  id: "no-ingress-from-anywhere",
  description: "No security group admits traffic from 0.0.0.0/0 or ::/0",
  check(json) {
    const problems: string[] = [];
    for (const group of resourcesOf(json, "aws_security_group")) {
      const rules = (group.config.ingress as Record<string, unknown>[] | undefined) ?? [];
      if (rules.some((rule) => isAnywhere(rule.cidr_blocks) || isAnywhere(rule.ipv6_cidr_blocks))) {
        problems.push(`${label(group)} has an inline ingress rule open to the internet`);
      }
    }
    for (const rule of resourcesOf(json, "aws_security_group_rule")) {
      if (
        rule.config.type === "ingress" &&
        (isAnywhere(rule.config.cidr_blocks) || isAnywhere(rule.config.ipv6_cidr_blocks))
      ) {
        problems.push(`${label(rule)} admits the internet`);
      }
    }
    for (const rule of resourcesOf(json, "aws_vpc_security_group_ingress_rule")) {
      if (isAnywhere(rule.config.cidr_ipv4) || isAnywhere(rule.config.cidr_ipv6)) {
        problems.push(`${label(rule)} admits the internet`);
      }
    }
    return problems;
  },
};

export const isolatedSubnetsStayInside: Policy = {
  id: "isolated-subnets-stay-inside",
  description: "Route tables of isolated subnets have no route out of the VPC",
  check(json) {
    const problems: string[] = [];
    const isolated = resourcesOf(json, "aws_route_table").filter(
      (table) => (table.config.tags as Record<string, string> | undefined)?.tier === "isolated",
    );
    for (const table of isolated) {
      if (Array.isArray(table.config.route) && table.config.route.length > 0) {
        problems.push(`${label(table)} has inline routes`);
      }
      for (const route of resourcesOf(json, "aws_route")) {
        if (refersTo(route.config.route_table_id, table.type, table.name)) {
          problems.push(`${label(route)} adds a route to the isolated ${label(table)}`);
        }
      }
    }
    return problems;
  },
};

export const bucketsPrivateAndEncrypted: Policy = {
  id: "buckets-private-and-encrypted",
  description: "Every S3 bucket blocks all public access and has default encryption",
  check(json) {
    const problems: string[] = [];
    const blocks = resourcesOf(json, "aws_s3_bucket_public_access_block");
    const encryption = resourcesOf(json, "aws_s3_bucket_server_side_encryption_configuration");
    for (const bucket of resourcesOf(json, "aws_s3_bucket")) {
      const mine = (r: ResourceRef) => refersTo(r.config.bucket, bucket.type, bucket.name);
      const block = blocks.find(mine);
      const flags = [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
      ];
      if (!block || flags.some((flag) => block.config[flag] !== true)) {
        problems.push(`${label(bucket)} does not block all four kinds of public access`);
      }
      if (!encryption.some(mine)) problems.push(`${label(bucket)} has no default encryption`);
    }
    return problems;
  },
};

export const resourcesTagged: Policy = {
  id: "resources-tagged",
  description: "Every taggable resource carries the project and environment tags",
  check(json) {
    return resourcesOf(json)
      .filter((r) => typeof r.config.tags === "object" && r.config.tags !== null)
      .filter((r) => {
        const tags = r.config.tags as Record<string, string>;
        return !tags.project || !tags.environment;
      })
      .map((r) => `${label(r)} lacks the project or environment tag`);
  },
};

/** Attributes that would carry a secret value into the plan and the state. */
const SECRET_VALUE_ATTRIBUTES = new Set([
  "password",
  "master_password",
  "secret_string",
  "secret_binary",
  "auth_token",
]);
/** Resources whose only purpose is holding a secret value. */
const SECRET_VALUE_RESOURCES = ["aws_secretsmanager_secret_version", "aws_ssm_parameter"];

export const noSecretValues: Policy = {
  id: "no-secret-values",
  description:
    "No secret value passes through Terraform: no secret versions, no password attributes",
  check(json) {
    const problems: string[] = [];
    for (const type of SECRET_VALUE_RESOURCES) {
      for (const resource of resourcesOf(json, type)) {
        problems.push(`${label(resource)} would put a secret value in the state`);
      }
    }
    const visit = (value: unknown, where: string, path: string) => {
      if (Array.isArray(value)) {
        value.forEach((item, index) => visit(item, where, `${path}[${index}]`));
      } else if (typeof value === "object" && value !== null) {
        for (const [key, child] of Object.entries(value)) {
          const at = path ? `${path}.${key}` : key;
          if (SECRET_VALUE_ATTRIBUTES.has(key)) problems.push(`${where} sets ${at}`);
          else visit(child, where, at);
        }
      }
    };
    for (const resource of resourcesOf(json)) visit(resource.config, label(resource), "");
    return problems;
  },
};

export const POLICIES: readonly Policy[] = [
  noIngressFromAnywhere,
  isolatedSubnetsStayInside,
  bucketsPrivateAndEncrypted,
  resourcesTagged,
  noSecretValues,
];

/** Every policy violation of one stack, as `<policy id>: <what is wrong>`. */
export function checkPolicies(json: TerraformJson): string[] {
  return POLICIES.flatMap((policy) =>
    policy.check(json).map((problem) => `${policy.id}: ${problem}`),
  );
}
