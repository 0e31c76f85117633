/**
 * Releasing a Lambda server: point its alias (`live`) at the version the apply published, then
 * probe it through the alias; an unhealthy answer moves the alias back.
 *
 * The apply published the version without moving the alias (`trafficShift: "release"` in
 * @zonke/modules), so until this runs the previous version keeps serving. The Function URL, the
 * warmer and CloudFront all reach the function through the alias, so moving it moves every viewer.
 */
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateAliasCommand,
  waitUntilPublishedVersionActive,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { AwsError, UsageError } from "../errors";
import { awsErrorCode, awsStep } from "../aws/errors";
import type { LambdaRelease } from "../deploy/outputs";
import type { Steps } from "../steps";
import { probeEvent, readProbeAnswer, type ProbeOutcome } from "./probe";

export interface LambdaReleaseContext {
  readonly lambda: LambdaClient;
  readonly steps: Steps;
  readonly region: string;
  readonly accountId: string;
  /** The distribution's host, sent as x-forwarded-host (from the stack's `url` output). */
  readonly forwardedHost?: string;
}

/** An alias this release moved: what a later failure moves back. */
export interface MovedAlias {
  readonly functionName: string;
  readonly alias: string;
  readonly from: string;
  readonly to: string;
}

/** How each step is shown, with real values or, in a dry run, placeholders. */
export const lambdaLines = {
  getAlias: (fn: string, alias: string) =>
    `aws lambda get-alias --function-name ${fn} --name ${alias}`,
  checkVersion: (fn: string, version: string) =>
    `aws lambda get-function-configuration --function-name ${fn} --qualifier ${version}`,
  updateAlias: (fn: string, alias: string, version: string) =>
    `aws lambda update-alias --function-name ${fn} --name ${alias} --function-version ${version}`,
  probe: (fn: string, alias: string, path: string) =>
    `aws lambda invoke --function-name ${fn} --qualifier ${alias} (GET ${path} as a Function URL event; healthy: no FunctionError and statusCode < 500)`,
};

/**
 * Moves the alias and probes; returns the move, or undefined when the alias was there already.
 * Unhealthy: moves the alias back and throws an AwsError naming both versions and why.
 */
export async function releaseLambda(
  context: LambdaReleaseContext,
  target: LambdaRelease,
): Promise<MovedAlias | undefined> {
  const { lambda, steps } = context;
  const { functionName, alias, version } = target;
  const name = `${functionName} (alias ${alias})`;

  steps.step(lambdaLines.getAlias(functionName, alias));
  const current = await call(context, "lambda:GetAlias", functionName, () =>
    lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })),
  );
  const previous = current.FunctionVersion;
  if (!previous) {
    throw new AwsError(`lambda:GetAlias on ${name} answered without a version`, "NoAliasVersion");
  }
  if (previous === version) {
    steps.result(
      `${functionName}: alias ${alias} is on version ${version} already; nothing to release`,
    );
    return undefined;
  }

  steps.step(lambdaLines.checkVersion(functionName, version));
  await readyVersion(context, functionName, version, `${alias} stays on version ${previous}`);

  const weights = current.RoutingConfig?.AdditionalVersionWeights ?? {};
  const clearWeights = Object.keys(weights).length > 0;
  steps.step(
    lambdaLines.updateAlias(functionName, alias, version) +
      (clearWeights ? " --routing-config AdditionalVersionWeights={}" : ""),
  );
  await call(context, "lambda:UpdateAlias", functionName, () =>
    lambda.send(
      new UpdateAliasCommand({
        FunctionName: functionName,
        Name: alias,
        FunctionVersion: version,
        // Refused if someone moved the alias since GetAlias: then nothing is overwritten blindly.
        ...(current.RevisionId ? { RevisionId: current.RevisionId } : {}),
        ...(clearWeights ? { RoutingConfig: { AdditionalVersionWeights: {} } } : {}),
      }),
    ),
  );
  const moved: MovedAlias = { functionName, alias, from: previous, to: version };

  steps.step(lambdaLines.probe(functionName, alias, target.healthCheckPath));
  const outcome = await probe(context, target);
  if (outcome.healthy) {
    steps.result(
      `${functionName}: alias ${alias}: version ${previous} -> ${version} ` +
        `(GET ${target.healthCheckPath}: ${outcome.note ?? `status ${outcome.statusCode}`})`,
    );
    return moved;
  }
  const problem =
    `version ${version} of ${functionName} is unhealthy: GET ${target.healthCheckPath} through ` +
    `alias ${alias} gave ${outcome.reason}`;
  const back = await moveBack(context, moved);
  throw new AwsError(`${problem}; ${back}`, "ReleaseUnhealthy");
}

/**
 * Moves an alias back to where it was; returns what happened, as the end of a failure's message
 * (it never throws: the failure that made it move back is the one to report).
 */
export async function moveBack(context: LambdaReleaseContext, moved: MovedAlias): Promise<string> {
  const { functionName, alias, from, to } = moved;
  context.steps.step(lambdaLines.updateAlias(functionName, alias, from));
  try {
    await call(context, "lambda:UpdateAlias", functionName, () =>
      context.lambda.send(
        new UpdateAliasCommand({ FunctionName: functionName, Name: alias, FunctionVersion: from }),
      ),
    );
    return `alias ${alias} of ${functionName} is back on version ${from} (was briefly on ${to})`;
  } catch (error) {
    return (
      `moving alias ${alias} of ${functionName} back to version ${from} FAILED ` +
      `(${(error as Error).message}): it is still on version ${to}; move it with ` +
      `\`${lambdaLines.updateAlias(functionName, alias, from)} --region ${context.region}\``
    );
  }
}

/** The version exists and is Active (a new container image version may be Pending a while). */
async function readyVersion(
  context: LambdaReleaseContext,
  functionName: string,
  version: string,
  unchanged: string,
): Promise<void> {
  const { lambda } = context;
  const configuration = await call(context, "lambda:GetFunctionConfiguration", functionName, () =>
    lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName, Qualifier: version }),
    ),
  );
  if (configuration.State === "Pending") {
    context.steps.progress(
      `${functionName}: version ${version} is Pending; waiting until it is Active...`,
    );
    try {
      await waitUntilPublishedVersionActive(
        { client: lambda, maxWaitTime: 900, minDelay: 2, maxDelay: 15 },
        { FunctionName: functionName, Qualifier: version },
      );
      return;
    } catch {
      throw new AwsError(
        `version ${version} of ${functionName} did not become Active within 15 minutes; ${unchanged}`,
        "VersionNotActive",
      );
    }
  }
  if (configuration.State === "Failed" || configuration.State === "Inactive") {
    throw new AwsError(
      `version ${version} of ${functionName} is ${configuration.State}` +
        `${configuration.StateReason ? `: ${configuration.StateReason}` : ""}; ${unchanged}`,
      "VersionNotActive",
    );
  }
}

async function probe(context: LambdaReleaseContext, target: LambdaRelease): Promise<ProbeOutcome> {
  const event = probeEvent({
    path: target.healthCheckPath,
    functionName: target.functionName,
    region: context.region,
    accountId: context.accountId,
    ...(context.forwardedHost ? { forwardedHost: context.forwardedHost } : {}),
  });
  try {
    const answer = await context.lambda.send(
      new InvokeCommand({
        FunctionName: target.functionName,
        Qualifier: target.alias,
        InvocationType: "RequestResponse",
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    return readProbeAnswer(answer.FunctionError, answer.Payload);
  } catch (error) {
    // The probe did not get an answer (throttled, refused, unreachable): not proof of health.
    const code = awsErrorCode(error) ?? (error as Error).name;
    return { healthy: false, reason: `no answer: the invoke failed (${code})` };
  }
}

/** One call on the function; one that does not exist: deploy first; one changed meanwhile: retry. */
function call<T>(
  context: LambdaReleaseContext,
  action: string,
  functionName: string,
  send: () => Promise<T>,
): Promise<T> {
  const step = { action, resource: `function ${functionName}`, region: context.region };
  return awsStep(step, send, (code, error) => {
    if (code === "ResourceNotFoundException") {
      return new UsageError(
        `${action} on ${functionName}: not found in ${context.region} (${firstLine(error)}): deploy the app first (zonke deploy)`,
        { cause: error },
      );
    }
    if (code === "PreconditionFailedException") {
      return new AwsError(
        `${functionName} changed while zonke was releasing it (another release or deploy?): run zonke release again`,
        code,
        { cause: error },
      );
    }
    return undefined;
  });
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? "").split("\n")[0]!.replace(/\.$/, "");
}
