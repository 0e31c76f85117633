import { TerraformVariable } from "cdktf";
import {
  EcsCluster,
  EcsService,
  ValidationError,
  type EcsClusterProps,
  type EcsServiceProps,
} from "../src";
import { synth } from "./helpers";
import { instanceTypeArchitecture } from "../src/compute/ecs/ec2-capacity";
import { IMAGE, ec2Capacity, ecsStack, network, only, serviceProps } from "./ecs-fixtures";

/** The ValidationError building this cluster and service throws (fails the test if none). */
function refusal(
  clusterProps: Partial<EcsClusterProps> = {},
  overrides: Partial<EcsServiceProps> = {},
): ValidationError {
  try {
    ecsStack(clusterProps, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error("expected a ValidationError, but the stack was built");
}

describe("EcsService refuses", () => {
  it.each([
    ["a tag", IMAGE.replace(/@sha256:.*/, ":latest")],
    ["no tag or digest", IMAGE.replace(/@sha256:.*/, "")],
    ["a short digest", IMAGE.replace(/[0-9a-f]{64}$/, "abc123")],
  ])("an image by %s", (_, imageUri) => {
    expect(refusal({}, { imageUri }).message).toBe(
      `ECS service shop-prod-api: image "${imageUri}" is not allowed; give <repository>@sha256:<digest> (a tag can move, a digest cannot)`,
    );
  });

  it("a tag after a Terraform reference, but takes a digest after one", () => {
    expect(() =>
      synth((stack) => {
        const url = new TerraformVariable(stack, "repo", { type: "string" }).stringValue;
        const cluster = new EcsCluster(stack, "C", {
          clusterName: "shop-prod",
          capacity: { kind: "fargate" },
        });
        new EcsService(stack, "Tagged", serviceProps(cluster, { imageUri: `${url}:latest` }));
      }),
    ).toThrow(ValidationError);
    expect(() =>
      synth((stack) => {
        const url = new TerraformVariable(stack, "repo", { type: "string" }).stringValue;
        const cluster = new EcsCluster(stack, "C", {
          clusterName: "shop-prod",
          capacity: { kind: "fargate" },
        });
        const digest = `${url}@sha256:${"b".repeat(64)}`;
        new EcsService(stack, "Pinned", serviceProps(cluster, { imageUri: digest }));
      }),
    ).not.toThrow();
  });

  it("nothing after @ but a digest the pipeline gives at apply (a Terraform variable)", () => {
    const withDigest = (suffix: (digest: string) => string) =>
      synth((stack) => {
        const digest = new TerraformVariable(stack, "image_digest", { type: "string" });
        const cluster = new EcsCluster(stack, "C", {
          clusterName: "shop-prod",
          capacity: { kind: "fargate" },
        });
        const imageUri = suffix(digest.stringValue);
        new EcsService(stack, "S", serviceProps(cluster, { imageUri }));
      });
    const repository = IMAGE.replace(/@sha256:.*/, "");
    expect(() => withDigest((digest) => `${repository}@${digest}`)).not.toThrow();
    expect(() => withDigest((digest) => `${repository}:${digest}`)).toThrow(ValidationError);
  });

  it("fewer than two tasks in production, and says why", () => {
    const error = refusal({}, { production: true, scaling: { minTasks: 1, maxTasks: 4 } });
    expect(error.message).toBe(
      "ECS service shop-prod-api: production needs scaling.minTasks of at least 2, got 1; with one task, a zone outage or a replaced task stops the app",
    );
  });

  it("one subnet in production", () => {
    expect(
      refusal({}, { production: true, network: { ...network, subnetIds: ["subnet-a"] } }).message,
    ).toContain("production needs subnets in at least two availability zones, got 1");
  });

  it("a minimum above the maximum", () => {
    expect(refusal({}, { scaling: { minTasks: 5, maxTasks: 3 } }).message).toBe(
      "ECS service shop-prod-api: scaling.minTasks 5 is larger than scaling.maxTasks 3; give a minimum no larger than the maximum",
    );
  });

  it.each([
    [
      { cpuTargetPercent: 95 },
      "scaling.cpuTargetPercent 95 is not allowed; use a whole number from 10 to 90",
    ],
    [{ requestsPerTaskPerMinute: 0 }, "scaling.requestsPerTaskPerMinute 0 is not allowed"],
    [{ scaleInCooldownSec: -1 }, "scaling.scaleInCooldownSec -1 is not allowed"],
    [{ minTasks: 1.5 }, "scaling.minTasks 1.5 is not allowed"],
  ])("scaling %j", (scaling, message) => {
    expect(refusal({}, { scaling: { minTasks: 2, maxTasks: 6, ...scaling } }).message).toContain(
      message,
    );
  });

  it("a Fargate size AWS does not accept, listing the memory allowed with that cpu", () => {
    expect(refusal({}, { cpu: 1024, memoryMiB: 3000 }).message).toBe(
      "ECS service shop-prod-api: memoryMiB 3000 is not allowed with cpu 1024 on Fargate; use 2048 to 8192 in steps of 1024",
    );
    expect(refusal({}, { cpu: 256, memoryMiB: 4096 }).message).toContain("use 512, 1024 or 2048");
    expect(refusal({}, { cpu: 768, memoryMiB: 2048 }).message).toContain(
      "cpu 768 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384",
    );
  });

  it.each(["root", "0", "0:0", "app", "1000:app", ""])("the user %j", (user) => {
    expect(refusal({}, { user }).message).toContain(
      `user "${user}" is not allowed; give a numeric non-root uid or uid:gid`,
    );
  });

  it("a variable set both plainly and from a secret", () => {
    expect(refusal({}, { environment: { DB_PASSWORD: "x" } }).message).toContain(
      "environment variable DB_PASSWORD",
    );
    expect(refusal({}, { environment: { DJANGO_SECRET_KEY: "x" } }).message).toContain(
      "DJANGO_SECRET_KEY is also set from a secret",
    );
  });

  it.each(["STRIPE_API_KEY", "GITHUB_TOKEN", "SMTP_PASSWORD", "OAUTH_CLIENT_SECRET", "AWS_SECRET"])(
    "an environment key that looks like a secret (%s), unless listed as not one",
    (key) => {
      expect(refusal({}, { environment: { [key]: "x" } }).message).toMatch(
        /looks like a secret|AWS_\* and ECS_\*/,
      );
    },
  );

  it("takes a secret-looking key the user lists as not a secret", () => {
    const json = ecsStack(
      {},
      {
        environment: { TOKEN_TTL_SEC: "300" },
        allowSecretLikeEnvironmentKeys: ["TOKEN_TTL_SEC"],
      },
    );
    const [, taskDefinition] = only(json, "aws_ecs_task_definition");
    expect(taskDefinition.container_definitions).toContain("TOKEN_TTL_SEC");
  });

  it("a URL with a password in the environment", () => {
    expect(
      refusal({}, { environment: { DATABASE_URL: "postgres://app:hunter2@db:5432/app" } }).message,
    ).toContain("environment variable DATABASE_URL holds a URL with a password");
  });

  it.each(["PORT", "AWS_REGION", "ECS_CONTAINER_METADATA_URI"])("the reserved name %s", (key) => {
    expect(refusal({}, { environment: { [key]: "1" } }).message).toContain(
      `environment variable ${key} is not allowed`,
    );
  });

  it("no ingress source, and a malformed RequestCountPerTarget label", () => {
    expect(refusal({}, { ingressSecurityGroupIds: [] }).message).toContain(
      "ingressSecurityGroupIds is empty",
    );
    expect(
      refusal({}, { loadBalancer: { targetGroupArn: "arn:tg", resourceLabel: "targetgroup/x/1" } })
        .message,
    ).toContain('loadBalancer.resourceLabel "targetgroup/x/1" is not allowed');
  });

  it("a health check that is not CMD or CMD-SHELL, and out-of-range timings", () => {
    expect(
      refusal({}, { healthCheck: { command: ["curl", "-f", "localhost"] } }).message,
    ).toContain('start it with "CMD" (run directly) or "CMD-SHELL"');
    expect(refusal({}, { stopTimeoutSec: 300 }).message).toContain(
      "stopTimeoutSec 300 is not allowed; use a whole number from 2 to 120",
    );
    expect(refusal({}, { healthCheck: { retries: 0 } }).message).toContain(
      "healthCheck.retries 0 is not allowed",
    );
  });

  it("an image architecture other than the cluster's EC2 instances", () => {
    expect(refusal({ capacity: ec2Capacity }, { architecture: "x86_64" }).message).toBe(
      "ECS service shop-prod-api: architecture x86_64 does not match the cluster's arm64 instances; build the image for arm64 or give the cluster x86_64 capacity",
    );
  });
});

describe("EcsService defaults", () => {
  it("runs two tasks at least in production", () => {
    const json = ecsStack({}, { production: true, scaling: {} });
    const [, target] = only(json, "aws_appautoscaling_target");
    expect(target).toMatchObject({ min_capacity: 2, max_capacity: 4 });
    const [, service] = only(json, "aws_ecs_service");
    expect(service.desired_count).toBe(2);
  });

  it("runs one task at least elsewhere", () => {
    const json = ecsStack({}, { scaling: {} });
    const [, target] = only(json, "aws_appautoscaling_target");
    expect(target).toMatchObject({ min_capacity: 1, max_capacity: 4 });
  });
});

describe("EcsCluster refuses", () => {
  it("an instance type of the other architecture", () => {
    expect(refusal({ capacity: { ...ec2Capacity, instanceType: "m7i.large" } }).message).toBe(
      "ECS cluster shop-prod (EC2 capacity): instanceType m7i.large is x86_64 but architecture is arm64; use an arm64 instance type (e.g. t4g.medium) or set architecture to x86_64",
    );
  });

  it("a name its capacity provider could not have", () => {
    expect(
      refusal({ clusterName: "ecs-shop", capacity: ec2Capacity }, { architecture: "arm64" })
        .message,
    ).toContain("AWS refuses provider names that start with aws, ecs or fargate");
  });

  it.each([
    [{ minInstances: 5, maxInstances: 2 }, "minInstances 5 is larger than maxInstances 2"],
    [{ rootVolumeGiB: 20 }, "rootVolumeGiB 20 is not allowed; use a whole number from 30 to 16384"],
    [{ targetCapacityPercent: 0 }, "targetCapacityPercent 0 is not allowed"],
    [
      { network: { vpcId: "vpc-1", subnetIds: [] } },
      "give the private subnets the instances run in",
    ],
  ])("EC2 capacity %j", (options, message) => {
    expect(refusal({ capacity: { ...ec2Capacity, ...options } }).message).toContain(message);
  });

  it("a Spot share that puts nothing on Spot", () => {
    expect(refusal({ capacity: { kind: "fargate", spot: { spotWeight: 0 } } }).message).toContain(
      "spotWeight 0 puts no task on Spot",
    );
  });
});

describe("instanceTypeArchitecture", () => {
  it.each([
    ["t4g.medium", "arm64"],
    ["m7g.large", "arm64"],
    ["c7gn.xlarge", "arm64"],
    ["r6gd.2xlarge", "arm64"],
    ["g5g.xlarge", "arm64"],
    ["a1.large", "arm64"],
    ["t3.medium", "x86_64"],
    ["m7i-flex.large", "x86_64"],
    ["g5.xlarge", "x86_64"],
    ["g4dn.xlarge", "x86_64"],
    ["c6a.large", "x86_64"],
  ])("reads %s as %s", (instanceType, architecture) => {
    expect(instanceTypeArchitecture(instanceType)).toBe(architecture);
  });
});
