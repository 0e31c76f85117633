import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** Credentials as the SDK resolves them (a profile, SSO, environment variables, a role). */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * The AWS clients of one command, all in the environment's region (from the config, whatever
 * AWS_REGION says) and sharing one credentials chain, so SSO or an assumed role resolves once.
 * Endpoints follow the SDK's standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
 * Other clients (STS, Lambda, ECS) take `region` and `credentials` from here.
 */
export interface AwsSession {
  readonly region: string;
  readonly secretsManager: SecretsManagerClient;
  readonly credentials: () => Promise<Credentials>;
}

export function createSession(region: string): AwsSession {
  const secretsManager = new SecretsManagerClient({ region, maxAttempts: 3 });
  return { region, secretsManager, credentials: secretsManager.config.credentials };
}
