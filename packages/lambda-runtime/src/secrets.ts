/**
 * Loads Secrets Manager secrets into the environment at init, before the app is imported, so the
 * app reads them with `process.env` like any other setting. Terraform only creates the secrets;
 * their values never pass through its state.
 *
 * - `ZONKE_SECRET_ARNS` lists the secrets (see ./secrets/sources.ts for the format and prefixes).
 *   Each SecretString is a JSON object of names to values.
 * - Variables the deployment set itself win over the secrets, unless `ZONKE_SECRETS_OVERRIDE=1`.
 *   Variables set by an earlier load are updated on reload (RDS rotates its secret).
 * - Loads within `ttlMs` (5 minutes) reuse the last result; `reloadSecrets()` reads again now,
 *   for callers that see an authentication failure (e.g. the database refused a rotated password).
 * - Any failure rejects with a `SecretsLoadError` that names the secret and the likely cause, and
 *   changes nothing in the environment. Values are never logged or put in messages.
 */
import type { SecretsManagerClientConfig } from "@aws-sdk/client-secrets-manager";
import { createSecretsClient, fetchSecretEntries } from "./secrets/fetch";
import { SecretsLoadError } from "./secrets/errors";
import { parseSecretSources } from "./secrets/sources";

export { SecretsLoadError } from "./secrets/errors";
export { SecretsConfigError, parseSecretSources, type SecretSource } from "./secrets/sources";

export interface SecretsLoaderOptions {
  /** Where `ZONKE_SECRET_ARNS` is read and the values are written. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra SDK client settings, e.g. `endpoint`, `region`, `credentials`. @default {} */
  readonly clientConfig?: SecretsManagerClientConfig;
  /** @default 300_000 (5 minutes) */
  readonly ttlMs?: number;
  /** Time allowed to open a connection to Secrets Manager. @default 1000 */
  readonly connectTimeoutMs?: number;
  /** Time allowed for one GetSecretValue answer. @default 3000 */
  readonly requestTimeoutMs?: number;
  /** Tries per secret, the first included. @default 2 */
  readonly maxAttempts?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** What a load did, by variable name only. */
export interface SecretsLoadResult {
  readonly secretCount: number;
  /** Variables set or updated from the secrets. */
  readonly applied: readonly string[];
  /** Variables the deployment set itself, which the secrets did not overwrite. */
  readonly kept: readonly string[];
  /** Variables an earlier load set whose key is gone from the secrets; removed. */
  readonly removed: readonly string[];
  /** True when the last load was recent enough to be reused (nothing was read). */
  readonly fromCache: boolean;
}

export interface SecretsLoader {
  /** Reads the secrets unless the last load is younger than the TTL. */
  load(): Promise<SecretsLoadResult>;
  /** Reads the secrets now, whatever their age. */
  reload(): Promise<SecretsLoadResult>;
}

export const DEFAULT_SECRETS_TTL_MS = 5 * 60 * 1000;

export function createSecretsLoader(options: SecretsLoaderOptions = {}): SecretsLoader {
  const env = options.env ?? process.env;
  const ttlMs = options.ttlMs ?? DEFAULT_SECRETS_TTL_MS;
  const now = options.now ?? Date.now;
  /** Names this loader set: it may update or remove them, never the deployment's own. */
  const owned = new Set<string>();
  let last: { at: number; result: SecretsLoadResult } | undefined;
  let inFlight: Promise<SecretsLoadResult> | undefined;

  async function read(): Promise<SecretsLoadResult> {
    const sources = parseSecretSources(env["ZONKE_SECRET_ARNS"]);
    const entries = new Map<string, string>();
    if (sources.length > 0) {
      const client = createSecretsClient(
        {
          connectTimeoutMs: options.connectTimeoutMs ?? 1000,
          requestTimeoutMs: options.requestTimeoutMs ?? 3000,
          maxAttempts: options.maxAttempts ?? 2,
        },
        options.clientConfig,
      );
      try {
        const perSecret = await Promise.all(
          sources.map((source) => fetchSecretEntries(client, source)),
        );
        const origin = new Map<string, string>();
        perSecret.forEach((secretEntries, index) => {
          const secretId = sources[index]!.secretId;
          for (const [name, value] of secretEntries) {
            const other = origin.get(name);
            if (other !== undefined) {
              throw new SecretsLoadError(
                secretId,
                `Secrets Manager secrets ${other} and ${secretId} both define ${name}; give one of them a prefix (PREFIX=arn:...) in ZONKE_SECRET_ARNS`,
              );
            }
            origin.set(name, secretId);
            entries.set(name, value);
          }
        });
      } finally {
        client.destroy();
      }
    }
    return apply(entries, sources.length);
  }

  function apply(entries: Map<string, string>, secretCount: number): SecretsLoadResult {
    const override = env["ZONKE_SECRETS_OVERRIDE"] === "1";
    const applied: string[] = [];
    const kept: string[] = [];
    for (const [name, value] of entries) {
      if (env[name] !== undefined && !owned.has(name) && !override) {
        kept.push(name);
        continue;
      }
      env[name] = value;
      owned.add(name);
      applied.push(name);
    }
    const removed = [...owned].filter((name) => !entries.has(name));
    for (const name of removed) {
      delete env[name];
      owned.delete(name);
    }
    return { secretCount, applied, kept, removed, fromCache: false };
  }

  function start(): Promise<SecretsLoadResult> {
    inFlight ??= read()
      .then((result) => {
        last = { at: now(), result };
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    load() {
      if (last && now() - last.at < ttlMs) {
        return Promise.resolve({ ...last.result, fromCache: true });
      }
      return start();
    },
    reload: start,
  };
}

let defaultLoader: SecretsLoader | undefined;

/** `createSecretsLoader()` over `process.env`, shared by everything in this process. */
export function loadSecrets(): Promise<SecretsLoadResult> {
  defaultLoader ??= createSecretsLoader();
  return defaultLoader.load();
}

/** Reads the secrets again now, e.g. after the database refused a rotated password. */
export function reloadSecrets(): Promise<SecretsLoadResult> {
  defaultLoader ??= createSecretsLoader();
  return defaultLoader.reload();
}
