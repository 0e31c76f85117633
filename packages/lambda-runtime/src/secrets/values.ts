import { SecretsLoadError } from "./errors";
import type { SecretSource } from "./sources";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Turns a secret's SecretString (a JSON object of names to values) into environment variables.
 * Strings are kept as they are; numbers and booleans (RDS secrets carry `"port": 5432`) become
 * their text. Errors name the secret and the key, never the value or the secret's text: JSON
 * parse errors quote their input, so they are not passed on.
 */
export function environmentEntries(
  source: SecretSource,
  secretString: string | undefined,
): Map<string, string> {
  const { secretId } = source;
  if (secretString === undefined) {
    throw new SecretsLoadError(
      secretId,
      `Secrets Manager secret ${secretId} has no SecretString (a binary secret?); zonke reads a JSON object of names to string values`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw notAnObject(secretId);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw notAnObject(secretId);
  }
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    const name = source.prefix === "" ? key : `${source.prefix}${key.toUpperCase()}`;
    if (!ENV_NAME.test(name)) {
      throw new SecretsLoadError(
        secretId,
        `Secrets Manager secret ${secretId} has the key ${JSON.stringify(key)}, which is not a valid environment variable name (letters, digits and _, not starting with a digit)`,
      );
    }
    if (typeof value === "string") entries.set(name, value);
    else if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") {
      entries.set(name, String(value));
    } else {
      throw new SecretsLoadError(
        secretId,
        `Secrets Manager secret ${secretId} key ${key} holds ${describeValue(value)}; only strings, numbers and booleans are allowed`,
      );
    }
  }
  return entries;
}

function notAnObject(secretId: string): SecretsLoadError {
  return new SecretsLoadError(
    secretId,
    `Secrets Manager secret ${secretId} is not a JSON object of names to string values (e.g. {"API_KEY": "..."})`,
  );
}

/** The kind of a value, for messages that must not show the value itself. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return "a non-finite number";
  return `a ${typeof value}`;
}
