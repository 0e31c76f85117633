/**
 * `zonke release`: moves the app's traffic to what `zonke deploy` applied, from the app stack's
 * `release` output (see RELEASE_USAGE in ../deploy/args.ts). Lambda servers first (alias, probe),
 * then ECS services (update, wait for the rollout). When a step fails, the aliases this run moved
 * are moved back, so that the app's servers stay on one release; ECS rolls its own back with the
 * deployment circuit breaker.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { ECSClient } from "@aws-sdk/client-ecs";
import { AwsError, isCliError, UsageError } from "../errors";
import { serverPlacement } from "../restart/servers";
import type { ResolvedTarget } from "../target";
import { clientOptions, pipelineAws } from "../deploy/aws";
import type { PipelineCommandContext } from "../deploy/context";
import { releaseOutput, stringOutput } from "../deploy/outputs";
import {
  appStack,
  checkSynthesised,
  prepareTerraform,
  terraformInit,
  terraformOutputs,
} from "../deploy/stacks";
import type { Steps } from "../steps";
import { DEFAULT_ECS_POLL_MS, ecsLines, releaseEcs } from "./ecs";
import { lambdaLines, moveBack, releaseLambda, type MovedAlias } from "./lambda";

/** Tests only: the time between two DescribeServices of the rollout wait, in milliseconds. */
export const POLL_VARIABLE = "ZONKE_TEST_RELEASE_POLL_MS";

export async function runRelease(
  context: PipelineCommandContext,
  timeoutMinutes: number,
): Promise<number> {
  const { target, steps, cwd, env } = context;
  const stack = appStack(target, cwd);
  checkSynthesised(
    stack,
    context,
    `${stack.shown} does not exist here: the build stage has not run`,
  );
  const timeoutMs = timeoutMinutes * 60_000;
  const pollMs = Number(env[POLL_VARIABLE]) > 0 ? Number(env[POLL_VARIABLE]) : DEFAULT_ECS_POLL_MS;

  const terraform = await prepareTerraform(steps, env, cwd, target);
  await terraformInit(steps, terraform, stack);
  const outputs = await terraformOutputs(steps, terraform, stack);
  steps.step(`read output release of ${stack.name}`);
  if (outputs === undefined) {
    await pipelineAws(steps, env, target);
    dryRunSteps(steps, target, pollMs, timeoutMs);
    return 0;
  }

  const release = releaseOutput(outputs, stack.name);
  if (release === undefined) {
    throw new UsageError(
      `${stack.name} has no output release: deploy it with this version of zonke first (zonke deploy --env ${target.envName} --app ${target.app.name})`,
    );
  }
  if (release.lambda.length === 0 && release.ecs.length === 0) {
    steps.result(`nothing to release: the output release of ${stack.name} names no server`);
    return 0;
  }
  const aws = await pipelineAws(steps, env, target);
  const lambda = new LambdaClient(clientOptions(aws));
  const ecs = new ECSClient(clientOptions(aws));
  const url = stringOutput(outputs, "url");
  const lambdaContext = {
    lambda,
    steps,
    region: target.region,
    accountId: target.account,
    ...(url ? { forwardedHost: hostOf(url) } : {}),
  };
  const moved: MovedAlias[] = [];
  try {
    for (const item of release.lambda) {
      const done = await releaseLambda(lambdaContext, item);
      if (done) moved.push(done);
    }
    for (const item of release.ecs) {
      await releaseEcs({ ecs, steps, region: target.region, timeoutMs, pollMs }, item);
    }
  } catch (error) {
    if (moved.length === 0 || !isCliError(error)) throw error;
    // Earlier servers of this release went live: move them back too.
    const backs: string[] = [];
    for (const alias of [...moved].reverse()) backs.push(await moveBack(lambdaContext, alias));
    const combined = `${error.message}; ${backs.join("; ")}`;
    throw error instanceof UsageError
      ? new UsageError(combined, { cause: error })
      : new AwsError(combined, (error as AwsError).code ?? "ReleaseFailed", { cause: error });
  } finally {
    lambda.destroy();
    ecs.destroy();
  }
  return 0;
}

/**
 * The steps a release takes, for `--dry-run`: the servers the architecture places (their names
 * from the config); the values only the stack's output knows are shown as <placeholders>.
 */
function dryRunSteps(steps: Steps, target: ResolvedTarget, pollMs: number, timeoutMs: number) {
  const placement = serverPlacement(target);
  if (placement.kind === "lambda") {
    const { functionName: fn, alias } = placement;
    const version = "<release.lambda version>";
    steps.step(lambdaLines.getAlias(fn, alias));
    steps.step(lambdaLines.checkVersion(fn, version));
    steps.step(`${lambdaLines.updateAlias(fn, alias, version)} (unless ${alias} is on it already)`);
    steps.step(lambdaLines.probe(fn, alias, "<release.lambda healthCheckPath>"));
    steps.step(
      `${lambdaLines.updateAlias(fn, alias, `<the version ${alias} was on>`)} (only when unhealthy; then exit 1)`,
    );
  } else if (placement.kind === "ecs") {
    const { cluster, service } = placement;
    steps.step(ecsLines.describe(cluster, service));
    steps.step(
      `${ecsLines.update(cluster, service, "<release.ecs taskDefinitionArn>")} (unless the service runs it already)`,
    );
    steps.step(ecsLines.wait(cluster, service, pollMs, timeoutMs));
  } else {
    steps.note(`${target.app.name} has no servers to release: ${placement.reason}`);
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
