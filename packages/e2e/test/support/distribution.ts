/**
 * The CloudFront distribution the `Cdn` construct of @zonke/modules creates, read from its
 * synthesised Terraform JSON, so the local edge routes by the real configuration: behaviours in
 * CloudFront's order (ordered ones, then the default), each with its origin, allowed methods,
 * viewer-request function code, origin-request Lambda@Edge, what it forwards to the origin and
 * the response headers policy. A setting this reader does not know fails loudly instead of being
 * skipped: a change in the construct must be taught here, not silently ignored.
 */
import { Testing } from "cdktf";
import { Cdn, MANAGED_POLICY } from "@zonke/modules";
import { pathPatternMatcher } from "./path-pattern";

/** Local names for what the construct needs (nothing here is reached by these names). */
export const DISTRIBUTION_NAMES = {
  bucketName: "zonke-e2e-assets",
  region: "eu-west-1",
  serverDomain: "e2eserverfunctionurl0000000000000.lambda-url.eu-west-1.on.aws",
  imagesDomain: "e2eimagesfunctionurl000000000000.lambda-url.eu-west-1.on.aws",
  bodySignerArn: "arn:aws:lambda:us-east-1:123456789012:function:e2e-edge-signer:1",
} as const;

export interface Origin {
  readonly id: string;
  /** `s3`: the assets bucket through OAC; `function-url`: a Lambda Function URL through OAC. */
  readonly kind: "s3" | "function-url";
  readonly domainName: string;
  /** Prefixed to the request path (the bucket's `/assets`). */
  readonly originPath: string;
}

/** What CloudFront passes on to the origin, by the behaviour's cache and origin request policies. */
export interface Forwarding {
  readonly headers: "all-viewer-except-host" | readonly string[];
  readonly cookies: "all" | "none";
  readonly queryStrings: "all" | readonly string[];
}

export interface ResponseHeader {
  readonly name: string;
  readonly value: string;
  /** Replace the origin's value; otherwise only added when the origin sent none. */
  readonly override: boolean;
}

export interface Behaviour {
  /** `*` for the default behaviour. */
  readonly pathPattern: string;
  readonly matches: (path: string) => boolean;
  readonly origin: Origin;
  readonly allowedMethods: readonly string[];
  readonly viewerRequestCode?: string;
  readonly originRequestLambda?: { readonly arn: string; readonly includeBody: boolean };
  readonly forwarding: Forwarding;
  readonly responseHeaders: readonly ResponseHeader[];
}

export interface LocalDistribution {
  /** In the order CloudFront tries them; the last is the default. */
  readonly behaviours: readonly Behaviour[];
  /** The viewer-request functions' code, as deployed. */
  readonly functionCode: readonly string[];
}

type Json = Record<string, any>;

export function synthesizeDistribution(publicPaths: readonly string[]): LocalDistribution {
  const names = DISTRIBUTION_NAMES;
  const resources = JSON.parse(
    Testing.synthScope((scope) => {
      new Cdn(scope, "Cdn", {
        name: "zonke-e2e-web",
        assets: { bucketName: names.bucketName, region: names.region },
        publicPaths,
        imageOptimizer: { domainName: names.imagesDomain },
        defaultOrigin: { kind: "function-url", domainName: names.serverDomain },
        bodySignerArn: names.bodySignerArn,
      });
    }),
  ).resource as Json;
  const [distribution, ...others] = Object.values(resources["aws_cloudfront_distribution"] as Json);
  if (!distribution || others.length > 0) throw new Error("expected one distribution");
  const resolve = (reference: string): Json => {
    const match = /^\$\{(\w+)\.(\w+)\.\w+\}$/.exec(reference);
    const resource = match && (resources[match[1]!] as Json | undefined)?.[match[2]!];
    if (!resource) throw new Error(`cannot resolve ${reference} in the synthesised distribution`);
    return resource as Json;
  };
  const origins = new Map(
    (distribution["origin"] as Json[]).map((o) => [
      o["origin_id"] as string,
      readOrigin(o, resolve),
    ]),
  );
  const behaviour = (b: Json): Behaviour => {
    const origin = origins.get(b["target_origin_id"]);
    if (!origin) throw new Error(`behaviour targets unknown origin ${b["target_origin_id"]}`);
    const pathPattern = (b["path_pattern"] as string | undefined) ?? "*";
    const functions = (b["function_association"] as Json[] | undefined) ?? [];
    const lambdas = (b["lambda_function_association"] as Json[] | undefined) ?? [];
    if (functions.some((f) => f["event_type"] !== "viewer-request")) {
      throw new Error(`${pathPattern}: only viewer-request functions are run locally`);
    }
    if (lambdas.some((l) => l["event_type"] !== "origin-request") || lambdas.length > 1) {
      throw new Error(`${pathPattern}: only one origin-request Lambda@Edge is run locally`);
    }
    const viewerFunction = functions[0] && resolve(functions[0]["function_arn"]);
    if (viewerFunction && viewerFunction["runtime"] !== "cloudfront-js-2.0") {
      throw new Error(`${pathPattern}: the local edge runs cloudfront-js-2.0 functions only`);
    }
    return {
      pathPattern,
      matches: pathPatternMatcher(pathPattern),
      origin,
      allowedMethods: b["allowed_methods"],
      ...(viewerFunction ? { viewerRequestCode: viewerFunction["code"] as string } : {}),
      ...(lambdas[0]
        ? {
            originRequestLambda: {
              arn: lambdas[0]["lambda_arn"] as string,
              includeBody: lambdas[0]["include_body"] === true,
            },
          }
        : {}),
      forwarding: readForwarding(b, resolve),
      responseHeaders: b["response_headers_policy_id"]
        ? readResponseHeaders(resolve(b["response_headers_policy_id"]))
        : [],
    };
  };
  return {
    behaviours: [
      ...((distribution["ordered_cache_behavior"] as Json[] | undefined) ?? []).map(behaviour),
      behaviour(distribution["default_cache_behavior"] as Json),
    ],
    functionCode: Object.values((resources["aws_cloudfront_function"] as Json) ?? {}).map(
      (f) => (f as Json)["code"] as string,
    ),
  };
}

function readOrigin(origin: Json, resolve: (reference: string) => Json): Origin {
  const id = origin["origin_id"] as string;
  const access = origin["origin_access_control_id"]
    ? resolve(origin["origin_access_control_id"])
    : undefined;
  const type = access?.["origin_access_control_origin_type"];
  if (type !== "s3" && type !== "lambda") {
    throw new Error(`origin ${id}: only OAC origins (S3, Lambda) are served locally`);
  }
  return {
    id,
    kind: type === "s3" ? "s3" : "function-url",
    domainName: origin["domain_name"],
    originPath: origin["origin_path"] ?? "",
  };
}

const NOTHING: Forwarding = { headers: [], cookies: "none", queryStrings: [] };

function readForwarding(behaviour: Json, resolve: (reference: string) => Json): Forwarding {
  const originPolicy = behaviour["origin_request_policy_id"] as string | undefined;
  if (originPolicy === MANAGED_POLICY.allViewerExceptHostHeader) {
    return { headers: "all-viewer-except-host", cookies: "all", queryStrings: "all" };
  }
  if (originPolicy) throw new Error(`unknown origin request policy ${originPolicy}`);
  const cachePolicy = behaviour["cache_policy_id"] as string;
  // Neither managed policy puts headers, cookies or query strings in the key.
  if (cachePolicy === MANAGED_POLICY.cachingOptimized) return NOTHING;
  if (cachePolicy === MANAGED_POLICY.cachingDisabled) return NOTHING;
  const key = resolve(cachePolicy)["parameters_in_cache_key_and_forwarded_to_origin"] as Json;
  const headers = key["headers_config"] as Json;
  const cookies = key["cookies_config"] as Json;
  const query = key["query_strings_config"] as Json;
  if (!["none", "whitelist"].includes(headers["header_behavior"])) {
    throw new Error(`unknown header behaviour ${headers["header_behavior"]}`);
  }
  if (!["none", "all"].includes(cookies["cookie_behavior"])) {
    throw new Error(`unknown cookie behaviour ${cookies["cookie_behavior"]}`);
  }
  if (!["none", "whitelist", "all"].includes(query["query_string_behavior"])) {
    throw new Error(`unknown query string behaviour ${query["query_string_behavior"]}`);
  }
  return {
    headers: headers["headers"]?.["items"] ?? [],
    cookies: cookies["cookie_behavior"],
    queryStrings:
      query["query_string_behavior"] === "all" ? "all" : (query["query_strings"]?.["items"] ?? []),
  };
}

function readResponseHeaders(policy: Json): ResponseHeader[] {
  const known = new Set(["name", "comment", "security_headers_config"]);
  const unknown = Object.keys(policy).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`response headers policy: unknown ${unknown.join(", ")}`);
  const headers: ResponseHeader[] = [];
  for (const [key, config] of Object.entries(policy["security_headers_config"] as Json)) {
    const c = config as Json;
    const override = c["override"] === true;
    if (key === "strict_transport_security") {
      const value = [
        `max-age=${c["access_control_max_age_sec"]}`,
        ...(c["include_subdomains"] ? ["includeSubDomains"] : []),
        ...(c["preload"] ? ["preload"] : []),
      ].join("; ");
      headers.push({ name: "strict-transport-security", value, override });
    } else if (key === "content_type_options") {
      headers.push({ name: "x-content-type-options", value: "nosniff", override });
    } else if (key === "frame_options") {
      headers.push({ name: "x-frame-options", value: c["frame_option"], override });
    } else if (key === "referrer_policy") {
      headers.push({ name: "referrer-policy", value: c["referrer_policy"], override });
    } else {
      throw new Error(`response headers policy: unknown security header ${key}`);
    }
  }
  return headers;
}
