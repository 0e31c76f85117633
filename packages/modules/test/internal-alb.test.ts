import { TerraformOutput, type TerraformStack } from "cdktf";
import {
  CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
  Cdn,
  InternalAlb,
  Network,
  ValidationError,
  globCovers,
  type InternalAlbProps,
  type InternalAlbTarget,
} from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

type Json = Record<string, any>;

const API: InternalAlbTarget = { name: "api", pathPatterns: ["/api/*", "/admin/*"] };
const WEB: InternalAlbTarget = { name: "web", pathPatterns: ["/*"], port: 3000 };
const SERVICE_GROUPS: Record<string, string> = { api: "sg-api", web: "sg-web" };

/**
 * An internal ALB in a real Network's private subnets, wired as a composer wires it: each target's
 * service group allowed, and what services and scaling read exported as outputs.
 */
function build(
  props: Partial<InternalAlbProps> = {},
  wire: (alb: InternalAlb, stack: TerraformStack) => void = allowAll,
): Synthesized {
  return synth((stack) => {
    const network = new Network(stack, "Network", {
      name: "shop-prod",
      region: "eu-west-1",
      accountId: "111111111111",
      availabilityZones: ["eu-west-1a", "eu-west-1b"],
    });
    const alb = new InternalAlb(stack, "Alb", {
      name: "shop-prod-web",
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      originProtocol: { protocol: "http" },
      targets: [API, WEB],
      ...props,
    });
    wire(alb, stack);
  });
}

function allowAll(alb: InternalAlb, stack: TerraformStack): void {
  for (const name of Object.keys(alb.targetGroups)) {
    alb.allowTrafficTo(name, SERVICE_GROUPS[name] ?? `sg-${name}`);
  }
  const api = alb.target("api");
  new TerraformOutput(stack, "api_target_group", { value: api.targetGroupArn });
  new TerraformOutput(stack, "api_resource_label", { value: api.resourceLabel });
  new TerraformOutput(stack, "api_port", { value: api.port });
  new TerraformOutput(stack, "alb_security_group", { value: alb.securityGroupId });
  new TerraformOutput(stack, "alb_arn", { value: alb.loadBalancerArn });
  new TerraformOutput(stack, "alb_dns_name", { value: alb.dnsName });
  new TerraformOutput(stack, "vpc_origin_id", { value: alb.vpcOriginId });
  new TerraformOutput(stack, "cdn_origin_domain", { value: alb.cdnOrigin.domainName });
}

/** The resources of one type, typed loosely for assertions. */
const each = (json: Synthesized, type: string) => ofType(json, type) as [string, Json][];
const one = (json: Synthesized, type: string): [string, Json] => {
  const all = each(json, type);
  expect(all).toHaveLength(1);
  return all[0] as [string, Json];
};
const output = (json: Synthesized, name: string) =>
  (json as unknown as { output: Record<string, { value: unknown }> }).output[name]!.value;
const targetGroupRef = (json: Synthesized, name: string) =>
  ref(
    "aws_lb_target_group",
    each(json, "aws_lb_target_group").find(([, g]) => g.name === name)![0],
    "arn",
  );

const json = build();
const [lbName, lb] = one(json, "aws_lb");
const albGroup = (synthesized: Synthesized) =>
  each(synthesized, "aws_security_group").find(([, g]) => g.name === "shop-prod-web-alb")!;
const [sgName, sg] = albGroup(json);
const sgRef = ref("aws_security_group", sgName);
const ingress = each(json, "aws_vpc_security_group_ingress_rule")
  .map(([, rule]) => rule)
  .filter((rule) => rule.security_group_id === sgRef);
const egress = each(json, "aws_vpc_security_group_egress_rule")
  .map(([, rule]) => rule)
  .filter((rule) => rule.security_group_id === sgRef);
const [listenerName, listener] = one(json, "aws_lb_listener");
const rules = each(json, "aws_lb_listener_rule").map(([, rule]) => rule);

describe("InternalAlb", () => {
  it("is an internal ALB in the network's private subnets, behind its own security group", () => {
    const privateSubnets = each(json, "aws_subnet")
      .filter(([, subnet]) => subnet.tags.tier === "private")
      .map(([name]) => ref("aws_subnet", name));
    expect(privateSubnets).toHaveLength(2);
    expect(lb).toMatchObject({
      name: "shop-prod-web",
      internal: true,
      load_balancer_type: "application",
      subnets: privateSubnets,
      security_groups: [sgRef],
    });
  });

  it("drops invalid headers, mitigates desync strictly, and keeps connections longer than CloudFront", () => {
    expect(lb).toMatchObject({
      drop_invalid_header_fields: true,
      desync_mitigation_mode: "strictest",
      enable_http2: true,
      idle_timeout: 60,
      enable_deletion_protection: false,
    });
    expect(lb.access_logs).toBeUndefined();
  });

  it("turns on deletion protection and access logs when asked", () => {
    const [, guarded] = one(
      build({ deletionProtection: true, idleTimeoutSec: 120, accessLogs: { bucketName: "logs" } }),
      "aws_lb",
    );
    expect(guarded).toMatchObject({
      enable_deletion_protection: true,
      idle_timeout: 120,
      access_logs: { bucket: "logs", prefix: "shop-prod-web", enabled: true },
    });
  });

  it("admits only CloudFront's origin-facing prefix list, on the listener port", () => {
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const prefixLists = Object.entries(json.data!.aws_ec2_managed_prefix_list!);
    expect(prefixLists).toHaveLength(1);
    const [prefixListName, prefixList] = prefixLists[0]!;
    expect(prefixList.name).toBe(CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST);
    expect(ingress).toEqual([
      {
        security_group_id: sgRef,
        prefix_list_id: `\${data.aws_ec2_managed_prefix_list.${prefixListName}.id}`,
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
        description: expect.stringContaining("CloudFront"),
      },
    ]);
  });

  it("admits a named client inside the VPC by its group, on the listener port only", () => {
    const withClient = build({}, (alb, stack) => {
      allowAll(alb, stack);
      alb.allowClient("WebServer", "sg-next-server", "Server-side API calls from the web app");
    });
    const [clientSgName] = albGroup(withClient);
    const admitted = each(withClient, "aws_vpc_security_group_ingress_rule")
      .map(([, rule]) => rule)
      .filter((rule) => rule.security_group_id === ref("aws_security_group", clientSgName));
    expect(admitted).toEqual([
      expect.objectContaining({ prefix_list_id: expect.any(String), from_port: 80 }),
      expect.objectContaining({
        referenced_security_group_id: "sg-next-server",
        ip_protocol: "tcp",
        from_port: 80,
        to_port: 80,
      }),
    ]);
  });

  it("uses a given prefix list id instead of looking it up", () => {
    const given = build({ cloudFrontPrefixListId: "pl-4fa04526" });
    expect(given.data?.aws_ec2_managed_prefix_list).toBeUndefined();
    const rules = each(given, "aws_vpc_security_group_ingress_rule").map(([, r]) => r);
    expect(rules.filter((r) => r.prefix_list_id === "pl-4fa04526")).toHaveLength(1);
  });

  it("sends only to the targets' security groups, each on its own port", () => {
    expect(egress).toEqual([
      expect.objectContaining({
        referenced_security_group_id: "sg-api",
        ip_protocol: "tcp",
        from_port: 8000,
        to_port: 8000,
      }),
      expect.objectContaining({
        referenced_security_group_id: "sg-web",
        ip_protocol: "tcp",
        from_port: 3000,
        to_port: 3000,
      }),
    ]);
    for (const rule of egress) {
      expect(rule.cidr_ipv4).toBeUndefined();
      expect(rule.cidr_ipv6).toBeUndefined();
    }
  });

  it("answers 404 itself to any path no target claims", () => {
    expect(listener).toMatchObject({
      load_balancer_arn: ref("aws_lb", lbName, "arn"),
      port: 80,
      protocol: "HTTP",
      default_action: [
        {
          type: "fixed-response",
          fixed_response: { content_type: "text/plain", status_code: "404" },
        },
      ],
    });
    expect(listener.certificate_arn).toBeUndefined();
  });

  it("routes each target's paths to its target group, in the order of the targets", () => {
    const routes = rules
      .map((rule) => ({
        priority: rule.priority,
        paths: rule.condition[0].path_pattern.values,
        to: rule.action[0].target_group_arn,
        listener: rule.listener_arn,
      }))
      .sort((a, b) => a.priority - b.priority);
    const listenerArn = ref("aws_lb_listener", listenerName, "arn");
    expect(routes).toEqual([
      {
        priority: 10,
        paths: ["/api/*", "/admin/*"],
        to: targetGroupRef(json, "shop-prod-web-api"),
        listener: listenerArn,
      },
      {
        priority: 20,
        paths: ["/*"],
        to: targetGroupRef(json, "shop-prod-web-web"),
        listener: listenerArn,
      },
    ]);
    expect(rules.every((rule) => rule.action[0].type === "forward")).toBe(true);
  });

  it("splits a target's patterns into rules of five, at the priorities after its own", () => {
    const many = build({
      targets: [
        {
          name: "api",
          pathPatterns: ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*", "/f/*"],
          priority: 5,
        },
      ],
    });
    const split = each(many, "aws_lb_listener_rule")
      .map(([, rule]) => [rule.priority, rule.condition[0].path_pattern.values])
      .sort((a, b) => a[0] - b[0]);
    expect(split).toEqual([
      [5, ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*"]],
      [6, ["/f/*"]],
    ]);
  });

  it("registers tasks by IP and checks their health on the traffic port", () => {
    const groups = Object.fromEntries(
      each(json, "aws_lb_target_group").map(([, group]) => [group.name, group]),
    );
    expect(groups["shop-prod-web-api"]).toMatchObject({
      target_type: "ip",
      protocol: "HTTP",
      port: 8000,
      vpc_id: ref("aws_vpc", one(json, "aws_vpc")[0]),
      deregistration_delay: "30",
      health_check: {
        enabled: true,
        path: "/healthz",
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200-399",
      },
    });
    expect(groups["shop-prod-web-web"].port).toBe(3000);

    const tuned = build({
      targets: [{ ...API, healthCheckPath: "/api/health/", deregistrationDelaySec: 5 }, WEB],
    });
    const api = each(tuned, "aws_lb_target_group").find(([, g]) => g.name === "shop-prod-web-api")!;
    expect(api[1]).toMatchObject({
      deregistration_delay: "5",
      health_check: { path: "/api/health/" },
    });
  });

  it("gives services their target group, scaling label and the group to admit", () => {
    const groupName = each(json, "aws_lb_target_group").find(
      ([, g]) => g.name === "shop-prod-web-api",
    )![0];
    expect(output(json, "api_target_group")).toBe(targetGroupRef(json, "shop-prod-web-api"));
    expect(output(json, "api_resource_label")).toBe(
      `${ref("aws_lb", lbName, "arn_suffix")}/${ref("aws_lb_target_group", groupName, "arn_suffix")}`,
    );
    expect(output(json, "api_port")).toBe(8000);
    expect(output(json, "alb_security_group")).toBe(sgRef);
    expect(output(json, "alb_arn")).toBe(ref("aws_lb", lbName, "arn"));
    expect(output(json, "alb_dns_name")).toBe(ref("aws_lb", lbName, "dns_name"));
  });

  it("is CloudFront's VPC origin over HTTP on port 80, reached at the ALB's DNS name", () => {
    const [originName, origin] = one(json, "aws_cloudfront_vpc_origin");
    expect(origin.vpc_origin_endpoint_config).toEqual([
      {
        name: "shop-prod-web",
        arn: ref("aws_lb", lbName, "arn"),
        http_port: 80,
        https_port: 443,
        origin_protocol_policy: "http-only",
        origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }],
      },
    ]);
    expect(output(json, "vpc_origin_id")).toBe(ref("aws_cloudfront_vpc_origin", originName));
    expect(output(json, "cdn_origin_domain")).toBe(ref("aws_lb", lbName, "dns_name"));
  });

  it("is the CDN's origin for the paths it serves, through the VPC origin, without OAC", () => {
    const composed = build({}, (alb, stack) => {
      allowAll(alb, stack);
      new Cdn(stack, "Cdn", {
        name: "shop-prod-web",
        assets: { bucketName: "shop-prod-web-assets", region: "eu-west-1" },
        buildAssetsPath: "/static/*",
        defaultOrigin: { kind: "function-url", domainName: "server.lambda-url.eu-west-1.on.aws" },
        pathOrigins: [
          { pathPattern: "/api/*", origin: alb.cdnOrigin },
          { pathPattern: "/admin/*", origin: alb.cdnOrigin },
        ],
      });
    });
    const [originName] = one(composed, "aws_cloudfront_vpc_origin");
    const [albName] = one(composed, "aws_lb");
    const [, distribution] = one(composed, "aws_cloudfront_distribution");
    const albOrigins = (distribution.origin as Json[]).filter((o) => o.vpc_origin_config);
    expect(albOrigins.map((o) => o.origin_id)).toEqual(["path-0", "path-1"]);
    for (const origin of albOrigins) {
      expect(origin).toEqual({
        origin_id: origin.origin_id,
        domain_name: ref("aws_lb", albName, "dns_name"),
        vpc_origin_config: {
          vpc_origin_id: ref("aws_cloudfront_vpc_origin", originName),
          origin_read_timeout: 30,
          origin_keepalive_timeout: 5,
        },
      });
    }
  });

  it("speaks HTTPS on 443 with the certificate and TLS 1.2+ when asked", () => {
    const certificateArn = "arn:aws:acm:eu-west-1:111111111111:certificate/abc-123";
    const https = build({
      originProtocol: { protocol: "https", certificateArn, domainName: "origin.shop.example.com" },
    });
    expect(one(https, "aws_lb_listener")[1]).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      certificate_arn: certificateArn,
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    expect(one(https, "aws_cloudfront_vpc_origin")[1].vpc_origin_endpoint_config[0]).toMatchObject({
      origin_protocol_policy: "https-only",
    });
    const httpsGroup = ref("aws_security_group", albGroup(https)[0]);
    const httpsIngress = each(https, "aws_vpc_security_group_ingress_rule")
      .map(([, r]) => r)
      .filter((r) => r.security_group_id === httpsGroup);
    expect(httpsIngress.map((r) => [r.from_port, r.to_port])).toEqual([[443, 443]]);
    expect(output(https, "cdn_origin_domain")).toBe("origin.shop.example.com");
  });

  it("fails synthesis while a target's service is not allowed in", () => {
    expect(() => build({}, (alb) => alb.allowTrafficTo("api", "sg-api"))).toThrow(
      /target "web" cannot be reached: call allowTrafficTo\("web"/,
    );
  });

  it.each<[string, (alb: InternalAlb) => void, RegExp]>([
    [
      "an unknown target",
      (alb) => alb.target("django"),
      /has no target "django"; its targets are api, web/,
    ],
    [
      "allowing an unknown target",
      (alb) => alb.allowTrafficTo("django", "sg-1"),
      /has no target "django"/,
    ],
    [
      "allowing a target twice",
      (alb) => {
        alb.allowTrafficTo("api", "sg-1");
        alb.allowTrafficTo("api", "sg-2");
      },
      /target "api" is already allowed/,
    ],
  ])("refuses %s", (_name, wire, message) => {
    const attempt = () => build({}, wire);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
  });

  it.each<[string, Partial<InternalAlbProps>, RegExp]>([
    [
      "a path of one target that an earlier target's pattern always takes",
      {
        targets: [
          { name: "api", pathPatterns: ["/api/*"] },
          { name: "v2", pathPatterns: ["/api/v2/*"] },
        ],
      },
      /"\/api\/v2\/\*" of target "v2" \(priority 20\) can never match: "\/api\/\*" of target "api" \(priority 10\)/,
    ],
    [
      "a catch-all placed before other targets",
      { targets: [WEB, API] },
      /"\/api\/\*" of target "api" \(priority 20\) can never match: "\/\*" of target "web"/,
    ],
    [
      "a path pattern used by two targets",
      { targets: [API, { name: "admin", pathPatterns: ["/admin/*"] }] },
      /path pattern "\/admin\/\*" is used by targets "api" and "admin"/,
    ],
    [
      "colliding priorities",
      {
        targets: [
          {
            name: "a",
            pathPatterns: ["/a/*", "/b/*", "/c/*", "/d/*", "/e/*", "/f/*"],
            priority: 10,
          },
          { name: "b", pathPatterns: ["/g/*"], priority: 11 },
        ],
      },
      /targets "a" and "b" both need listener rule priority 11/,
    ],
    [
      "a priority out of range",
      { targets: [{ ...API, priority: 50001 }] },
      /priority 50001 is not allowed; use a whole number from 1 to 50000/,
    ],
    [
      "more listener rules than an ALB may have",
      {
        targets: Array.from({ length: 101 }, (_, i) => ({
          name: `t${i}`,
          pathPatterns: [`/t${i}/*`],
          priority: i + 1,
        })),
      },
      /need 101 listener rules .* AWS allows 100/,
    ],
    [
      "a path pattern without a leading slash",
      { targets: [{ name: "api", pathPatterns: ["api/*"] }] },
      /path pattern "api\/\*" is not allowed; use a path starting with "\/"/,
    ],
    [
      "a target without paths",
      { targets: [{ name: "api", pathPatterns: [] }] },
      /target "api" has no path patterns/,
    ],
    ["no targets", { targets: [] }, /has no targets/],
    [
      "a target name with capitals",
      { targets: [{ name: "Api", pathPatterns: ["/api/*"] }] },
      /target name "Api" is not allowed/,
    ],
    [
      "a target name used twice",
      { targets: [API, { ...API, pathPatterns: ["/x"] }] },
      /target name "api" is used twice/,
    ],
    [
      "a load balancer name over 32 characters",
      { name: "a-very-long-project-prod-web-alb-x" },
      /load balancer name "a-very-long-project-prod-web-alb-x" is 34 characters; AWS allows at most 32/,
    ],
    [
      "a target group name over 32 characters",
      {
        name: "shop-production-web",
        targets: [{ name: "background-api", pathPatterns: ["/api/*"] }],
      },
      /target group name "shop-production-web-background-api" is 34 characters; AWS allows at most 32/,
    ],
    ["a name AWS reserves", { name: "internal-shop" }, /starting with "internal-"/],
    ["a single subnet", { subnetIds: ["subnet-1"] }, /at least two availability zones, got 1/],
    [
      "a port out of range",
      { targets: [{ ...API, port: 70000 }] },
      /target "api" port 70000 is not allowed; use a whole number from 1 to 65535/,
    ],
    [
      "a health check path without a slash",
      { targets: [{ ...API, healthCheckPath: "healthz" }] },
      /healthCheckPath "healthz" is not allowed/,
    ],
    [
      "a deregistration delay over an hour",
      { targets: [{ ...API, deregistrationDelaySec: 4000 }] },
      /deregistrationDelaySec 4000 is not allowed/,
    ],
    ["an idle timeout of zero", { idleTimeoutSec: 0 }, /idleTimeoutSec 0 is not allowed/],
    [
      "HTTPS with something that is not an ACM certificate",
      {
        originProtocol: { protocol: "https", certificateArn: "cert", domainName: "o.example.com" },
      },
      /certificate "cert" is not allowed; give an ACM certificate ARN/,
    ],
    [
      "HTTPS without a host name",
      {
        originProtocol: {
          protocol: "https",
          certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/abc",
          domainName: "https://o.example.com",
        },
      },
      /domainName "https:\/\/o.example.com" is not allowed/,
    ],
  ])("refuses %s", (_name, props, message) => {
    const attempt = () => build(props, () => undefined);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(message);
  });
});

describe("globCovers", () => {
  it.each<[string, string, boolean]>([
    ["/api/*", "/api/v1/*", true],
    ["/api/*", "/api/users", true],
    ["/*", "/anything/*", true],
    ["/api/v1/*", "/api/*", false],
    ["/api/*", "/admin/*", false],
    // `?` is one character, `*` any number: "/a?c" does not take "/abbc", which "/a*c" matches.
    ["/a?c", "/a*c", false],
    ["/a*c", "/a?c", true],
    ["/api", "/api/*", false],
    ["/api*", "/api/*", true],
  ])("%s covers %s: %s", (cover, pattern, expected) => {
    expect(globCovers(cover, pattern)).toBe(expected);
  });
});
