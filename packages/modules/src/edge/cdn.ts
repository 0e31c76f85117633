import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import type {
  CloudfrontDistributionOrderedCacheBehavior,
  CloudfrontDistributionOrigin,
} from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontOriginAccessControl } from "@cdktf/provider-aws/lib/cloudfront-origin-access-control";
import { CloudfrontFunction } from "@cdktf/provider-aws/lib/cloudfront-function";
import { CloudfrontCachePolicy } from "@cdktf/provider-aws/lib/cloudfront-cache-policy";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { ASSETS_PREFIX, AssetsBucket } from "./assets-bucket";
import { distributionOrigin, validateOrigin, type CdnOrigin } from "./cdn-origin";
import { viewerRequestCode } from "./viewer-request";

/** AWS-managed policies (stable ids published by CloudFront). */
export const MANAGED_POLICY = {
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Forwards every viewer header but Host: Function URLs and ALBs need their own Host. */
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

export const IMAGE_PATH = "/_next/image";
const DEFAULT_BUILD_ASSETS_PATH = "/_next/static/*";

export type { CdnOrigin, CdnVpcOrigin } from "./cdn-origin";

export interface CdnPathOrigin {
  /** e.g. `/api/*` */
  readonly pathPattern: string;
  readonly origin: CdnOrigin;
}

export interface CdnDomain {
  /** Host names viewers use, e.g. ["shop.example.com"]. */
  readonly names: readonly string[];
  /**
   * An ACM certificate in us-east-1 covering `names`.
   * @default - one is requested through `usEast1Provider` and validated by DNS
   */
  readonly certificateArn?: string;
}

export interface CdnProps {
  /** Prefix for the names of the function, policies and OAC (e.g. `shop-prod-web`). */
  readonly name: string;
  /** The assets bucket's name and region (see AssetsBucket). */
  readonly assets: { readonly bucketName: string; readonly region: string };
  /**
   * The path of the framework's build output in the assets bucket: `/_next/static/*` for Next.js,
   * `/static/*` for Django's collectstatic.
   * @default "/_next/static/*"
   */
  readonly buildAssetsPath?: string;
  /**
   * URL path patterns served straight from the assets bucket besides `buildAssetsPath`: the app's
   * public files, e.g. `/favicon.ico`, `/images/*`.
   * @default []
   */
  readonly publicPaths?: readonly string[];
  /** The image optimiser's Function URL host. @default - no image behaviour */
  readonly imageOptimizer?: { readonly domainName: string };
  /**
   * Where everything else goes (the app server): a Function URL, an HTTPS origin, or an internal
   * load balancer through a VPC origin (InternalAlb's `cdnOrigin`).
   */
  readonly defaultOrigin: CdnOrigin;
  /**
   * The edge signer's published version ARN (see EdgeSigner). Required when a server origin is a
   * Function URL: OAC cannot pass a request body to a Function URL without the hash it adds.
   * @default - none; then only GET/HEAD/OPTIONS reach Function URL origins
   */
  readonly bodySignerArn?: string;
  /**
   * More path behaviours with their own origins, e.g. `/api/*` to Django behind InternalAlb.
   * @default []
   */
  readonly pathOrigins?: readonly CdnPathOrigin[];
  /** @default - the distribution's *.cloudfront.net name only */
  readonly domain?: CdnDomain;
  /** Provider aliased to us-east-1, needed to request a certificate. @default - none */
  readonly usEast1Provider?: TerraformProvider;
  /**
   * Standard access logs to this bucket (it needs ACLs enabled, as CloudFront requires).
   * @default - no access logs
   */
  readonly accessLogs?: { readonly bucketDomainName: string; readonly prefix?: string };
  /** @default "PriceClass_100" (North America and Europe) */
  readonly priceClass?: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  /** WAF web ACL (ARN) to attach. @default - none */
  readonly webAclArn?: string;
  /**
   * Add `preload` to Strict-Transport-Security. Off by default: it consents to anyone submitting
   * the domain to browsers' preload lists, which then force HTTPS on every subdomain for months.
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * `X-Frame-Options` sent with every response.
   * @default "DENY"
   */
  readonly frameOptions?: "DENY" | "SAMEORIGIN";
}

const ORIGIN_IDS = { assets: "assets", images: "image-optimizer", default: "default" } as const;

/**
 * The app's CloudFront distribution: `/_next/static/*` and public files from the private assets
 * bucket (OAC), `/_next/image*` from the image optimiser (OAC-signed Function URL), extra path
 * origins, and the app server as the default. HTTPS only (HTTP redirects), TLS 1.2 (2021 policy)
 * with a custom domain, HTTP/2 and 3, compression, a security-headers policy on every response,
 * and a viewer-request function that sets `x-forwarded-host` and normalises the image cache key.
 */
export class Cdn extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly distributionArn: string;
  readonly distributionId: string;
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    validate(props);
    const functionName = physicalName("cloudFrontFunction", [props.name, "viewer-request"]);

    const s3Access = new CloudfrontOriginAccessControl(this, "AssetsAccess", {
      name: physicalName("cloudFrontOriginAccessControl", [props.name, "assets"]),
      description: `${props.name}: CloudFront reads the assets bucket`,
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });
    const lambdaAccess = new CloudfrontOriginAccessControl(this, "FunctionUrlAccess", {
      name: physicalName("cloudFrontOriginAccessControl", [props.name, "lambda"]),
      description: `${props.name}: CloudFront signs requests to Function URLs`,
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    });

    const viewerRequest = new CloudfrontFunction(this, "ViewerRequest", {
      name: functionName,
      runtime: "cloudfront-js-2.0",
      comment: "x-forwarded-host, no Next.js internal headers, image cache key",
      publish: true,
      code: viewerRequestCode(IMAGE_PATH),
    });
    const functionAssociation = [{ eventType: "viewer-request", functionArn: viewerRequest.arn }];

    const headers = new CloudfrontResponseHeadersPolicy(this, "SecurityHeaders", {
      name: physicalName("cloudFrontPolicy", [props.name, "security-headers"]),
      securityHeadersConfig: {
        strictTransportSecurity: {
          accessControlMaxAgeSec: 63072000,
          includeSubdomains: true,
          preload: props.hstsPreload ?? false,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: props.frameOptions ?? "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: false },
      },
    });

    const origin = (originId: string, target: CdnOrigin): CloudfrontDistributionOrigin =>
      distributionOrigin(originId, target, lambdaAccess.id);

    const origins: CloudfrontDistributionOrigin[] = [
      {
        originId: ORIGIN_IDS.assets,
        domainName: AssetsBucket.regionalDomainName(props.assets.bucketName, props.assets.region),
        originPath: `/${ASSETS_PREFIX}`,
        originAccessControlId: s3Access.id,
      },
      origin(ORIGIN_IDS.default, props.defaultOrigin),
      ...(props.pathOrigins ?? []).map((p, index) => origin(`path-${index}`, p.origin)),
    ];

    const staticBehaviour = (pathPattern: string): CloudfrontDistributionOrderedCacheBehavior => ({
      pathPattern,
      targetOriginId: ORIGIN_IDS.assets,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: MANAGED_POLICY.cachingOptimized,
      responseHeadersPolicyId: headers.id,
      functionAssociation,
    });
    // A Function URL behind OAC takes a body only with the signer's hash; without a signer, such
    // behaviours stay read-only rather than failing every POST with a signature error. HTTPS and
    // VPC origins (load balancers) take every method, unsigned.
    const serverBehaviour = (targetOriginId: string, target: CdnOrigin) => {
      const functionUrl = target.kind === "function-url";
      const writable = !functionUrl || props.bodySignerArn !== undefined;
      return {
        targetOriginId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: writable
          ? ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
          : ["GET", "HEAD", "OPTIONS"],
        cachedMethods: ["GET", "HEAD"],
        compress: true,
        cachePolicyId: MANAGED_POLICY.cachingDisabled,
        originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
        responseHeadersPolicyId: headers.id,
        functionAssociation,
        ...(functionUrl && props.bodySignerArn
          ? {
              lambdaFunctionAssociation: [
                { eventType: "origin-request", lambdaArn: props.bodySignerArn, includeBody: true },
              ],
            }
          : {}),
      };
    };

    const behaviours: CloudfrontDistributionOrderedCacheBehavior[] = [
      staticBehaviour(props.buildAssetsPath ?? DEFAULT_BUILD_ASSETS_PATH),
      ...(props.publicPaths ?? []).map(staticBehaviour),
    ];
    if (props.imageOptimizer) {
      origins.push(origin(ORIGIN_IDS.images, { kind: "function-url", ...props.imageOptimizer }));
      behaviours.push({
        pathPattern: `${IMAGE_PATH}*`,
        targetOriginId: ORIGIN_IDS.images,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        // Images are already compressed; gzip would only cost CPU.
        compress: false,
        cachePolicyId: new ImageCachePolicy(this, "ImageCachePolicy", props.name).id,
        responseHeadersPolicyId: headers.id,
        functionAssociation,
      });
    }
    (props.pathOrigins ?? []).forEach((p, index) =>
      behaviours.push({
        pathPattern: p.pathPattern,
        ...serverBehaviour(`path-${index}`, p.origin),
      }),
    );

    this.distribution = new CloudfrontDistribution(this, "Distribution", {
      enabled: true,
      comment: props.name,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass ?? "PriceClass_100",
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      ...(props.domain ? { aliases: [...props.domain.names] } : {}),
      origin: origins,
      defaultCacheBehavior: serverBehaviour(ORIGIN_IDS.default, props.defaultOrigin),
      orderedCacheBehavior: behaviours,
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: this.viewerCertificate(props),
      ...(props.accessLogs
        ? {
            loggingConfig: {
              bucket: props.accessLogs.bucketDomainName,
              prefix: props.accessLogs.prefix ?? `${props.name}/`,
              includeCookies: false,
            },
          }
        : {}),
    });
    this.distributionArn = this.distribution.arn;
    this.distributionId = this.distribution.id;
    this.domainName = this.distribution.domainName;
  }

  private viewerCertificate(props: CdnProps) {
    if (!props.domain) return { cloudfrontDefaultCertificate: true };
    const certificateArn = props.domain.certificateArn ?? this.requestCertificate(props);
    return {
      acmCertificateArn: certificateArn,
      sslSupportMethod: "sni-only",
      minimumProtocolVersion: "TLSv1.2_2021",
    };
  }

  /** A DNS-validated certificate in us-east-1; the validation records are the caller's to publish. */
  private requestCertificate(props: CdnProps): string {
    const [first, ...rest] = props.domain!.names;
    const certificate = new AcmCertificate(this, "Certificate", {
      provider: props.usEast1Provider!,
      domainName: first!,
      subjectAlternativeNames: rest,
      validationMethod: "DNS",
      lifecycle: { createBeforeDestroy: true },
    });
    return new AcmCertificateValidation(this, "CertificateValidation", {
      provider: props.usEast1Provider!,
      certificateArn: certificate.arn,
    }).certificateArn;
  }
}

/** Cache key of `/_next/image`: only url, w, q and the normalised Accept. */
class ImageCachePolicy extends CloudfrontCachePolicy {
  constructor(scope: Construct, id: string, name: string) {
    super(scope, id, {
      name: physicalName("cloudFrontPolicy", [name, "images"]),
      comment: "next/image: url, w, q and the normalised Accept header",
      minTtl: 0,
      defaultTtl: 86400,
      maxTtl: 31536000,
      parametersInCacheKeyAndForwardedToOrigin: {
        cookiesConfig: { cookieBehavior: "none" },
        headersConfig: { headerBehavior: "whitelist", headers: { items: ["accept"] } },
        queryStringsConfig: {
          queryStringBehavior: "whitelist",
          queryStrings: { items: ["url", "w", "q"] },
        },
        enableAcceptEncodingGzip: false,
        enableAcceptEncodingBrotli: false,
      },
    });
  }
}

function validate(props: CdnProps): void {
  validateOrigin("defaultOrigin", props.defaultOrigin);
  (props.pathOrigins ?? []).forEach((p) =>
    validateOrigin(`path origin "${p.pathPattern}"`, p.origin),
  );
  const buildAssetsPath = props.buildAssetsPath ?? DEFAULT_BUILD_ASSETS_PATH;
  const patterns = [
    buildAssetsPath,
    ...(props.publicPaths ?? []),
    ...(props.pathOrigins ?? []).map((p) => p.pathPattern),
  ];
  for (const pattern of patterns) {
    if (!pattern.startsWith("/") || pattern.length > 255) {
      throw new ValidationError(
        `CDN path pattern "${pattern}" is not allowed; use a path starting with "/" (at most 255 characters), e.g. "/api/*"`,
      );
    }
  }
  const seen = new Set([`${IMAGE_PATH}*`]);
  for (const pattern of patterns) {
    if (seen.has(pattern)) {
      throw new ValidationError(
        `CDN path pattern "${pattern}" is used twice; each path can have one origin`,
      );
    }
    seen.add(pattern);
  }
  if (props.domain) {
    if (props.domain.names.length === 0) {
      throw new ValidationError("CDN domain needs at least one host name");
    }
    if (!props.domain.certificateArn && !props.usEast1Provider) {
      throw new ValidationError(
        `CDN domain ${props.domain.names.join(", ")} needs a certificate: pass certificateArn (an ACM certificate in us-east-1) or usEast1Provider to request one`,
      );
    }
    if (
      props.domain.certificateArn &&
      !/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(props.domain.certificateArn)
    ) {
      throw new ValidationError(
        `CDN certificate "${props.domain.certificateArn}" is not allowed; CloudFront needs an ACM certificate ARN in us-east-1`,
      );
    }
  }
}
