import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Network } from "@zonke/modules";
import { parseConfig } from "../src";
import { composeAppData } from "../src/composers/app-data";

type Json = Record<string, any>;

function compose(database: Record<string, unknown> | undefined, production = false) {
  const config = parseConfig({
    project: "shop",
    environments: {
      prod: {
        account: "111111111111",
        region: "eu-west-1",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        production,
      },
    },
    apps: [
      {
        name: "api",
        kind: "django",
        path: "apps/api",
        architecture: "next-lambda-django-ecs",
        branches: { prod: "main" },
        secrets: ["DJANGO_SECRET_KEY"],
        ...(database ? { database } : {}),
      },
    ],
  });
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  const network = new Network(stack, "Network", {
    name: "shop-prod",
    region: "eu-west-1",
    accountId: "111111111111",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
  });
  const data = composeAppData(stack, {
    config,
    envName: "prod",
    env: config.environments["prod"]!,
    appConfig: config.apps[0]!,
    network,
    serversOnLambda: false,
  });
  data.database?.allowFrom("Servers", "sg-servers", "the API servers");
  return { data, json: JSON.parse(Testing.synth(stack)) as Json };
}

describe("composeAppData", () => {
  it("gives every app its secret container; no database unless the config asks", () => {
    const { data, json } = compose(undefined);
    expect(Object.values(json.resource.aws_secretsmanager_secret)).toEqual([
      expect.objectContaining({ name: "shop/prod/api" }),
    ]);
    expect(json.resource.aws_db_instance).toBeUndefined();
    expect(data.secretSources).toEqual([{ arn: expect.any(String), keys: ["DJANGO_SECRET_KEY"] }]);
    expect(data.environment).toEqual({});
  });

  it("puts the database in the network's isolated subnets and hands servers its credentials", () => {
    const { data, json } = compose({ engineVersion: "16", instanceClass: "db.t4g.small" });
    const [instance] = Object.values(json.resource.aws_db_instance) as Json[];
    expect(instance).toMatchObject({
      identifier: "shop-prod-api-db",
      engine_version: "16",
      instance_class: "db.t4g.small",
      deletion_protection: false,
    });
    const [subnetGroup] = Object.values(json.resource.aws_db_subnet_group) as Json[];
    expect(subnetGroup!.subnet_ids).toEqual([
      expect.stringMatching(/aws_subnet\.Network_IsolatedSubnet0_/),
      expect.stringMatching(/aws_subnet\.Network_IsolatedSubnet1_/),
    ]);
    expect(data.secretSources[1]).toEqual({
      arn: expect.stringMatching(/^\$\{TfToken\[TOKEN\.\d+\]\}$/),
      keys: ["username", "password"],
      prefix: "DB_",
    });
    expect(Object.keys(data.environment)).toEqual(["DB_HOST", "DB_PORT", "DB_NAME"]);
    expect(json.resource.aws_db_proxy).toBeUndefined();
  });

  it("protects production data and adds a proxy when asked", () => {
    const { json } = compose({ proxy: true }, true);
    const [instance] = Object.values(json.resource.aws_db_instance) as Json[];
    expect(instance).toMatchObject({ deletion_protection: true, backup_retention_period: 14 });
    expect(Object.keys(json.resource.aws_db_proxy)).toHaveLength(1);
  });
});
