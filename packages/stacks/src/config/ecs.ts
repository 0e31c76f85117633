import { z } from "zod";
import { fargateMemoryFor, fargateSizeProblem } from "@zonke/modules";

const int = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

/** What an environment may change about an app's ECS service (its size and its scaling). */
const sizing = {
  /** CPU units per task (1024 = one vCPU). On Fargate only AWS's cpu/memory pairs are accepted. */
  cpu: int(256, 16384),
  memoryMiB: int(512, 122880),
  minTasks: int(1, 100),
  maxTasks: int(1, 100),
  /** Average CPU the autoscaling keeps the tasks at. */
  cpuTargetPercent: int(10, 90),
  /** Requests per task per minute (from the load balancer) the autoscaling keeps to. */
  requestsPerTaskPerMinute: int(10, 1_000_000),
  scaleInCooldownSec: int(0, 3600),
  scaleOutCooldownSec: int(0, 3600),
};
const partialSizing = z.strictObject(sizing).partial();

/**
 * An app's ECS service, for the architectures that run it on ECS. `environments` overrides the
 * sizing per environment, e.g. `{ prod: { minTasks: 2, maxTasks: 10 } }`.
 */
export const ecsSchema = z.strictObject({
  launchType: z.enum(["fargate", "ec2"], { error: "must be fargate or ec2" }).default("fargate"),
  /** Fargate only: run the tasks above the first on Fargate Spot (up to 70% cheaper, may stop). */
  spot: z.boolean({ error: "must be true or false" }).default(false),
  /** EC2 only: the instances' type. @default - t4g.medium */
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
      error: "must be an EC2 instance type like t4g.medium",
    })
    .optional(),
  cpu: sizing.cpu.default(512),
  memoryMiB: sizing.memoryMiB.default(1024),
  /** @default - 2 in environments with `production: true` (one per zone at least), else 1 */
  minTasks: sizing.minTasks.optional(),
  maxTasks: sizing.maxTasks.default(4),
  cpuTargetPercent: sizing.cpuTargetPercent.default(60),
  requestsPerTaskPerMinute: sizing.requestsPerTaskPerMinute.default(1000),
  scaleInCooldownSec: sizing.scaleInCooldownSec.default(300),
  scaleOutCooldownSec: sizing.scaleOutCooldownSec.default(60),
  environments: z.record(z.string(), partialSizing).default({}),
});

export type EcsConfig = z.output<typeof ecsSchema>;
/** The service's settings in one environment: the app's, with that environment's overrides. */
export type EcsSettings = Omit<EcsConfig, "environments" | "minTasks"> & { minTasks: number };

export function ecsSettingsFor(
  ecs: EcsConfig,
  envName: string,
  env: { readonly production: boolean },
): EcsSettings {
  const { environments, ...base } = ecs;
  const settings = { ...base, ...environments[envName] };
  return { ...settings, minTasks: settings.minTasks ?? (env.production ? 2 : 1) };
}

type Problem = (path: (string | number)[], message: string, input?: unknown) => void;

/**
 * The rules that span fields or environments, checked on each environment's effective settings so
 * the message names the field the user wrote (the override, or the app's value).
 */
export function checkEcs(
  ecs: EcsConfig,
  environments: Record<string, { production: boolean }>,
  basePath: (string | number)[],
  problem: Problem,
): void {
  for (const envName of Object.keys(ecs.environments)) {
    if (!(envName in environments)) {
      problem(
        [...basePath, "environments", envName],
        `names an environment that is not defined; environments: ${Object.keys(environments).join(", ")}`,
        envName,
      );
    }
  }
  if (ecs.spot && ecs.launchType !== "fargate") {
    problem(
      [...basePath, "spot"],
      "is only for launchType fargate (EC2 capacity is on-demand)",
      true,
    );
  }
  if (ecs.instanceType !== undefined && ecs.launchType !== "ec2") {
    problem([...basePath, "instanceType"], "is only for launchType ec2", ecs.instanceType);
  }
  // One line per field and problem, naming every environment it holds in.
  const found = new Map<
    string,
    { path: (string | number)[]; message: string; input: unknown; envs: string[] }
  >();
  const report = (field: string, envName: string, message: string, input?: unknown) => {
    const path = fieldPath(ecs, envName, field, basePath);
    const key = `${path.join(".")}|${message}`;
    const entry = found.get(key) ?? { path, message, input, envs: [] };
    entry.envs.push(envName);
    found.set(key, entry);
  };
  for (const [envName, env] of Object.entries(environments)) {
    const settings = ecsSettingsFor(ecs, envName, env);
    if (settings.minTasks > settings.maxTasks) {
      report(
        "minTasks",
        envName,
        `minTasks (${settings.minTasks}) must not be larger than maxTasks (${settings.maxTasks})`,
      );
    }
    if (env.production && settings.minTasks < 2) {
      report(
        "minTasks",
        envName,
        "must be at least 2 with production: true, so the service survives losing an availability zone",
        settings.minTasks,
      );
    }
    if (settings.launchType === "fargate") {
      const size = fargateSizeProblem(settings.cpu, settings.memoryMiB);
      if (size) {
        const field = fargateMemoryFor(settings.cpu).length === 0 ? "cpu" : "memoryMiB";
        report(field, envName, size, settings[field]);
      }
    }
  }
  for (const { path, message, input, envs } of found.values()) {
    problem(path, `${message} (in ${envs.join(", ")})`, input);
  }
}

/** The override's path when the environment sets the field, else the app's. */
function fieldPath(
  ecs: EcsConfig,
  envName: string,
  field: string,
  basePath: (string | number)[],
): (string | number)[] {
  const override = ecs.environments[envName] as Record<string, unknown> | undefined;
  return override?.[field] !== undefined
    ? [...basePath, "environments", envName, field]
    : [...basePath, field];
}
