import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  AssetsBucket,
  Cdn,
  ImageOptimizer,
  MANAGED_POLICY,
  ValidationError,
  type CdnProps,
  type LambdaArtifact,
} from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-edge-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const zip = path.join(dir, "image-optimizer.zip");
fs.writeFileSync(zip, "not really a zip");
const artifact: LambdaArtifact = {
  zip,
  sha256: "ab".repeat(32),
  architecture: "arm64",
  handler: "index.handler",
  runtime: "nodejs22.x",
};

const SIGNER_ARN = "arn:aws:lambda:us-east-1:111111111111:function:shop-prod-web-edge-signer:3";

/** The app's edge as a composer wires it: optimiser, CDN, then the bucket that trusts the CDN. */
function edge(cdn: Partial<CdnProps> = {}): Synthesized {
  return synth((stack) => {
    const images = new ImageOptimizer(stack, "Images", {
      functionName: "shop-prod-web-image-optimizer",
      artifact,
      assetsBucketName: "shop-prod-web-assets",
    });
    const distribution = new Cdn(stack, "Cdn", {
      name: "shop-prod-web",
      assets: { bucketName: "shop-prod-web-assets", region: "eu-west-1" },
      publicPaths: ["/favicon.ico", "/images/*"],
      imageOptimizer: { domainName: images.urlDomainName },
      defaultOrigin: { kind: "function-url", domainName: "server.lambda-url.eu-west-1.on.aws" },
      bodySignerArn: SIGNER_ARN,
      pathOrigins: [
        { pathPattern: "/api/*", origin: { kind: "https", domainName: "api.internal.example" } },
      ],
      ...cdn,
    });
    images.allowDistribution(distribution.distributionArn);
    new AssetsBucket(stack, "Assets", {
      bucketName: "shop-prod-web-assets",
      region: "eu-west-1",
      distributionArn: distribution.distributionArn,
    });
  });
}

const json = edge();
const [[distName, dist]] = ofType(json, "aws_cloudfront_distribution") as [
  [string, Record<string, any>],
];
const distArn = ref("aws_cloudfront_distribution", distName, "arn");
const byPath = (pattern: string) =>
  (dist.ordered_cache_behavior as Record<string, any>[]).find((b) => b.path_pattern === pattern)!;
const originOf = (id: string) =>
  (dist.origin as Record<string, any>[]).find((o) => o.origin_id === id)!;
const oac = (type: string) =>
  ref(
    "aws_cloudfront_origin_access_control",
    ofType(json, "aws_cloudfront_origin_access_control").find(
      ([, o]) => o.origin_access_control_origin_type === type,
    )![0],
  );

describe("AssetsBucket", () => {
  it("lets only this distribution read, and only under assets/", () => {
    const statements = Object.values(json.data!.aws_iam_policy_document!).flatMap(
      (d) => d.statement as Record<string, any>[],
    );
    expect(statements.find((s) => s.sid === "CloudFrontReadsAssets")).toEqual({
      sid: "CloudFrontReadsAssets",
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::shop-prod-web-assets/assets/*"],
      principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
      condition: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [distArn] }],
    });
  });

  it("is private: all public access blocked and ACLs disabled", () => {
    expect(ofType(json, "aws_s3_bucket_public_access_block")[0]![1]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(ofType(json, "aws_s3_bucket_ownership_controls")[0]![1]).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });
});

describe("Cdn", () => {
  it("reads the bucket through an S3 OAC, under /assets", () => {
    expect(originOf("assets")).toMatchObject({
      domain_name: "shop-prod-web-assets.s3.eu-west-1.amazonaws.com",
      origin_path: "/assets",
      origin_access_control_id: oac("s3"),
    });
    expect(
      ofType(json, "aws_cloudfront_origin_access_control").map(([, o]) => o.signing_behavior),
    ).toEqual(["always", "always"]);
  });

  it("signs requests to Function URLs with a Lambda OAC and reaches other origins over TLS 1.2 only", () => {
    expect(originOf("image-optimizer").origin_access_control_id).toBe(oac("lambda"));
    expect(originOf("default").origin_access_control_id).toBe(oac("lambda"));
    expect(originOf("path-0")).toMatchObject({
      domain_name: "api.internal.example",
      custom_origin_config: {
        origin_protocol_policy: "https-only",
        origin_ssl_protocols: ["TLSv1.2"],
      },
    });
    expect(originOf("path-0").origin_access_control_id).toBeUndefined();
  });

  it("serves hashed and public files from S3 with the caching-optimised policy", () => {
    for (const pattern of ["/_next/static/*", "/favicon.ico", "/images/*"]) {
      expect(byPath(pattern)).toMatchObject({
        target_origin_id: "assets",
        cache_policy_id: MANAGED_POLICY.cachingOptimized,
        allowed_methods: ["GET", "HEAD", "OPTIONS"],
        compress: true,
      });
    }
  });

  it("serves another framework's build output instead of Next.js's (Django's /static/*)", () => {
    const django = edge({ buildAssetsPath: "/static/*", publicPaths: [] });
    const [[, distribution]] = ofType(django, "aws_cloudfront_distribution") as [
      [string, Record<string, any>],
    ];
    const assetPaths = (distribution.ordered_cache_behavior as Record<string, any>[])
      .filter((b) => b.target_origin_id === "assets")
      .map((b) => b.path_pattern);
    expect(assetPaths).toEqual(["/static/*"]);
  });

  it("keys image responses on url, w, q and the normalised Accept only", () => {
    const images = byPath("/_next/image*");
    expect(images).toMatchObject({
      target_origin_id: "image-optimizer",
      allowed_methods: ["GET", "HEAD"],
      compress: false,
    });
    const [[policyName, policy]] = ofType(json, "aws_cloudfront_cache_policy") as [
      [string, Record<string, any>],
    ];
    expect(images.cache_policy_id).toBe(ref("aws_cloudfront_cache_policy", policyName));
    expect(policy.parameters_in_cache_key_and_forwarded_to_origin).toEqual({
      cookies_config: { cookie_behavior: "none" },
      headers_config: { header_behavior: "whitelist", headers: { items: ["accept"] } },
      query_strings_config: {
        query_string_behavior: "whitelist",
        query_strings: { items: ["url", "w", "q"] },
      },
      enable_accept_encoding_brotli: false,
      enable_accept_encoding_gzip: false,
    });
  });

  it("sends everything else to the app server uncached, with every viewer header but Host", () => {
    for (const behaviour of [dist.default_cache_behavior, byPath("/api/*")]) {
      expect(behaviour).toMatchObject({
        cache_policy_id: MANAGED_POLICY.cachingDisabled,
        origin_request_policy_id: MANAGED_POLICY.allViewerExceptHostHeader,
      });
      expect(behaviour.allowed_methods).toContain("POST");
    }
  });

  it("hashes bodies at the edge for Function URL origins only, so OAC can sign them", () => {
    expect(dist.default_cache_behavior.lambda_function_association).toEqual([
      { event_type: "origin-request", lambda_arn: SIGNER_ARN, include_body: true },
    ]);
    expect(byPath("/api/*").lambda_function_association).toBeUndefined();
  });

  it("keeps Function URL behaviours read-only without a body signer", () => {
    const unsigned = edge({ bodySignerArn: undefined });
    const [[, d]] = ofType(unsigned, "aws_cloudfront_distribution") as [[string, any]];
    expect(d.default_cache_behavior.allowed_methods).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(d.default_cache_behavior.lambda_function_association).toBeUndefined();
    const api = d.ordered_cache_behavior.find((b: any) => b.path_pattern === "/api/*");
    expect(api.allowed_methods).toContain("POST");
    for (const behaviour of [dist.default_cache_behavior]) {
      expect(behaviour.allowed_methods).toContain("POST");
    }
    expect(dist.default_cache_behavior.target_origin_id).toBe("default");
    expect(byPath("/api/*").target_origin_id).toBe("path-0");
  });

  it("redirects HTTP, runs the viewer-request function and adds security headers on every behaviour", () => {
    const [[fnName, fn]] = ofType(json, "aws_cloudfront_function") as [
      [string, Record<string, any>],
    ];
    expect(fn.runtime).toBe("cloudfront-js-2.0");
    const [[headersName, headers]] = ofType(json, "aws_cloudfront_response_headers_policy") as [
      [string, Record<string, any>],
    ];
    for (const behaviour of [dist.default_cache_behavior, ...dist.ordered_cache_behavior]) {
      expect(behaviour.viewer_protocol_policy).toBe("redirect-to-https");
      expect(behaviour.function_association).toEqual([
        {
          event_type: "viewer-request",
          function_arn: ref("aws_cloudfront_function", fnName, "arn"),
        },
      ]);
      expect(behaviour.response_headers_policy_id).toBe(
        ref("aws_cloudfront_response_headers_policy", headersName),
      );
    }
    expect(headers.security_headers_config).toMatchObject({
      strict_transport_security: {
        access_control_max_age_sec: 63072000,
        include_subdomains: true,
        override: true,
      },
      content_type_options: { override: true },
      frame_options: { frame_option: "DENY", override: true },
    });
  });

  it("adds HSTS preload only when asked", () => {
    const preloaded = edge({ hstsPreload: true });
    const policy = ofType(preloaded, "aws_cloudfront_response_headers_policy")[0]![1] as Record<
      string,
      any
    >;
    expect(policy.security_headers_config.strict_transport_security.preload).toBe(true);
  });

  it("uses the default certificate without a domain, and TLSv1.2_2021 with one", () => {
    expect(dist.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    const withDomain = edge({
      domain: {
        names: ["shop.example.com"],
        certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/abc-123",
      },
    });
    const distribution = ofType(withDomain, "aws_cloudfront_distribution")[0]![1] as Record<
      string,
      any
    >;
    expect(distribution.aliases).toEqual(["shop.example.com"]);
    expect(distribution.viewer_certificate).toEqual({
      acm_certificate_arn: "arn:aws:acm:us-east-1:111111111111:certificate/abc-123",
      ssl_support_method: "sni-only",
      minimum_protocol_version: "TLSv1.2_2021",
    });
  });

  it("requests a DNS-validated certificate in us-east-1 through the aliased provider", () => {
    const withCertificate = synth((stack) => {
      const usEast1 = new AwsProvider(stack, "us-east-1", {
        region: "us-east-1",
        alias: "us_east_1",
      });
      new Cdn(stack, "Cdn", {
        name: "shop-prod-web",
        assets: { bucketName: "shop-prod-web-assets", region: "eu-west-1" },
        defaultOrigin: { kind: "function-url", domainName: "server.lambda-url.eu-west-1.on.aws" },
        domain: { names: ["shop.example.com", "www.shop.example.com"] },
        usEast1Provider: usEast1,
      });
    });
    const [[, certificate]] = ofType(withCertificate, "aws_acm_certificate") as [
      [string, Record<string, any>],
    ];
    expect(certificate).toMatchObject({
      provider: "aws.us_east_1",
      domain_name: "shop.example.com",
      subject_alternative_names: ["www.shop.example.com"],
      validation_method: "DNS",
    });
    expect(ofType(withCertificate, "aws_acm_certificate_validation")[0]![1].provider).toBe(
      "aws.us_east_1",
    );
  });

  describe("with an internal load balancer through a VPC origin", () => {
    const albOrigin = {
      kind: "vpc-origin",
      vpcOriginId: "vo_api",
      domainName: "internal-shop-prod-web-1.eu-west-1.elb.amazonaws.com",
    } as const;
    const distributionOf = (synthesized: Synthesized) =>
      ofType(synthesized, "aws_cloudfront_distribution")[0]![1] as Record<string, any>;
    const originIn = (d: Record<string, any>, id: string) =>
      (d.origin as Record<string, any>[]).find((o) => o.origin_id === id)!;

    it("reaches a path origin by its VPC origin id, with timeouts and no OAC", () => {
      const d = distributionOf(
        edge({
          pathOrigins: [
            { pathPattern: "/api/*", origin: albOrigin },
            { pathPattern: "/admin/*", origin: { ...albOrigin, readTimeoutSec: 60 } },
          ],
        }),
      );
      expect(originIn(d, "path-0")).toEqual({
        origin_id: "path-0",
        domain_name: albOrigin.domainName,
        vpc_origin_config: {
          vpc_origin_id: "vo_api",
          origin_read_timeout: 30,
          origin_keepalive_timeout: 5,
        },
      });
      expect(originIn(d, "path-1").vpc_origin_config.origin_read_timeout).toBe(60);
      const api = d.ordered_cache_behavior.find((b: any) => b.path_pattern === "/api/*");
      expect(api).toMatchObject({
        target_origin_id: "path-0",
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cache_policy_id: MANAGED_POLICY.cachingDisabled,
        origin_request_policy_id: MANAGED_POLICY.allViewerExceptHostHeader,
        viewer_protocol_policy: "redirect-to-https",
      });
      // The body signer is for Function URLs only, even when the distribution has one.
      expect(api.lambda_function_association).toBeUndefined();
    });

    it("can be the default origin, taking every method without a body signer", () => {
      const d = distributionOf(edge({ defaultOrigin: albOrigin, bodySignerArn: undefined }));
      expect(originIn(d, "default")).toEqual({
        origin_id: "default",
        domain_name: albOrigin.domainName,
        vpc_origin_config: {
          vpc_origin_id: "vo_api",
          origin_read_timeout: 30,
          origin_keepalive_timeout: 5,
        },
      });
      expect(d.default_cache_behavior).toMatchObject({
        target_origin_id: "default",
        allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
        cache_policy_id: MANAGED_POLICY.cachingDisabled,
        origin_request_policy_id: MANAGED_POLICY.allViewerExceptHostHeader,
      });
      expect(d.default_cache_behavior.lambda_function_association).toBeUndefined();
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ["a read timeout of zero", { readTimeoutSec: 0 }, /readTimeoutSec 0 is not allowed/],
      [
        "a keep-alive timeout over 180 s",
        { keepaliveTimeoutSec: 181 },
        /keepaliveTimeoutSec 181 is not allowed; use a whole number of seconds from 1 to 180/,
      ],
    ])("refuses %s", (_name, timeouts, message) => {
      const attempt = () =>
        edge({ pathOrigins: [{ pathPattern: "/api/*", origin: { ...albOrigin, ...timeouts } }] });
      expect(attempt).toThrow(ValidationError);
      expect(attempt).toThrow(message);
    });
  });

  it.each<[string, Partial<CdnProps>, RegExp]>([
    [
      "a path without a leading slash",
      { publicPaths: ["images/*"] },
      /path pattern "images\/\*" is not allowed; use a path starting with "\/"/,
    ],
    [
      "a path used twice",
      { publicPaths: ["/_next/static/*"] },
      /path pattern "\/_next\/static\/\*" is used twice/,
    ],
    [
      "a domain with no certificate",
      { domain: { names: ["shop.example.com"] } },
      /needs a certificate: pass certificateArn .* or usEast1Provider/,
    ],
    [
      "a certificate outside us-east-1",
      {
        domain: {
          names: ["a.example"],
          certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/x",
        },
      },
      /needs an ACM certificate ARN in us-east-1/,
    ],
  ])("refuses %s", (_name, props, message) => {
    expect(() => edge(props)).toThrow(ValidationError);
    expect(() => edge(props)).toThrow(message);
  });
});

describe("ImageOptimizer", () => {
  const [[fnName, fn]] = ofType(json, "aws_lambda_function") as [[string, Record<string, any>]];

  it("runs the artifact on arm64 with its hash as the code version", () => {
    expect(fn).toMatchObject({
      function_name: "shop-prod-web-image-optimizer",
      handler: "index.handler",
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      memory_size: 1536,
      source_code_hash: Buffer.from("ab".repeat(32), "hex").toString("base64"),
      environment: {
        variables: {
          ASSETS_BUCKET: "shop-prod-web-assets",
          ASSETS_PREFIX: "assets",
          MALLOC_ARENA_MAX: "2",
        },
      },
    });
    expect(fn.vpc_config).toBeUndefined();
  });

  it("may read only assets/* of its bucket and write only its own logs", () => {
    const statements = Object.values(json.data!.aws_iam_policy_document!).flatMap(
      (d) => d.statement as Record<string, any>[],
    );
    expect(statements.find((s) => s.sid === "ReadAssets")).toEqual({
      sid: "ReadAssets",
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::shop-prod-web-assets/assets/*"],
    });
    const [[logName, logs]] = ofType(json, "aws_cloudwatch_log_group") as [
      [string, Record<string, any>],
    ];
    expect(logs).toMatchObject({
      name: "/aws/lambda/shop-prod-web-image-optimizer",
      retention_in_days: 365,
    });
    expect(statements.find((s) => s.sid === "WriteOwnLogs")!.resources).toEqual([
      `${ref("aws_cloudwatch_log_group", logName, "arn")}:*`,
    ]);
  });

  it("has an AWS_IAM Function URL that only this distribution may invoke", () => {
    expect(ofType(json, "aws_lambda_function_url")[0]![1]).toMatchObject({
      authorization_type: "AWS_IAM",
      invoke_mode: "BUFFERED",
    });
    const permissions = ofType(json, "aws_lambda_permission").map(([, p]) => p);
    expect(permissions.map((p) => p.action).sort()).toEqual([
      "lambda:InvokeFunction",
      "lambda:InvokeFunctionUrl",
    ]);
    for (const permission of permissions) {
      expect(permission).toMatchObject({
        principal: "cloudfront.amazonaws.com",
        source_arn: distArn,
        function_name: ref("aws_lambda_function", fnName, "function_name"),
      });
    }
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      "a relative zip path",
      { artifact: { ...artifact, zip: "dist/x.zip" } },
      /must be an absolute path/,
    ],
    ["a bad hash", { artifact: { ...artifact, sha256: "xyz" } }, /is not a hex SHA-256/],
    [
      "too little memory",
      { memoryMiB: 128 },
      /memoryMiB 128 is not allowed; use a whole number from 512 to 10240/,
    ],
    [
      "a timeout CloudFront would not wait for",
      { timeoutSec: 120 },
      /timeoutSec 120 is not allowed/,
    ],
    [
      "zero reserved concurrency",
      { reservedConcurrency: 0 },
      /reservedConcurrency 0 is not allowed/,
    ],
  ])("refuses %s", (_name, props, message) => {
    const build = () =>
      synth(
        (stack) =>
          new ImageOptimizer(stack, "Images", {
            functionName: "f",
            artifact,
            assetsBucketName: "b",
            ...props,
          }),
      );
    expect(build).toThrow(ValidationError);
    expect(build).toThrow(message);
  });
});
