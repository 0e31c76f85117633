/**
 * Logging in to an app's ECR registry: ECR's GetAuthorizationToken through the AWS SDK (the
 * credentials in use: a developer's profile, or the pipeline's build role, which may push to the
 * app's repository). The password is handed to the container engine on stdin, never as an
 * argument (arguments are visible to every user of the machine and end up in logs).
 */
import { ECRClient, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { credentialsOption, deployRoleCredentials } from "../aws/deploy-role";
import { awsStep } from "../aws/errors";

export interface RegistryAuth {
  readonly username: string;
  readonly password: string;
  /** The registry's host, e.g. `111111111111.dkr.ecr.eu-west-1.amazonaws.com`. */
  readonly host: string;
}

/**
 * Gets a login for `account`'s registry in `region` (valid for 12 hours), with the credentials
 * `env` gives: the deploy role's when ZONKE_DEPLOY_ROLE_ARN is set, else the default chain.
 */
export type RegistryLogin = (
  region: string,
  account: string,
  env: NodeJS.ProcessEnv,
) => Promise<RegistryAuth>;

/** ECR's GetAuthorizationToken for `account`'s registry. */
export const ecrLogin: RegistryLogin = async (region, account, env) => {
  const ecr = new ECRClient({
    region,
    maxAttempts: 3,
    ...credentialsOption(deployRoleCredentials(env, region)),
  });
  try {
    const answer = await awsStep(
      {
        action: "ecr:GetAuthorizationToken",
        resource: `the registry of account ${account}`,
        region,
      },
      () => ecr.send(new GetAuthorizationTokenCommand({ registryIds: [account] })),
    );
    return parseAuthorization(answer.authorizationData?.[0], account, region);
  } finally {
    ecr.destroy();
  }
};

/** ECR's answer: a base64 `user:password` token and the registry's https endpoint. */
export function parseAuthorization(
  data: { authorizationToken?: string; proxyEndpoint?: string } | undefined,
  account: string,
  region: string,
): RegistryAuth {
  const decoded = Buffer.from(data?.authorizationToken ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) {
    throw new Error("ecr:GetAuthorizationToken answered without a user:password token");
  }
  const fallback = `${account}.dkr.ecr.${region}.amazonaws.com`;
  const host = data?.proxyEndpoint ? data.proxyEndpoint.replace(/^https?:\/\//, "") : fallback;
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    host: host.replace(/\/+$/, ""),
  };
}
