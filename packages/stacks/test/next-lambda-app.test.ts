import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError } from "@zonke/modules";
import { publicPathPatterns } from "../src/composers/public-paths";
import { appArtifact } from "../src/composers/artifacts";
import { EXAMPLE_CONFIG, REPO_ROOT, synthConfig, tempDir } from "./helpers";

type Json = Record<string, any>;

describe("the Next.js app stack of next-lambda-django-ecs (example-next as web)", () => {
  const { json } = synthConfig(EXAMPLE_CONFIG);
  const dev = json["zonke-dev-web"]! as Json;
  const prod = json["zonke-prod-web"]! as Json;
  const resources = (stack: Json, type: string) =>
    Object.entries(stack.resource[type] ?? {}) as [string, Json][];
  const fn = (stack: Json, suffix: string) =>
    resources(stack, "aws_lambda_function").find(([, f]) => f.function_name.endsWith(suffix))!;

  it("runs the server in the environment's private subnets, read from the network stack", () => {
    const [, server] = fn(dev, "-server");
    expect(server.function_name).toBe("zonke-dev-web-server");
    for (const subnet of server.vpc_config.subnet_ids) {
      expect(subnet).toMatch(
        /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-zonke-dev-network\.outputs\.cross-stack-output-aws_subnetNetwork_PrivateSubnet\d_/,
      );
    }
    expect(server.vpc_config.subnet_ids).toHaveLength(2);
    expect(fn(prod, "-server")[1].vpc_config.subnet_ids).toHaveLength(3);
  });

  it("serves everything through one distribution: assets, images, server with signed bodies", () => {
    const distributions = resources(dev, "aws_cloudfront_distribution");
    expect(distributions).toHaveLength(1);
    const dist = distributions[0]![1];
    const originDomain = (id: string) =>
      dist!.origin.find((o: Json) => o.origin_id === id).domain_name;
    expect(originDomain("assets")).toBe(
      "zonke-dev-web-assets-111111111111.s3.eu-west-1.amazonaws.com",
    );
    expect(originDomain("default")).toMatch(
      /aws_lambda_function_url\.Server_Url_[0-9A-F]+\.function_url/,
    );
    expect(originDomain("image-optimizer")).toMatch(
      /aws_lambda_function_url\.Images_Url_[0-9A-F]+\.function_url/,
    );
    expect(dist!.default_cache_behavior.lambda_function_association).toEqual([
      {
        event_type: "origin-request",
        include_body: true,
        lambda_arn: expect.stringMatching(
          /aws_lambda_function\.BodySigner_[0-9A-F]+\.qualified_arn/,
        ),
      },
    ]);
    const patterns = dist!.ordered_cache_behavior.map((b: Json) => b.path_pattern);
    expect(patterns).toEqual([
      "/_next/static/*",
      "/images/*",
      "/static/*", // Django's collectstatic output, in this app's bucket
      "/_next/image*",
      "/api/*",
      "/admin/*",
    ]);
  });

  it("puts the edge signer in us-east-1 and everything else in the environment's region", () => {
    expect(dev.provider.aws).toEqual([
      expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["111111111111"] }),
      expect.objectContaining({
        alias: "us-east-1",
        region: "us-east-1",
        allowed_account_ids: ["111111111111"],
      }),
    ]);
    expect(fn(dev, "-edge-signer")[1].provider).toBe("aws.us-east-1");
    expect(fn(dev, "-server")[1].provider).toBeUndefined();
  });

  it("keeps the configured number of server instances warm, and warms on each deploy", () => {
    const [, warmer] = fn(dev, "-warmer");
    expect(warmer.environment.variables.WARMER_TARGETS).toMatch(/"count" = 2\}/);
    expect(resources(dev, "aws_lambda_invocation")).toHaveLength(1);
  });

  it("encrypts every function's logs with the environment's logs key", () => {
    for (const [, group] of resources(dev, "aws_cloudwatch_log_group")) {
      expect(group.kms_key_id).toMatch(
        /cross-stack-output-aws_kms_keyNetwork_FlowLogs_Key_[0-9A-F]+arn\}$/,
      );
    }
  });

  it("creates the app's secret container without a value and hands the server only its ARN", () => {
    const secrets = resources(dev, "aws_secretsmanager_secret");
    expect(secrets).toHaveLength(1);
    const [secretName, secret] = secrets[0]!;
    expect(secret!.name).toBe("zonke/dev/web");
    expect(dev.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(fn(dev, "-server")[1].environment.variables.ZONKE_SECRET_ARNS).toBe(
      `\${aws_secretsmanager_secret.${secretName}.arn}`,
    );
  });

  it("outputs what deploy steps need", () => {
    // release: what the Release stage moves (release.test.ts checks its value).
    expect(Object.keys(dev.output).sort()).toEqual([
      "assets_bucket",
      "distribution_id",
      "release",
      "secret_arn",
      "server_function",
      "url",
    ]);
  });
});

describe("public path patterns", () => {
  it("gives each top-level entry of public/ its own behaviour", () => {
    expect(publicPathPatterns(path.join(REPO_ROOT, "apps/example-next"))).toEqual(["/images/*"]);
    const app = tempDir("public");
    fs.mkdirSync(path.join(app, "public/fonts"), { recursive: true });
    fs.writeFileSync(path.join(app, "public/favicon.ico"), "");
    fs.writeFileSync(path.join(app, "public/.DS_Store"), "");
    expect(publicPathPatterns(app)).toEqual(["/favicon.ico", "/fonts/*"]);
    expect(publicPathPatterns(tempDir("no-public"))).toEqual([]);
  });

  it("refuses names CloudFront cannot match and more entries than it allows", () => {
    const starred = tempDir("public");
    fs.mkdirSync(path.join(starred, "public"));
    fs.writeFileSync(path.join(starred, "public/what?.txt"), "");
    expect(() => publicPathPatterns(starred)).toThrow(/public\/what\?\.txt .* rename it/);
    const crowded = tempDir("public");
    fs.mkdirSync(path.join(crowded, "public"));
    for (let i = 0; i < 21; i++) fs.writeFileSync(path.join(crowded, `public/f${i}.txt`), "");
    expect(() => publicPathPatterns(crowded)).toThrow(/21 top-level entries; CloudFront allows 20/);
  });
});

describe("app artifacts", () => {
  it("says how to build an app that was not built", () => {
    const call = () => appArtifact(tempDir("unbuilt"), "web", "next-server");
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/app "web" has no next-server package at .*; build the apps first/);
  });
});
