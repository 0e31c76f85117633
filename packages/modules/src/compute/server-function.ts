import { Construct } from "constructs";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaAlias } from "@cdktf/provider-aws/lib/lambda-alias";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { ArtifactFunction, type ArtifactFunctionProps } from "./artifact-function";
import { allowDistributionToInvoke, functionUrlDomainName } from "./function-url";
import type { LambdaArtifact } from "./lambda-artifact";
import type { ContainerImageCode } from "./artifact-function";
import { secretReadStatements } from "./secret-access";
import { resolveTrafficShift, type LambdaReleaseTarget, type TrafficShift } from "./traffic-shift";
import { lambdaSecretEnvironment, type SecretSource } from "../storage/secret-wiring";

export type { EcsReleaseTarget, LambdaReleaseTarget, TrafficShift } from "./traffic-shift";

export interface ServerNetwork {
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Private subnets (with egress through NAT or VPC endpoints). */
  readonly subnetIds: readonly string[];
  /** Groups the function joins besides its own, e.g. the one VPC endpoints admit. @default [] */
  readonly extraSecurityGroupIds?: readonly string[];
}

/** What every app server on Lambda takes (NextServer, DjangoLambda). */
export interface ServerOptions {
  /** Function name, e.g. `shop-prod-web-server`. */
  readonly functionName: string;
  readonly network: ServerNetwork;
  /**
   * Rendering is CPU-bound and Lambda's CPU grows with memory (1,769 MB = one vCPU).
   * @default 1536
   */
  readonly memoryMiB?: number;
  /** @default 30 (CloudFront's default origin response timeout) */
  readonly timeoutSec?: number;
  /** Plain settings, e.g. `DJANGO_API_URL`. Never secrets: use `secrets`. @default {} */
  readonly environment?: Record<string, string>;
  /**
   * Secrets Manager secrets (JSON objects) whose keys the runtime loads into the environment at
   * init, before the app starts (e.g. the app's secret, and the database's behind `DB_`). Only
   * their ARNs reach the function's configuration.
   * @default []
   */
  readonly secrets?: readonly SecretSource[];
  /** KMS keys that encrypt those secrets, if not AWS-managed. @default [] */
  readonly secretKmsKeyArns?: readonly string[];
  /** @default - none: shares the account's unreserved concurrency */
  readonly reservedConcurrency?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
  /**
   * Who moves the `live` alias to the version an apply publishes.
   *
   * - `"apply"`: the apply itself, so viewers get the new code as soon as Terraform is done. For
   *   deploys with plain Terraform.
   * - `"release"`: the alias is created on the first published version and Terraform then ignores
   *   its `function_version`: later applies publish versions without moving it. A release step
   *   moves it (`UpdateAlias` with `releaseTarget`) when the new version is ready, e.g. after the
   *   migrations ran on it; until then the previous version keeps serving. zonke's pipeline uses
   *   this. Switching an existing function to it leaves the alias where the last apply put it.
   *
   * @default "apply"
   */
  readonly trafficShift?: TrafficShift;
}

export interface ServerFunctionProps extends ServerOptions {
  /** e.g. "Next.js server (zonke adapter)". */
  readonly description: string;
  readonly code: LambdaArtifact | ContainerImageCode;
  /** Stream responses (`RESPONSE_STREAM`) rather than buffer them (at most 6 MB). */
  readonly streaming: boolean;
  /** Settings the server kind sets itself, merged over `environment`. */
  readonly runtimeEnvironment: Record<string, string>;
}

/** The alias that serves traffic; the Function URL and the warmer point at it. */
export const LIVE_ALIAS = "live";

/**
 * An app's server on Lambda: in private subnets with a security group of its own (no ingress:
 * Lambda receives nothing over the VPC; egress HTTPS, for AWS APIs and remote data, plus what
 * `allowConnectTo` adds: the database, an internal API), reached only through its Function URL
 * with AWS_IAM auth, which only the CloudFront distribution allowed by `allowDistribution` can
 * call.
 *
 * Every deploy publishes a version; the `live` alias serves it, moved by the apply or, with
 * `trafficShift: "release"`, by a release step (`releaseTarget`). The Function URL belongs to the
 * alias, so the warmer and the viewers reach the same instances.
 *
 * Requests with a body must carry `x-amz-content-sha256` to pass OAC: the Cdn's edge signer
 * (Lambda@Edge, bodies up to 1 MB) adds it. A secret-origin-header mode was left out on purpose:
 * its value would sit in Terraform state and plans, and the Function URL would be open to anyone
 * holding it.
 */
export class ServerFunction extends Construct {
  readonly function: LambdaFunction;
  readonly alias: LambdaAlias;
  readonly functionUrl: LambdaFunctionUrl;
  /** The Function URL's host name, for CloudFront's origin. */
  readonly urlDomainName: string;
  readonly securityGroupId: string;
  readonly roleName: string;
  /** Who moves the alias (`trafficShift`, default filled in). */
  readonly trafficShift: TrafficShift;
  /**
   * What a release step moves: the alias, to the version this apply published. With
   * `trafficShift: "apply"` the apply has moved it already.
   */
  readonly releaseTarget: LambdaReleaseTarget;

  constructor(scope: Construct, id: string, props: ServerFunctionProps) {
    super(scope, id);
    validate(props);
    this.trafficShift = resolveTrafficShift(`server ${props.functionName}`, props.trafficShift);
    const { network } = props;
    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: physicalName("securityGroup", [props.functionName]),
      description: `${props.functionName}: app server Lambda (no ingress)`,
      vpcId: network.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = securityGroup.id;
    // Separate rules, never inline blocks, so `allowConnectTo` can add more (Terraform removes
    // AWS's default allow-all egress rule when it creates the group).
    new VpcSecurityGroupEgressRule(this, "HttpsOut", {
      securityGroupId: this.securityGroupId,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to AWS APIs and remote data",
    });

    this.sameAs = (overrides) =>
      new ArtifactFunction(this, overrides.id, {
        ...this.functionSettings(props, securityGroup.id),
        ...overrides,
      });
    const server = new ArtifactFunction(this, "Function", {
      ...this.functionSettings(props, securityGroup.id),
      publish: true,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrency: props.reservedConcurrency }
        : {}),
    });
    this.function = server.function;
    this.roleName = server.role.name;

    this.alias = new LambdaAlias(this, "Live", {
      name: LIVE_ALIAS,
      functionName: this.function.functionName,
      functionVersion: this.function.version,
      description: "The version that serves traffic",
      // Created on the first version; from then on the release step moves it, not Terraform.
      ...(this.trafficShift === "release"
        ? { lifecycle: { ignoreChanges: ["function_version"] } }
        : {}),
    });
    this.releaseTarget = {
      functionName: this.function.functionName,
      alias: LIVE_ALIAS,
      version: this.function.version,
    };
    this.functionUrl = new LambdaFunctionUrl(this, "Url", {
      functionName: this.function.functionName,
      qualifier: this.alias.name,
      authorizationType: "AWS_IAM",
      invokeMode: props.streaming ? "RESPONSE_STREAM" : "BUFFERED",
    });
    this.urlDomainName = functionUrlDomainName(this.functionUrl);
  }

  /**
   * Another function with this server's code, network, secrets and settings (e.g. Django's
   * manage function), changed by `overrides`.
   */
  readonly sameAs: (
    overrides: Partial<ArtifactFunctionProps> & { id: string; functionName: string },
  ) => ArtifactFunction;

  /**
   * Lets the server open connections to `securityGroupId`'s members on `port`: its database (or
   * the proxy), an internal API's load balancer. The other side must admit this group too.
   */
  allowConnectTo(id: string, securityGroupId: string, port: number, description: string): void {
    new VpcSecurityGroupEgressRule(this, `To${id}`, {
      securityGroupId: this.securityGroupId,
      referencedSecurityGroupId: securityGroupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description,
    });
  }

  private functionSettings(
    props: ServerFunctionProps,
    securityGroupId: string,
  ): ArtifactFunctionProps {
    const { network } = props;
    const secrets = props.secrets ?? [];
    return {
      functionName: props.functionName,
      description: props.description,
      code: props.code,
      memoryMiB: props.memoryMiB ?? 1536,
      timeoutSec: props.timeoutSec ?? 30,
      logRetentionDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { logsKmsKeyArn: props.logsKmsKeyArn } : {}),
      vpc: {
        region: network.region,
        accountId: network.accountId,
        subnetIds: network.subnetIds,
        securityGroupIds: [securityGroupId, ...(network.extraSecurityGroupIds ?? [])],
      },
      statements: secretReadStatements(
        secrets.map((source) => source.arn),
        props.secretKmsKeyArns ?? [],
      ),
      environment: {
        ...props.environment,
        ...props.runtimeEnvironment,
        ...lambdaSecretEnvironment(secrets),
      },
    };
  }

  /** Lets one CloudFront distribution (and nothing else) call the Function URL. */
  allowDistribution(distributionArn: string): void {
    allowDistributionToInvoke(this, this.function.functionName, distributionArn, LIVE_ALIAS);
  }
}

function validate(props: ServerFunctionProps): void {
  const reserved = new Set(["ZONKE_SECRET_ARNS", ...Object.keys(props.runtimeEnvironment)]);
  for (const name of Object.keys(props.environment ?? {})) {
    if (reserved.has(name) || name.startsWith("AWS_")) {
      throw new ValidationError(
        `${props.functionName}: environment variable ${name} is not allowed; ${[...reserved].join(", ")} and AWS_* are set by zonke or Lambda`,
      );
    }
  }
  const timeout = props.timeoutSec ?? 30;
  if (!Number.isInteger(timeout) || timeout < 3 || timeout > 60) {
    throw new ValidationError(
      `${props.functionName}: timeoutSec ${timeout} is not allowed; use a whole number from 3 to 60 (CloudFront waits at most 60 s for an origin)`,
    );
  }
}
