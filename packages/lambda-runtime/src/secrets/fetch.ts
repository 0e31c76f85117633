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

const SDK_CLIENT = "@aws-sdk/client-secrets-manager";

/**
 * The SDK is required on first use, not when this package is imported: functions that only use
 * the warm protocol (or have no secrets) never pay for loading it at cold start.
 *
 * A function may leave the SDK out of its bundle (`@aws-sdk/*` external): the Lambda Node.js
 * runtimes provide SDK v3 in /var/runtime/node_modules, on `NODE_PATH`. Whatever the runtime's
 * version, it honours the settings `createSecretsClient` uses (`throwOnRequestTimeout` is newer
 * than some runtimes' SDK, whose request timeout always throws). Where the SDK cannot be found,
 * the error says so instead of Node's bare "Cannot find module".
 */
function secretsManagerSdk(): SecretsManagerModule {
  try {
    // A literal, so that a bundler that does bundle the SDK sees it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
    return require("@aws-sdk/client-secrets-manager") as SecretsManagerModule;
  } catch (error) {
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (
      code === "MODULE_NOT_FOUND" &&
      typeof message === "string" &&
      message.includes(`'${SDK_CLIENT}'`)
    ) {
      throw new Error(
        `Secrets are configured (ZONKE_SECRET_ARNS) but the AWS SDK for JavaScript v3 (${SDK_CLIENT}) cannot be loaded. The Lambda Node.js runtimes provide it in /var/runtime/node_modules; elsewhere, install it where the function can require it.`,
        { cause: error },
      );
    }
    throw error;
  }
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
    // AWSCURRENT is the default on AWS; naming it also holds where a stage move is not yet
    // reflected in the default (moto), and says which version the value is.
    const answer = await client.send(
      new GetSecretValueCommand({ SecretId: source.secretId, VersionStage: "AWSCURRENT" }),
    );
    secretString = answer.SecretString;
  } catch (error) {
    throw explainFetchError(source.secretId, error);
  }
  return environmentEntries(source, secretString);
}
