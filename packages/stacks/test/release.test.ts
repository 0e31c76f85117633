import { loadConfig } from "../src";
import { healthCheckPathOf } from "../src/composers/release";
import type { AppConfig } from "../src/config/schema";
import { EXAMPLE_CONFIG, synthConfig } from "./helpers";

type Json = Record<string, any>;

/** The keys the migrator accepts in UserParameters (packages/lambdas/migrator/README.md). */
const MIGRATOR_KEYS = {
  lambda: ["functionName", "kind", "qualifier"],
  ecs: [
    "capacityProvider",
    "cluster",
    "command",
    "container",
    "kind",
    "logGroup",
    "logStreamPrefix",
    "securityGroups",
    "subnets",
    "taskDefinition",
  ],
};

describe("the release and migration outputs of the example architectures", () => {
  const { config } = loadConfig(EXAMPLE_CONFIG);
  const { json } = synthConfig(EXAMPLE_CONFIG);
  const stack = (name: string) => json[name]! as Json;
  const resources = (name: string, type: string) =>
    Object.entries(stack(name).resource[type] ?? {}) as [string, Json][];
  const one = (name: string, type: string): [string, Json] => {
    const all = resources(name, type);
    expect(all).toHaveLength(1);
    return all[0]!;
  };
  const fn = (name: string, functionName: string) =>
    resources(name, "aws_lambda_function").find(([, f]) => f.function_name === functionName)![0];
  const ref = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;
  const output = (name: string, key: string): Json | undefined =>
    stack(name).output?.[key]?.value as Json | undefined;

  const appStacks = Object.keys(config.environments).flatMap((env) =>
    config.apps.map((app) => `zonke-${env}-${app.name}`),
  );

  it("gives every app stack of every environment a release output with both keys", () => {
    expect(appStacks).toHaveLength(10);
    for (const name of appStacks) {
      expect([name, Object.keys(output(name, "release") ?? {}).sort()]).toEqual([
        name,
        ["ecs", "lambda"],
      ]);
    }
    // Registries, pipelines and shared stacks serve nothing.
    const others = Object.keys(json).filter((name) => !appStacks.includes(name));
    expect(others).toEqual(
      expect.arrayContaining(["zonke-dev-site-registry", "zonke-dev-network"]),
    );
    for (const name of others) expect([name, output(name, "release")]).toEqual([name, undefined]);
  });

  describe("Next.js on Lambda (web)", () => {
    const server = () => fn("zonke-dev-web", "zonke-dev-web-server");

    it("names the server's live alias, the version this apply published and / to probe", () => {
      expect(output("zonke-dev-web", "release")).toEqual({
        lambda: [
          {
            functionName: ref("aws_lambda_function", server(), "function_name"),
            alias: "live",
            version: ref("aws_lambda_function", server(), "version"),
            healthCheckPath: "/",
          },
        ],
        ecs: [],
      });
    });

    it("publishes versions without moving the alias; a release step moves it", () => {
      const [, alias] = one("zonke-dev-web", "aws_lambda_alias");
      expect(alias).toMatchObject({
        function_name: ref("aws_lambda_function", server(), "function_name"),
        function_version: ref("aws_lambda_function", server(), "version"),
        lifecycle: { ignore_changes: ["function_version"] },
      });
      expect(output("zonke-dev-web", "migration")).toBeUndefined();
    });
  });

  describe("Django on Lambda (site)", () => {
    const server = () => fn("zonke-dev-site", "zonke-dev-site-server");
    const manage = () => fn("zonke-dev-site", "zonke-dev-site-server-manage");

    it("names the server's live alias, its new version and Django's /healthz to probe", () => {
      expect(output("zonke-dev-site", "release")).toEqual({
        lambda: [
          {
            functionName: ref("aws_lambda_function", server(), "function_name"),
            alias: "live",
            version: ref("aws_lambda_function", server(), "version"),
            healthCheckPath: "/healthz",
          },
        ],
        ecs: [],
      });
      const [, alias] = one("zonke-dev-site", "aws_lambda_alias");
      expect(alias.lifecycle).toEqual({ ignore_changes: ["function_version"] });
    });

    it("migrates with the manage function's new version", () => {
      expect(output("zonke-dev-site", "migration")).toEqual({
        kind: "lambda",
        functionName: ref("aws_lambda_function", manage(), "function_name"),
        qualifier: ref("aws_lambda_function", manage(), "version"),
      });
      // The existing outputs stay.
      expect(stack("zonke-dev-site").output.manage_version.value).toBe(
        ref("aws_lambda_function", manage(), "version"),
      );
    });
  });

  describe.each([
    ["next-lambda-django-ecs: Django on ECS", "api", "FARGATE"],
    ["next-ecs-django-ecs: Django on ECS (EC2 capacity)", "store-api", "EC2"],
    ["next-ecs-django-ecs: Next.js on ECS", "store", "FARGATE"],
  ])("%s (%s)", (_, app, launchType) => {
    const name = `zonke-dev-${app}`;
    const revision = () =>
      ref("aws_ecs_task_definition", one(name, "aws_ecs_task_definition")[0], "arn");

    it("names the service and the revision this apply registered", () => {
      expect(output(name, "release")).toEqual({
        lambda: [],
        ecs: [
          { cluster: name, service: name, taskDefinitionArn: revision(), containerName: "web" },
        ],
      });
      expect(one(name, "aws_ecs_task_definition")[1].requires_compatibilities).toEqual([
        launchType,
      ]);
    });

    it("registers revisions without deploying them and keeps the old ones registered", () => {
      const [, service] = one(name, "aws_ecs_service");
      expect(service.task_definition).toBe(revision());
      expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count", "task_definition"] });
      expect(one(name, "aws_ecs_task_definition")[1].skip_destroy).toBe(true);
    });
  });

  describe.each([
    ["api", undefined],
    ["store-api", "zonke-dev-store-api-ec2"],
  ])("the migration of Django on ECS (%s)", (app, capacityProvider) => {
    const name = `zonke-dev-${app}`;

    it("runs the new revision like the service's tasks, with the migrator's keys only", () => {
      const [taskDefinition] = one(name, "aws_ecs_task_definition");
      const [, service] = one(name, "aws_ecs_service");
      const [logGroup] = resources(name, "aws_cloudwatch_log_group").find(
        ([, group]) => group.name === `/ecs/${name}`,
      )!;
      const migration = output(name, "migration")!;
      expect(migration).toEqual({
        kind: "ecs",
        cluster: name,
        taskDefinition: ref("aws_ecs_task_definition", taskDefinition, "arn"),
        container: "web",
        subnets: service.network_configuration.subnets,
        securityGroups: service.network_configuration.security_groups,
        ...(capacityProvider ? { capacityProvider } : {}),
        logGroup: ref("aws_cloudwatch_log_group", logGroup, "name"),
        logStreamPrefix: "ecs",
      });
      expect(migration.subnets).toHaveLength(2);
      expect(migration.securityGroups).toHaveLength(2);
      if (capacityProvider) {
        expect(service.capacity_provider_strategy).toEqual([
          expect.objectContaining({ capacity_provider: capacityProvider }),
        ]);
      }
      expect(MIGRATOR_KEYS.ecs).toEqual(expect.arrayContaining(Object.keys(migration)));
      expect(stack(name).output.migrator_function.value).toBe(`${name}-migrator`);
    });
  });

  it("uses the keys the migrator accepts for Lambda too, and prod's three subnets on ECS", () => {
    const lambda = output("zonke-prod-site", "migration")!;
    expect(Object.keys(lambda).sort()).toEqual(MIGRATOR_KEYS.lambda);
    expect(output("zonke-prod-api", "migration")!.subnets).toHaveLength(3);
    expect(output("zonke-prod-store", "migration")).toBeUndefined();
  });

  it("leaves the functions that are not app servers alone: no alias, nothing ignored", () => {
    for (const name of ["zonke-dev-web", "zonke-dev-site", "zonke-dev-store"]) {
      const aliases = resources(name, "aws_lambda_alias").map(([, alias]) => alias.function_name);
      expect(aliases).toEqual(
        name === "zonke-dev-store"
          ? []
          : [expect.stringMatching(/aws_lambda_function\.Server_Function_/)],
      );
      for (const [, f] of resources(name, "aws_lambda_function")) {
        expect([f.function_name, f.lifecycle]).toEqual([f.function_name, undefined]);
      }
    }
  });
});

describe("healthCheckPathOf", () => {
  const app = (kind: "django" | "nextjs", healthCheckPath?: string) =>
    ({ kind, ...(healthCheckPath ? { healthCheckPath } : {}) }) as AppConfig;

  it("takes the config's path, else /healthz for Django and / for Next.js", () => {
    expect(healthCheckPathOf(app("django"))).toBe("/healthz");
    expect(healthCheckPathOf(app("nextjs"))).toBe("/");
    expect(healthCheckPathOf(app("nextjs", "/status"))).toBe("/status");
    expect(healthCheckPathOf(app("django", "/ready"))).toBe("/ready");
  });
});
