import { ConfigError, parseConfig, type ZonkeConfigInput } from "../src";

/** A small valid config; tests copy it and break one thing. */
export function validConfig(): ZonkeConfigInput {
  return {
    project: "shop",
    environments: {
      dev: {
        account: "111111111111",
        region: "eu-west-1",
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
      },
      prod: {
        account: "222222222222",
        region: "eu-west-1",
        availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        state: { backend: "s3", bucket: "shop-tfstate-222222222222" },
      },
    },
    apps: [
      {
        name: "web",
        kind: "nextjs",
        path: "apps/web",
        architecture: "next-lambda-django-ecs",
        branches: { dev: "main", prod: "release" },
        api: "api",
      },
      {
        name: "api",
        kind: "django",
        path: "apps/api",
        architecture: "next-lambda-django-ecs",
        branches: { dev: "main", prod: "release" },
      },
    ],
  };
}

/** A deep copy of the valid config with `change` applied (a test's one mistake). */
export function configWith(change: (config: Record<string, any>) => void): unknown {
  const config = structuredClone(validConfig()) as Record<string, any>;
  change(config);
  return config;
}

/** The problems the config check reports for `input` (it must be rejected). */
export function problemsOf(input: unknown): string[] {
  try {
    parseConfig(input, "zonke.config.ts");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).problems];
  }
  throw new Error("expected the config to be rejected");
}
