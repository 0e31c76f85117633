import { Construct } from "constructs";
import { Token } from "cdktf";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { planListenerRules } from "./alb-routing";
import type { CdnVpcOrigin } from "./cdn-origin";
import { CloudFrontOnlySecurityGroup } from "./cloudfront-only-security-group";
import { CloudFrontVpcOrigin, VPC_ORIGIN_PORTS } from "./vpc-origin";

/**
 * How CloudFront reaches the load balancer. Asked for by name because plain HTTP is the weaker
 * choice:
 * - `http`: port 80, unencrypted between CloudFront's VPC-origin interfaces and the load balancer.
 *   That hop stays inside the VPC (never the internet), but anyone able to capture traffic in the
 *   VPC could read it. Needs no certificate and no domain.
 * - `https`: port 443 with a regional ACM certificate for `domainName`; CloudFront connects to
 *   `domainName` (it need not resolve publicly) and checks the certificate against it.
 */
export type InternalAlbOriginProtocol =
  | { readonly protocol: "http" }
  | {
      readonly protocol: "https";
      /** An ACM certificate in the load balancer's region covering `domainName`. */
      readonly certificateArn: string;
      /** The name CloudFront asks for, e.g. `origin.shop.example.com`. */
      readonly domainName: string;
    };

/** One service behind the load balancer: a target group and the paths routed to it. */
export interface InternalAlbTarget {
  /**
   * Short name, unique in this load balancer, e.g. `api`: the target group is `<name>-<target>`
   * (at most 32 characters) and the construct ids derive from it, so renaming replaces them.
   */
  readonly name: string;
  /**
   * Path patterns routed here, e.g. ["/api/*", "/admin/*"]: case-sensitive, `*` any characters,
   * `?` one. Paths CloudFront serves from S3 (`/static/*`) do not belong here.
   */
  readonly pathPatterns: readonly string[];
  /**
   * The port the service listens on (tasks register by IP and this port). Changing it replaces
   * the target group under the same name, which AWS refuses while a listener rule still forwards
   * to the old one: to move a service to a new port, add a target and retire the old one.
   * @default 8000
   */
  readonly port?: number;
  /** Health check path; any answer from 200 to 399 is healthy. @default "/healthz" */
  readonly healthCheckPath?: string;
  /** Seconds in-flight requests get when a task leaves the group. @default 30 */
  readonly deregistrationDelaySec?: number;
  /**
   * The listener rule priority of this target's first rule (a target with more than five patterns
   * has one rule per five, at the following numbers). Lower numbers are evaluated first.
   * @default - (position in `targets` + 1) x 10
   */
  readonly priority?: number;
}

export interface InternalAlbProps {
  /** The load balancer's name, e.g. `shop-prod-web` (at most 32 characters, not `internal-...`). */
  readonly name: string;
  readonly vpcId: string;
  /** The environment's private subnets, in two availability zones at least (an ALB requirement). */
  readonly subnetIds: readonly string[];
  /** Plain HTTP inside the VPC, or HTTPS with a certificate: see InternalAlbOriginProtocol. */
  readonly originProtocol: InternalAlbOriginProtocol;
  /** The services behind the load balancer, in routing order. */
  readonly targets: readonly InternalAlbTarget[];
  /**
   * Refuse to delete the load balancer (turn off before destroying the environment). Composers set
   * it from the environment's production flag.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Seconds an idle connection stays open. Keep it above CloudFront's origin keep-alive timeout
   * (5 s by default): if the load balancer closed first, CloudFront could reuse a closing
   * connection and answer 502.
   * @default 60
   */
  readonly idleTimeoutSec?: number;
  /**
   * Access logs to this S3 bucket, whose policy must let Elastic Load Balancing write.
   * @default - no access logs (CloudFront's logs record every request that reaches it)
   */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix?: string };
  /**
   * The id of the `com.amazonaws.global.cloudfront.origin-facing` prefix list, when known.
   * @default - looked up by name in the stack's region at plan time
   */
  readonly cloudFrontPrefixListId?: string;
}

/** What a service needs to join a target group (it fits EcsService's `loadBalancer`). */
export interface InternalAlbTargetAttachment {
  readonly targetGroupArn: string;
  /** `<lb arn_suffix>/<tg arn_suffix>`: the ALBRequestCountPerTarget scaling metric's label. */
  readonly resourceLabel: string;
  /** The port the load balancer sends to; the service's group must admit it from `securityGroupId`. */
  readonly port: number;
}

const DEFAULTS = {
  port: 8000,
  healthCheckPath: "/healthz",
  deregistrationDelaySec: 30,
  idleTimeoutSec: 60,
} as const;

// TLS 1.3 and 1.2 only, forward-secret ciphers: the policy AWS recommends for new listeners.
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * An app's internal Application Load Balancer behind CloudFront: in the private subnets, reached
 * only through a CloudFront VPC origin (created here: `vpcOriginId`, `cdnOrigin`), routing by path
 * to one target group per service and answering 404 to any other path. Invalid header fields are
 * dropped and request desync mitigation is strictest.
 *
 * Its security group admits CloudFront's origin-facing addresses on the listener port and nothing
 * else; it sends only to the services' groups, each added with `allowTrafficTo` once the service
 * exists (the service's group admits `securityGroupId`). Synthesis fails while a target has none.
 */
export class InternalAlb extends Construct {
  readonly loadBalancer: Lb;
  readonly listener: LbListener;
  readonly securityGroup: CloudFrontOnlySecurityGroup;
  readonly vpcOrigin: CloudFrontVpcOrigin;
  readonly targetGroups: Readonly<Record<string, LbTargetGroup>>;
  readonly loadBalancerArn: string;
  readonly dnsName: string;
  /** The group services admit on their port. */
  readonly securityGroupId: string;
  readonly vpcOriginId: string;
  /** This load balancer as a Cdn origin (`defaultOrigin` or a `pathOrigins` entry). */
  readonly cdnOrigin: CdnVpcOrigin;
  private readonly targetPorts = new Map<string, number>();
  private readonly allowedTargets = new Set<string>();

  constructor(scope: Construct, id: string, props: InternalAlbProps) {
    super(scope, id);
    validate(props);
    const name = props.name;
    // Planned before any resource exists, so that a routing mistake creates nothing.
    const rules = planListenerRules(props.targets);
    const origin = props.originProtocol;
    const port = VPC_ORIGIN_PORTS[origin.protocol];

    this.securityGroup = new CloudFrontOnlySecurityGroup(this, "SecurityGroup", {
      name: physicalName("securityGroup", [name, "alb"]),
      vpcId: props.vpcId,
      port,
      prefixListId: props.cloudFrontPrefixListId,
    });
    this.securityGroupId = this.securityGroup.securityGroupId;

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name,
      internal: true,
      loadBalancerType: "application",
      ipAddressType: "ipv4",
      subnets: [...props.subnetIds],
      securityGroups: [this.securityGroupId],
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "strictest",
      enableHttp2: true,
      idleTimeout: props.idleTimeoutSec ?? DEFAULTS.idleTimeoutSec,
      enableDeletionProtection: props.deletionProtection ?? false,
      ...(props.accessLogs
        ? {
            accessLogs: {
              bucket: props.accessLogs.bucketName,
              prefix: props.accessLogs.prefix ?? name,
              enabled: true,
            },
          }
        : {}),
    });
    this.loadBalancerArn = this.loadBalancer.arn;
    this.dnsName = this.loadBalancer.dnsName;

    this.listener = new LbListener(this, "Listener", {
      loadBalancerArn: this.loadBalancer.arn,
      port,
      ...(origin.protocol === "https"
        ? { protocol: "HTTPS", certificateArn: origin.certificateArn, sslPolicy: TLS_POLICY }
        : { protocol: "HTTP" }),
      // Paths no target claims: a plain 404 from the load balancer, not some service's answer.
      defaultAction: [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", messageBody: "Not found", statusCode: "404" },
        },
      ],
    });

    const targetGroups: Record<string, LbTargetGroup> = {};
    for (const target of props.targets) {
      targetGroups[target.name] = this.targetGroup(name, props.vpcId, target);
      this.targetPorts.set(target.name, target.port ?? DEFAULTS.port);
    }
    this.targetGroups = targetGroups;
    for (const rule of rules) {
      new LbListenerRule(this, `${rule.target}Rule${rule.index}`, {
        listenerArn: this.listener.arn,
        priority: rule.priority,
        condition: [{ pathPattern: { values: [...rule.pathPatterns] } }],
        action: [{ type: "forward", targetGroupArn: targetGroups[rule.target]!.arn }],
      });
    }

    this.vpcOrigin = new CloudFrontVpcOrigin(this, "VpcOrigin", {
      name,
      loadBalancerArn: this.loadBalancer.arn,
      protocol: origin.protocol,
    });
    this.vpcOriginId = this.vpcOrigin.vpcOriginId;
    this.cdnOrigin = {
      kind: "vpc-origin",
      vpcOriginId: this.vpcOriginId,
      domainName: origin.protocol === "https" ? origin.domainName : this.dnsName,
    };

    this.node.addValidation({
      validate: () =>
        props.targets
          .filter((target) => !this.allowedTargets.has(target.name))
          .map(
            (target) =>
              `internal load balancer target "${target.name}" cannot be reached: call allowTrafficTo("${target.name}", <the service's security group id>)`,
          ),
    });
  }

  /** The target group of `targetName`, as its service joins it. */
  target(targetName: string): InternalAlbTargetAttachment {
    const group = this.targetGroups[targetName];
    if (!group) throw unknownTarget(targetName, Object.keys(this.targetGroups));
    return {
      targetGroupArn: group.arn,
      resourceLabel: `${this.loadBalancer.arnSuffix}/${group.arnSuffix}`,
      port: this.targetPorts.get(targetName)!,
    };
  }

  /**
   * Lets the load balancer reach `targetName`'s service: egress from its group to
   * `securityGroupId` on the target's port (requests and health checks). Once per target.
   */
  allowTrafficTo(targetName: string, securityGroupId: string): void {
    const port = this.targetPorts.get(targetName);
    if (port === undefined) throw unknownTarget(targetName, [...this.targetPorts.keys()]);
    if (this.allowedTargets.has(targetName)) {
      throw new ValidationError(
        `internal load balancer target "${targetName}" is already allowed; a target's service has one security group`,
      );
    }
    this.allowedTargets.add(targetName);
    this.securityGroup.allowTo(
      targetName,
      securityGroupId,
      port,
      `Requests and health checks to target ${targetName}`,
    );
  }

  /**
   * Admits one client inside the VPC besides CloudFront, by its security group: e.g. a Next.js
   * server that calls the Django API server-side (`DJANGO_API_URL`) without leaving the VPC.
   * `id` names the rule (`From<id>`); the client's group needs egress to this one.
   */
  allowClient(id: string, securityGroupId: string, description: string): void {
    this.securityGroup.allowFrom(id, securityGroupId, description);
  }

  private targetGroup(name: string, vpcId: string, target: InternalAlbTarget): LbTargetGroup {
    return new LbTargetGroup(this, `${target.name}TargetGroup`, {
      name: physicalName("targetGroup", [name, target.name]),
      vpcId,
      // awsvpc tasks register their own addresses.
      targetType: "ip",
      protocol: "HTTP",
      protocolVersion: "HTTP1",
      port: target.port ?? DEFAULTS.port,
      deregistrationDelay: String(target.deregistrationDelaySec ?? DEFAULTS.deregistrationDelaySec),
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: target.healthCheckPath ?? DEFAULTS.healthCheckPath,
        // Redirects count as alive: a login redirect still proves the app answers.
        matcher: "200-399",
        // A new task is healthy after 2 x 15 s; a broken one is out after 3 x 15 s.
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
  }
}

function unknownTarget(targetName: string, known: readonly string[]): ValidationError {
  return new ValidationError(
    `internal load balancer has no target "${targetName}"; its targets are ${known.join(", ")}`,
  );
}

const TARGET_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const ACM_CERTIFICATE = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/;
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function validate(props: InternalAlbProps): void {
  physicalName("loadBalancer", [props.name]);
  if (props.name.startsWith("internal-")) {
    throw new ValidationError(
      `internal load balancer name "${props.name}" is not allowed; AWS refuses names starting with "internal-"`,
    );
  }
  if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2) {
    throw new ValidationError(
      `internal load balancer "${props.name}" needs private subnets in at least two availability zones, got ${props.subnetIds.length}`,
    );
  }
  checkRange("idleTimeoutSec", props.idleTimeoutSec, 1, 4000);
  const origin = props.originProtocol;
  if (origin.protocol === "https") {
    if (
      !Token.isUnresolved(origin.certificateArn) &&
      !ACM_CERTIFICATE.test(origin.certificateArn)
    ) {
      throw new ValidationError(
        `internal load balancer certificate "${origin.certificateArn}" is not allowed; give an ACM certificate ARN in the load balancer's region`,
      );
    }
    if (!Token.isUnresolved(origin.domainName) && !HOST_NAME.test(origin.domainName)) {
      throw new ValidationError(
        `internal load balancer domainName "${origin.domainName}" is not allowed; give the lowercase host name the certificate covers, e.g. "origin.shop.example.com"`,
      );
    }
  } else if (origin.protocol !== "http") {
    throw new ValidationError(
      `internal load balancer originProtocol "${(origin as { protocol: string }).protocol}" is not allowed; use "http" or "https"`,
    );
  }
  if (props.targets.length === 0) {
    throw new ValidationError(
      `internal load balancer "${props.name}" has no targets; give at least one, e.g. { name: "api", pathPatterns: ["/api/*"] }`,
    );
  }
  const names = new Set<string>();
  for (const target of props.targets) {
    if (!TARGET_NAME.test(target.name)) {
      throw new ValidationError(
        `internal load balancer target name "${target.name}" is not allowed; use lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
      );
    }
    if (names.has(target.name)) {
      throw new ValidationError(
        `internal load balancer target name "${target.name}" is used twice; each target needs its own name`,
      );
    }
    names.add(target.name);
    physicalName("targetGroup", [props.name, target.name]);
    const where = `target "${target.name}"`;
    checkRange(`${where} port`, target.port, 1, 65535);
    checkRange(`${where} deregistrationDelaySec`, target.deregistrationDelaySec, 0, 3600);
    const path = target.healthCheckPath;
    if (path !== undefined && (!path.startsWith("/") || path.length > 1024)) {
      throw new ValidationError(
        `internal load balancer ${where} healthCheckPath "${path}" is not allowed; use a path starting with "/" (at most 1024 characters), e.g. "/healthz"`,
      );
    }
  }
  if (props.accessLogs && props.accessLogs.bucketName.length === 0) {
    throw new ValidationError("internal load balancer accessLogs.bucketName is empty");
  }
}

function checkRange(what: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new ValidationError(
      `internal load balancer ${what} ${value} is not allowed; use a whole number from ${min} to ${max}`,
    );
  }
}
