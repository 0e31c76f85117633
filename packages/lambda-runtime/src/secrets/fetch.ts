import type {
  SecretsManagerClient,
  SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { explainFetchError } from "./errors";
import type { SecretSource } from "./sources";
import { environmentEntries } from "./values";

export interface ClientTimeouts {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

type SecretsManagerModule = typeof import("@aws-sdk/client-secrets-manager");

/**
 * The SDK is required on first use, not when this package is imported: functions that only use
 * the warm protocol (or have no secrets) never pay for loading it at cold start.
 */
function secretsManagerSdk(): SecretsManagerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return require("@aws-sdk/client-secrets-manager") as SecretsManagerModule;
}

/**
 * A client that gives up quickly: without a route to Secrets Manager (no VPC endpoint, no NAT)
 * the default SDK settings would wait for minutes before the init fails.
 */
export function createSecretsClient(
  timeouts: ClientTimeouts,
  config: SecretsManagerClientConfig = {},
): SecretsManagerClient {
  const { SecretsManagerClient } = secretsManagerSdk();
  return new SecretsManagerClient({
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Without it a request timeout is only a logged warning.
      throwOnRequestTimeout: true,
    },
    ...config,
  });
}

/** Reads one secret and returns the environment variables it defines. */
export async function fetchSecretEntries(
  client: SecretsManagerClient,
  source: SecretSource,
): Promise<Map<string, string>> {
  const { GetSecretValueCommand } = secretsManagerSdk();
  let secretString: string | undefined;
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
    secretString = answer.SecretString;
  } catch (error) {
    throw explainFetchError(source.secretId, error);
  }
  return environmentEntries(source, secretString);
}
