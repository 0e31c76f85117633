import {
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { AwsError, UsageError } from "../errors";
import { awsErrorCode, explainAwsError, type AwsStep } from "../aws/errors";
import type { AwsSession } from "../aws/session";
import type { ServerRestarter } from "./servers";

/** The variable that records which secret version a published server version was made for. */
export const SECRETS_VERSION_VARIABLE = "ZONKE_SECRETS_VERSION";

export interface LambdaRestarterProps {
  readonly session: AwsSession;
  readonly functionName: string;
  /** The alias that serves traffic (`live`). */
  readonly alias: string;
  readonly caller?: string;
  /** The command that retries a failed restart, named in messages. */
  readonly retryCommand: string;
  /** Progress lines while waiting. */
  readonly progress?: (line: string) => void;
  /** Longest wait for a configuration update to finish. @default 300 */
  readonly maxWaitSec?: number;
}

/**
 * A server on Lambda loads the secret at init, so new values need new instances. Published
 * versions are immutable, so: set `ZONKE_SECRETS_VERSION=<secret version>` on $LATEST (keeping
 * every other variable), wait for the update, publish a version and point the alias at it. Every
 * request then reaches instances of the new version, which load the current values at init.
 *
 * This drifts from Terraform's state on purpose: the next apply removes the variable from $LATEST,
 * publishes its own version and moves the alias back to it, which loads the current values too.
 */
export class LambdaServerRestarter implements ServerRestarter {
  readonly description: string;
  private readonly lambda: LambdaClient;
  private aliasVersion: string | undefined;

  constructor(private readonly props: LambdaRestarterProps) {
    this.description = `Lambda function ${props.functionName} (alias ${props.alias})`;
    this.lambda = new LambdaClient({
      region: props.session.region,
      credentials: props.session.credentials,
      maxAttempts: 3,
    });
  }

  async check(): Promise<void> {
    // GetFunction once here: the update waiter uses it and would retry a refusal until it times out.
    await this.call("lambda:GetFunction", () =>
      this.lambda.send(new GetFunctionCommand({ FunctionName: this.props.functionName })),
    );
    const alias = await this.call("lambda:GetAlias", () =>
      this.lambda.send(
        new GetAliasCommand({ FunctionName: this.props.functionName, Name: this.props.alias }),
      ),
    );
    this.aliasVersion = alias.FunctionVersion;
  }

  async restart(secretVersionId: string): Promise<string[]> {
    const { functionName, alias } = this.props;
    if (this.aliasVersion === undefined) await this.check();
    // A deploy may be updating the function: updates made meanwhile are refused.
    await this.waitForUpdate({ quiet: true });
    const current = await this.call("lambda:GetFunctionConfiguration", () =>
      this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    );
    const variables = {
      ...current.Environment?.Variables,
      [SECRETS_VERSION_VARIABLE]: secretVersionId,
    };
    await this.call("lambda:UpdateFunctionConfiguration", () =>
      this.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: functionName,
          Environment: { Variables: variables },
          ...(current.RevisionId ? { RevisionId: current.RevisionId } : {}),
        }),
      ),
    );
    await this.waitForUpdate({ quiet: false });
    const updated = await this.call("lambda:GetFunctionConfiguration", () =>
      this.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName })),
    );
    const published = await this.call("lambda:PublishVersion", () =>
      this.lambda.send(
        new PublishVersionCommand({
          FunctionName: functionName,
          Description: `zonke secrets: secret version ${secretVersionId}`,
          ...(updated.RevisionId ? { RevisionId: updated.RevisionId } : {}),
        }),
      ),
    );
    const version = published.Version!;
    await this.call("lambda:UpdateAlias", () =>
      this.lambda.send(
        new UpdateAliasCommand({
          FunctionName: functionName,
          Name: alias,
          FunctionVersion: version,
        }),
      ),
    );
    return [
      `restarted ${this.description}:`,
      `  $LATEST: ${SECRETS_VERSION_VARIABLE}=${secretVersionId} (other variables kept)`,
      `  published version ${version}; alias ${alias}: version ${this.aliasVersion} -> ${version}`,
      "  new requests start instances of that version, which load the current values",
    ];
  }

  private async waitForUpdate({ quiet }: { quiet: boolean }): Promise<void> {
    const { functionName } = this.props;
    const maxWaitTime = this.props.maxWaitSec ?? 300;
    if (!quiet) {
      this.props.progress?.(
        `waiting for ${functionName} to finish updating (up to ${maxWaitTime} s)...`,
      );
    }
    try {
      await waitUntilFunctionUpdatedV2(
        { client: this.lambda, maxWaitTime, minDelay: 1, maxDelay: 5 },
        { FunctionName: functionName },
      );
    } catch (error) {
      const result = (error as { result?: { reason?: unknown } }).result;
      if (result?.reason instanceof Error) throw this.explain(result.reason, "lambda:GetFunction");
      const reason = (result?.reason as { Configuration?: { LastUpdateStatusReason?: string } })
        ?.Configuration?.LastUpdateStatusReason;
      throw new AwsError(
        `the update of ${functionName} did not complete${reason ? `: ${reason}` : ` within ${maxWaitTime} s`}; ` +
          `the secret change is saved: run \`${this.props.retryCommand}\` once the function is ready`,
        "FunctionUpdateFailed",
        { cause: error },
      );
    }
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.explain(error, action);
    }
  }

  private explain(error: unknown, action: string): unknown {
    const { functionName, alias, session } = this.props;
    const code = awsErrorCode(error);
    if (code === "ResourceNotFoundException") {
      return new UsageError(
        `the app's server, Lambda function ${functionName} with alias ${alias}, does not exist in ` +
          `${session.region}: deploy the app's stack first (npm start / cdktf deploy)`,
        { cause: error },
      );
    }
    if (code === "PreconditionFailedException" || code === "ResourceConflictException") {
      return new AwsError(
        `${functionName} changed while zonke was restarting it (a deploy?); the secret change is ` +
          `saved: run \`${this.props.retryCommand}\` again`,
        code,
        { cause: error },
      );
    }
    const step: AwsStep = {
      action,
      resource: `function ${functionName}`,
      region: session.region,
      ...(this.props.caller ? { caller: this.props.caller } : {}),
    };
    return explainAwsError(error, step);
  }
}
