import { ValidationError } from "@zonke/modules";
import { buildApp, loadConfig } from "../src";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLE_CONFIG, synthConfig, tempDir } from "./helpers";

describe("synthesising the example config", () => {
  const { stacks, pending, json } = synthConfig(EXAMPLE_CONFIG);

  it("builds a network stack per environment, a state stack where state is in S3, and app stacks", () => {
    expect(stacks.map((s) => [s.name, s.environment])).toEqual([
      ["zonke-dev-state", "dev"],
      ["zonke-dev-network", "dev"],
      ["zonke-dev-delivery", "dev"],
      ["zonke-dev-api-registry", "dev"],
      ["zonke-dev-api", "dev"],
      ["zonke-dev-api-pipeline", "dev"],
      ["zonke-dev-store-api-registry", "dev"],
      ["zonke-dev-store-api", "dev"],
      ["zonke-dev-store-api-pipeline", "dev"],
      ["zonke-dev-web", "dev"],
      ["zonke-dev-web-pipeline", "dev"],
      ["zonke-dev-store-registry", "dev"],
      ["zonke-dev-store", "dev"],
      ["zonke-dev-store-pipeline", "dev"],
      ["zonke-dev-site-registry", "dev"],
      ["zonke-dev-site", "dev"],
      ["zonke-dev-site-pipeline", "dev"],
      ["zonke-prod-state", "prod"],
      ["zonke-prod-network", "prod"],
      ["zonke-prod-delivery", "prod"],
      ["zonke-prod-api-registry", "prod"],
      ["zonke-prod-api", "prod"],
      ["zonke-prod-api-pipeline", "prod"],
      ["zonke-prod-store-api-registry", "prod"],
      ["zonke-prod-store-api", "prod"],
      ["zonke-prod-store-api-pipeline", "prod"],
      ["zonke-prod-web", "prod"],
      ["zonke-prod-web-pipeline", "prod"],
      ["zonke-prod-store-registry", "prod"],
      ["zonke-prod-store", "prod"],
      ["zonke-prod-store-pipeline", "prod"],
      ["zonke-prod-site-registry", "prod"],
      ["zonke-prod-site", "prod"],
      ["zonke-prod-site-pipeline", "prod"],
    ]);
  });

  it("has a stack for every app of the example (no architecture pending)", () => {
    expect(pending).toEqual([]);
  });

  it("pins the provider to the environment's account and region", () => {
    expect(json["zonke-prod-network"]!.provider.aws[0]).toMatchObject({
      region: "eu-west-1",
      allowed_account_ids: ["222222222222"],
    });
    expect(json["zonke-dev-network"]!.provider.aws[0]).toMatchObject({
      allowed_account_ids: ["111111111111"],
    });
  });

  it("keeps each environment's state in its S3 bucket with locking", () => {
    expect(json["zonke-dev-network"]!.terraform.backend.s3).toMatchObject({
      bucket: "zonke-dev-tfstate-111111111111",
      key: "zonke/zonke-dev-network.tfstate",
    });
    expect(json["zonke-prod-network"]!.terraform.backend.s3).toEqual({
      bucket: "zonke-prod-tfstate-222222222222",
      key: "zonke/zonke-prod-network.tfstate",
      region: "eu-west-1",
      encrypt: true,
      use_lockfile: true,
    });
  });

  it("keeps the state stack's own state local: the bucket cannot hold the state that creates it", () => {
    expect(Object.keys(json["zonke-prod-state"]!.terraform.backend)).toEqual(["local"]);
    expect(Object.keys(json["zonke-dev-state"]!.terraform.backend)).toEqual(["local"]);
  });

  it("spreads the prod network over three zones with a NAT gateway in each", () => {
    const resources = json["zonke-prod-network"]!.resource!;
    expect(Object.keys(resources.aws_subnet!)).toHaveLength(9);
    expect(Object.keys(resources.aws_nat_gateway!)).toHaveLength(3);
    expect(Object.keys(json["zonke-dev-network"]!.resource!.aws_nat_gateway!)).toHaveLength(1);
  });
});

describe("synth options", () => {
  it("synthesises only the environments asked for", () => {
    const { stacks } = synthConfig(EXAMPLE_CONFIG, { environments: ["prod"] });
    expect(stacks.map((s) => s.name)).toEqual([
      "zonke-prod-state",
      "zonke-prod-network",
      "zonke-prod-delivery",
      "zonke-prod-api-registry",
      "zonke-prod-api",
      "zonke-prod-api-pipeline",
      "zonke-prod-store-api-registry",
      "zonke-prod-store-api",
      "zonke-prod-store-api-pipeline",
      "zonke-prod-web",
      "zonke-prod-web-pipeline",
      "zonke-prod-store-registry",
      "zonke-prod-store",
      "zonke-prod-store-pipeline",
      "zonke-prod-site-registry",
      "zonke-prod-site",
      "zonke-prod-site-pipeline",
    ]);
  });

  it("puts every stack on local state with the local override", () => {
    const { json } = synthConfig(EXAMPLE_CONFIG, {
      environments: ["prod"],
      stateOverride: "local",
    });
    expect(Object.keys(json["zonke-prod-network"]!.terraform.backend)).toEqual(["local"]);
  });

  it("writes HCL instead of JSON when asked, and JSON again afterwards", () => {
    const outdir = tempDir("hcl");
    try {
      const { app } = buildApp(loadConfig(EXAMPLE_CONFIG), {
        environments: ["dev"],
        outdir,
        hcl: true,
      });
      app.synth();
      const hcl = fs.readFileSync(path.join(outdir, "stacks/zonke-dev-network/cdk.tf"), "utf8");
      expect(hcl).toMatch(/^resource "aws_vpc" "Network_Vpc_[0-9A-F]+" \{$/m);
      expect(hcl).toMatch(/cidr_block\s+= "10\.10\.0\.0\/16"/);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    expect(Object.keys(synthConfig(EXAMPLE_CONFIG, { environments: ["dev"] }).json)).toEqual([
      "zonke-dev-state",
      "zonke-dev-network",
      "zonke-dev-delivery",
      "zonke-dev-api-registry",
      "zonke-dev-api",
      "zonke-dev-api-pipeline",
      "zonke-dev-store-api-registry",
      "zonke-dev-store-api",
      "zonke-dev-store-api-pipeline",
      "zonke-dev-web",
      "zonke-dev-web-pipeline",
      "zonke-dev-store-registry",
      "zonke-dev-store",
      "zonke-dev-store-pipeline",
      "zonke-dev-site-registry",
      "zonke-dev-site",
      "zonke-dev-site-pipeline",
    ]);
  });

  it("names the environments that exist when asked for one that does not", () => {
    const loaded = loadConfig(EXAMPLE_CONFIG);
    expect(() => buildApp(loaded, { environments: ["staging"] })).toThrow(ValidationError);
    expect(() => buildApp(loaded, { environments: ["staging"] })).toThrow(
      'unknown environment "staging"; the config defines dev, prod',
    );
  });
});
