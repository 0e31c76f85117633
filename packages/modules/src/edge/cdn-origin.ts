import type { CloudfrontDistributionOrigin } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { ValidationError } from "../core/errors";

/**
 * An internal load balancer reached through a CloudFront VPC origin (see InternalAlb, whose
 * `cdnOrigin` is one). Neither OAC nor the body signer applies: the load balancer is private.
 */
export interface CdnVpcOrigin {
  readonly kind: "vpc-origin";
  /** The `aws_cloudfront_vpc_origin` id. */
  readonly vpcOriginId: string;
  /** The load balancer's DNS name (HTTP), or the name its certificate covers (HTTPS). */
  readonly domainName: string;
  /**
   * Seconds CloudFront waits for the first byte of a response (values above 60 need a CloudFront
   * quota increase).
   * @default 30
   */
  readonly readTimeoutSec?: number;
  /**
   * Seconds CloudFront keeps an idle connection to the load balancer open; keep it below the load
   * balancer's idle timeout (values above 60 need a CloudFront quota increase).
   * @default 5
   */
  readonly keepaliveTimeoutSec?: number;
}

/** Where a behaviour's requests go. */
export type CdnOrigin =
  /** A Lambda Function URL with AWS_IAM auth, signed by CloudFront's OAC. */
  | { readonly kind: "function-url"; readonly domainName: string }
  /** An HTTPS origin reached over the internet. */
  | { readonly kind: "https"; readonly domainName: string }
  | CdnVpcOrigin;

const VPC_ORIGIN_DEFAULTS = { readTimeoutSec: 30, keepaliveTimeoutSec: 5 } as const;

const HTTPS_ONLY = {
  httpPort: 80,
  httpsPort: 443,
  originProtocolPolicy: "https-only",
  originSslProtocols: ["TLSv1.2"],
};

/**
 * The distribution's origin block for `target`. Function URLs are signed by the Lambda OAC;
 * other HTTPS origins are reached over TLS 1.2 only; a VPC origin's protocol is the VPC origin
 * resource's (see CloudFrontVpcOrigin), so the distribution gives only its id and timeouts.
 */
export function distributionOrigin(
  originId: string,
  target: CdnOrigin,
  functionUrlAccessControlId: string,
): CloudfrontDistributionOrigin {
  switch (target.kind) {
    case "function-url":
      return {
        originId,
        domainName: target.domainName,
        originAccessControlId: functionUrlAccessControlId,
        customOriginConfig: HTTPS_ONLY,
      };
    case "https":
      return { originId, domainName: target.domainName, customOriginConfig: HTTPS_ONLY };
    case "vpc-origin":
      return {
        originId,
        domainName: target.domainName,
        vpcOriginConfig: {
          vpcOriginId: target.vpcOriginId,
          originReadTimeout: target.readTimeoutSec ?? VPC_ORIGIN_DEFAULTS.readTimeoutSec,
          originKeepaliveTimeout:
            target.keepaliveTimeoutSec ?? VPC_ORIGIN_DEFAULTS.keepaliveTimeoutSec,
        },
      };
  }
}

/** Throws a ValidationError for an origin CloudFront would refuse; `where` names it. */
export function validateOrigin(where: string, target: CdnOrigin): void {
  const kinds = ["function-url", "https", "vpc-origin"];
  if (!kinds.includes(target.kind)) {
    throw new ValidationError(
      `CDN ${where} kind "${(target as { kind: string }).kind}" is not allowed; use one of ${kinds.join(", ")}`,
    );
  }
  if (target.kind !== "vpc-origin") return;
  for (const [name, value] of [
    ["readTimeoutSec", target.readTimeoutSec],
    ["keepaliveTimeoutSec", target.keepaliveTimeoutSec],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 180)) {
      throw new ValidationError(
        `CDN ${where} ${name} ${value} is not allowed; use a whole number of seconds from 1 to 180`,
      );
    }
  }
}
