import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EcsReleaseTarget, LambdaReleaseTarget, Migrator, TrafficShift } from "@zonke/modules";
import type { AppKind } from "../config/kinds";
import type { AppConfig } from "../config/schema";

/**
 * Who moves traffic to an app server's new code in zonke's stacks: not the apply. The pipeline
 * runs Deploy (terraform apply: publishes the Lambda version, registers the task definition
 * revision), Migrate (the migrator runs migrations on that new code, from the `migration` output),
 * then Release (`zonke release`, from the `release` output: moves the alias or the service). So
 * new code never serves on the old schema, and a failed migration leaves the old version serving.
 * Only the app servers: the image optimiser, warmer, edge signer and migrator serve no app code.
 */
export const SERVER_TRAFFIC_SHIFT: TrafficShift = "release";

/** Where an app answers health checks when its config names no `healthCheckPath`. */
export const DEFAULT_HEALTH_CHECK_PATHS: Readonly<Record<AppKind, string>> = {
  // zonke's Django runtime answers it without the database, for any Host.
  django: "/healthz",
  nextjs: "/",
};

/**
 * The path that tells an app is up: its config's `healthCheckPath`, or its kind's default. The
 * load balancer and the container check it on ECS; the release step probes it after moving a
 * Lambda alias.
 */
export function healthCheckPathOf(appConfig: AppConfig): string {
  return appConfig.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATHS[appConfig.kind];
}

/** A Lambda server in the `release` output: the release step probes the alias after moving it. */
export interface LambdaRelease extends LambdaReleaseTarget {
  readonly healthCheckPath: string;
}

/** The `release` output's value: every server of the stack, by where it runs. */
export interface AppRelease {
  readonly lambda: readonly LambdaRelease[];
  readonly ecs: readonly EcsReleaseTarget[];
}

/**
 * The stack's `release` output: what `zonke release` moves once the migrations ran. For each
 * Lambda server, UpdateAlias(functionName, alias -> version), then a GET of healthCheckPath
 * through the alias; for each ECS service, UpdateService(cluster, service, taskDefinitionArn),
 * then waiting for the deployment. Both keys are always there (empty lists when the app has no
 * such server), so a reader never has to tell a missing key from an empty one.
 */
export function releaseOutput(scope: Construct, servers: Partial<AppRelease>): TerraformOutput {
  const value: AppRelease = { lambda: servers.lambda ?? [], ecs: servers.ecs ?? [] };
  return new TerraformOutput(scope, "release", {
    value,
    description:
      "What the Release stage moves: Lambda aliases to the versions and ECS services to the task definition revisions this apply deployed",
  });
}

/**
 * The stack's `migration` output: the migrator action's UserParameters (the manage function's new
 * version, or the new task definition revision with the service's network), which the pipeline
 * passes to the Migrate stage as JSON.
 */
export function migrationOutput(scope: Construct, migrator: Migrator): TerraformOutput {
  return new TerraformOutput(scope, "migration", {
    value: migrator.userParameters,
    description:
      "UserParameters of the Migrate stage's migrator action: the new code to run migrations with",
  });
}
