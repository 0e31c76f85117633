import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { UsageError } from "../errors";
import { awsStep } from "./errors";
import type { AwsSession } from "./session";

export interface CallerIdentity {
  readonly account: string;
  /** The IAM user or assumed role, named in access-denied messages. */
  readonly arn: string;
}

/** `sts:GetCallerIdentity` (needs no permission): whose credentials are these? */
export async function callerIdentity(session: AwsSession): Promise<CallerIdentity> {
  const { region } = session;
  const sts = new STSClient({ region, credentials: session.credentials, maxAttempts: 3 });
  try {
    return await awsStep(
      { action: "sts:GetCallerIdentity", resource: "the caller's identity", region },
      async () => {
        const answer = await sts.send(new GetCallerIdentityCommand({}));
        if (!answer.Account) throw new Error("sts:GetCallerIdentity answered without an Account");
        return { account: answer.Account, arn: answer.Arn ?? "(unknown caller)" };
      },
    );
  } finally {
    sts.destroy();
  }
}

/**
 * Refuses to act with credentials for another account than the environment's: with a wrong
 * AWS_PROFILE the secret would be "missing", or worse, another account's secret would change.
 */
export function checkAccount(
  identity: CallerIdentity,
  expected: { readonly account: string; readonly envName: string; readonly configName: string },
): void {
  if (identity.account !== expected.account) {
    throw new UsageError(
      `the AWS credentials in use are for account ${identity.account} (${identity.arn}), but ` +
        `environment ${expected.envName} deploys to account ${expected.account} (${expected.configName}); ` +
        "use that account's credentials (e.g. another AWS_PROFILE); nothing was changed",
    );
  }
}
