/**
 * The AWS identity of the pipeline commands that call AWS themselves (`assets upload`, `release`):
 * the deploy role when ZONKE_DEPLOY_ROLE_ARN is set (checked to be of the environment's account),
 * else the credentials in use, checked with GetCallerIdentity to be of that account: with the
 * wrong profile the app's resources would look missing, or another account's would change.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { deployRoleCredentials, type CredentialsProvider } from "../aws/deploy-role";
import { awsStep } from "../aws/errors";
import { checkAccount } from "../aws/identity";
import type { ResolvedTarget } from "../target";
import { deployRoleStep } from "./stacks";
import type { Steps } from "../steps";

/** The `credentials` of the commands' SDK clients: the deploy role's, or the default chain's. */
export interface PipelineAws {
  readonly region: string;
  readonly credentials: CredentialsProvider | undefined;
}

/** Prints the identity steps; in a real run, takes them. */
export async function pipelineAws(
  steps: Steps,
  env: NodeJS.ProcessEnv,
  target: ResolvedTarget,
): Promise<PipelineAws> {
  const { region } = target;
  deployRoleStep(steps, env, target);
  const credentials = deployRoleCredentials(env, region);
  if (credentials) {
    // Assumed now, so that a refusal is reported before anything else happens.
    if (!steps.dryRun) await credentials();
    return { region, credentials };
  }
  steps.step(
    `aws sts get-caller-identity (the credentials must be of account ${target.account}, environment ${target.envName})`,
  );
  if (!steps.dryRun) {
    const sts = new STSClient({ region, maxAttempts: 3 });
    try {
      const identity = await awsStep(
        { action: "sts:GetCallerIdentity", resource: "the caller's identity", region },
        async () => {
          const answer = await sts.send(new GetCallerIdentityCommand({}));
          return { account: answer.Account ?? "(unknown)", arn: answer.Arn ?? "(unknown caller)" };
        },
      );
      checkAccount(identity, target);
    } finally {
      sts.destroy();
    }
  }
  return { region, credentials: undefined };
}

/** The options every SDK client of these commands takes. */
export function clientOptions(aws: PipelineAws): {
  region: string;
  maxAttempts: number;
  credentials?: CredentialsProvider;
} {
  return {
    region: aws.region,
    maxAttempts: 3,
    ...(aws.credentials ? { credentials: aws.credentials } : {}),
  };
}
