import { parseConfig } from "../src";
import { ecsSettingsFor } from "../src/config/ecs";
import { configWith, problemsOf, validConfig } from "./fixtures";

describe("a valid config", () => {
  it("is accepted with every default filled in", () => {
    const config = parseConfig(validConfig());
    expect(config.state).toEqual({ backend: "local", directory: ".zonke/state" });
    expect(config.environments.dev).toMatchObject({ cidr: "10.0.0.0/16", nat: "per-az" });
    expect(config.apps[1]).toMatchObject({
      warm: 1,
      secrets: [],
      ecs: { launchType: "fargate", cpu: 512, memoryMiB: 1024, maxTasks: 4, cpuTargetPercent: 60 },
    });
  });
});

describe("ECS settings per environment", () => {
  const withProduction = (change: (c: Record<string, any>) => void = () => {}) =>
    configWith((c) => {
      c.environments.prod.production = true;
      change(c);
    });

  it("start from 2 tasks in production environments and 1 elsewhere", () => {
    const config = parseConfig(withProduction());
    const { ecs } = config.apps[1]!;
    expect(ecsSettingsFor(ecs, "dev", config.environments.dev!).minTasks).toBe(1);
    expect(ecsSettingsFor(ecs, "prod", config.environments.prod!).minTasks).toBe(2);
  });

  it("take an environment's overrides over the app's values", () => {
    const config = parseConfig(
      withProduction((c) => {
        c.apps[1].ecs = {
          cpu: 1024,
          memoryMiB: 2048,
          maxTasks: 3,
          environments: { prod: { minTasks: 3, maxTasks: 12, memoryMiB: 4096 } },
        };
      }),
    );
    const { ecs } = config.apps[1]!;
    expect(ecsSettingsFor(ecs, "prod", config.environments.prod!)).toMatchObject({
      cpu: 1024,
      memoryMiB: 4096,
      minTasks: 3,
      maxTasks: 12,
    });
    expect(ecsSettingsFor(ecs, "dev", config.environments.dev!)).toMatchObject({
      memoryMiB: 2048,
      minTasks: 1,
      maxTasks: 3,
    });
  });

  it.each<[string, (c: Record<string, any>) => void, RegExp]>([
    [
      "one task in a production environment",
      (c) => (c.apps[1].ecs = { environments: { prod: { minTasks: 1 } } }),
      /^apps\[1\]\.ecs\.environments\.prod\.minTasks = 1: must be at least 2 with production: true, so the service survives losing an availability zone \(in prod\)$/,
    ],
    [
      "a Fargate size AWS does not accept",
      (c) => (c.apps[1].ecs = { cpu: 256, memoryMiB: 4096 }),
      /^apps\[1\]\.ecs\.memoryMiB = 4096: memoryMiB 4096 is not allowed with cpu 256 on Fargate; use 512, 1024 or 2048 \(in dev, prod\)$/,
    ],
    [
      "a Fargate CPU AWS does not accept, in one environment",
      (c) => (c.apps[1].ecs = { minTasks: 2, environments: { prod: { cpu: 300 } } }),
      /^apps\[1\]\.ecs\.environments\.prod\.cpu = 300: cpu 300 is not a Fargate size; use one of 256, 512, 1024/,
    ],
    [
      "overrides for an environment that does not exist",
      (c) => (c.apps[1].ecs = { minTasks: 2, environments: { staging: { maxTasks: 2 } } }),
      /^apps\[1\]\.ecs\.environments\.staging = "staging": names an environment that is not defined; environments: dev, prod$/,
    ],
    [
      "Spot on EC2 capacity",
      (c) => (c.apps[1].ecs = { launchType: "ec2", spot: true, minTasks: 2 }),
      /^apps\[1\]\.ecs\.spot = true: is only for launchType fargate/,
    ],
    [
      "an instance type on Fargate",
      (c) => (c.apps[1].ecs = { instanceType: "t4g.small", minTasks: 2 }),
      /^apps\[1\]\.ecs\.instanceType = "t4g\.small": is only for launchType ec2$/,
    ],
  ])("reports %s", (_name, change, expected) => {
    expect(problemsOf(withProduction(change))).toEqual([expect.stringMatching(expected)]);
  });

  it("do not apply to apps whose servers run on Lambda (the Next.js app here)", () => {
    expect(() =>
      parseConfig(withProduction((c) => (c.apps[1].ecs = { minTasks: 2 }))),
    ).not.toThrow();
  });
});

describe("a bad config", () => {
  // Each case: one mistake, and the line that must name the field, the bad value and what is allowed.
  it.each<[string, (c: Record<string, any>) => void, RegExp]>([
    [
      "unknown architecture",
      (c) => (c.apps[0].architecture = "next-on-vercel"),
      /^apps\[0\]\.architecture = "next-on-vercel": must be a zonke architecture: next-lambda-django-ecs, next-ecs-django-ecs, django-lambda$/,
    ],
    [
      "warm count too high",
      (c) => (c.apps[0].warm = 99),
      /^apps\[0\]\.warm = 99: must be at most 50$/,
    ],
    [
      "warm count not whole",
      (c) => (c.apps[0].warm = 1.5),
      /^apps\[0\]\.warm = 1\.5: must be a whole number from 0 to 50$/,
    ],
    [
      "branch missing for an environment",
      (c) => delete c.apps[1].branches.prod,
      /^apps\[1\]\.branches\.prod: is missing: every environment needs a branch \(environments: dev, prod\)$/,
    ],
    [
      "branch for an environment that does not exist",
      (c) => (c.apps[1].branches.staging = "staging"),
      /^apps\[1\]\.branches\.staging = "staging": names an environment that is not defined; environments: dev, prod$/,
    ],
    [
      "duplicate app names",
      (c) => c.apps.push({ ...c.apps[1] }),
      /^apps\[2\]\.name = "api": is already the name of apps\[1\]; app names must be unique$/,
    ],
    [
      "bad region",
      (c) => (c.environments.dev.region = "eu-west-9"),
      /^environments\.dev\.region = "eu-west-9": must be an AWS region zonke supports: us-east-1, .*eu-west-1/,
    ],
    [
      "name too long for AWS limits",
      (c) => {
        c.project = "averyverylongproject";
        c.apps[0].name = "storefront-frontend";
        c.apps[1].api = undefined;
      },
      /^apps\[0\]\.name = "storefront-frontend": is too long: the S3 bucket name "averyverylongproject-dev-storefront-frontend-assets-123456789012" is 64 characters; AWS allows at most 63\. Shorten the project, environment or app name$/,
    ],
    [
      "architecture that cannot run the app's kind",
      (c) => {
        c.apps[0].architecture = "django-lambda";
        delete c.apps[0].api;
      },
      /^apps\[0\]\.architecture = "django-lambda": cannot run a nextjs app; it runs django apps$/,
    ],
    [
      "api naming an app that does not exist",
      (c) => (c.apps[0].api = "backend"),
      /^apps\[0\]\.api = "backend": names no app in this config; django apps: api$/,
    ],
    [
      "account id that is not 12 digits",
      (c) => (c.environments.prod.account = "12345"),
      /^environments\.prod\.account = "12345": must be a 12-digit AWS account id$/,
    ],
    [
      "availability zone of another region",
      (c) => (c.environments.dev.availabilityZones = ["eu-west-1a", "us-east-1b"]),
      /^environments\.dev\.availabilityZones\[1\] = "us-east-1b": is not a zone of eu-west-1; zones look like eu-west-1a$/,
    ],
    [
      "VPC range outside /16 to /24",
      (c) => (c.environments.dev.cidr = "10.0.0.0/8"),
      /^environments\.dev\.cidr = "10.0.0.0\/8": must be an IPv4 range from \/16 to \/24/,
    ],
    [
      "unknown NAT mode",
      (c) => (c.environments.dev.nat = "cheap"),
      /^environments\.dev\.nat = "cheap": must be one of per-az, single, none$/,
    ],
    [
      "misspelt field",
      (c) => (c.apps[0].wram = 3),
      /^apps\[0\]: unknown field "wram" \(check the spelling\)$/,
    ],
    [
      "missing region",
      (c) => delete c.environments.dev.region,
      /^environments\.dev\.region is missing: it must be an AWS region zonke supports: us-east-1,/,
    ],
    [
      "availability zones left out",
      (c) => delete c.environments.dev.availabilityZones,
      /^environments\.dev\.availabilityZones is missing: it must list 2 or 3 zones of the region/,
    ],
    [
      "minTasks above maxTasks",
      (c) => (c.apps[1].ecs = { minTasks: 5, maxTasks: 2 }),
      /^apps\[1\]\.ecs\.minTasks: minTasks \(5\) must not be larger than maxTasks \(2\) \(in dev, prod\)$/,
    ],
    [
      "database on a Next.js app",
      (c) => (c.apps[0].database = {}),
      /^apps\[0\]\.database: is only for django apps/,
    ],
    [
      "secret name that is not an environment variable name",
      (c) => (c.apps[0].secrets = ["stripe-key"]),
      /^apps\[0\]\.secrets\[0\] = "stripe-key": must be an environment variable name/,
    ],
    [
      "secret name the AWS runtime sets",
      (c) => (c.apps[0].secrets = ["API_KEY", "AWS_REGION"]),
      /^apps\[0\]\.secrets\[1\] = "AWS_REGION": is reserved: AWS sets AWS_\* variables itself \(the Lambda runtime, and the AWS SDK's settings\); choose another name$/,
    ],
    [
      "secret name zonke's runtime sets",
      (c) => (c.apps[0].secrets = ["ZONKE_SECRET_ARNS"]),
      /^apps\[0\]\.secrets\[0\] = "ZONKE_SECRET_ARNS": is reserved: zonke's runtime sets ZONKE_\* variables on the servers; choose another name$/,
    ],
    [
      "secret name of the database settings",
      (c) => (c.apps[1].secrets = ["DB_PASSWORD"]),
      /^apps\[1\]\.secrets\[0\] = "DB_PASSWORD": is reserved: DB_\* variables hold the database's address and credentials \(from the RDS-managed secret\); choose another name$/,
    ],
    [
      "secret named NODE_ENV",
      (c) => (c.apps[0].secrets = ["NODE_ENV"]),
      /^apps\[0\]\.secrets\[0\] = "NODE_ENV": is reserved: zonke sets NODE_ENV on the servers; choose another name$/,
    ],
    [
      "secret name with a reserved prefix that also breaks the name rule (the name rule only)",
      (c) => (c.apps[1].secrets = ["DB_password"]),
      /^apps\[1\]\.secrets\[0\] = "DB_password": must be an environment variable name/,
    ],
    [
      "state bucket with an invalid name",
      (c) => (c.environments.prod.state.bucket = "Shop_State"),
      /^environments\.prod\.state\.bucket = "Shop_State": must be a valid S3 bucket name/,
    ],
    [
      "app path that leaves the repository",
      (c) => (c.apps[0].path = "../elsewhere"),
      /^apps\[0\]\.path = "..\/elsewhere": must be a relative path inside the repository/,
    ],
  ])("reports %s", (_name, change, expected) => {
    const problems = problemsOf(configWith(change));
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it("reports every problem at once, one line each", () => {
    const problems = problemsOf(
      configWith((c) => {
        c.apps[0].warm = -1;
        c.environments.dev.region = "mars-1";
        c.project = "Shop";
      }),
    );
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/project = "Shop": must be 2-20 lowercase letters/);
  });

  it("refuses a config that is not an object", () => {
    expect(problemsOf("shop")).toEqual([expect.stringMatching(/^\(config\)/)]);
  });
});
