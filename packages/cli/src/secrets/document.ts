import { AwsError, UsageError } from "../errors";

/**
 * An app secret's value: a JSON object of KEY -> value. zonke writes strings; numbers and booleans
 * written by other tools are kept as they are (the runtime loaders accept them) until replaced.
 */
export type SecretValues = Readonly<Record<string, string | number | boolean>>;

/** Secrets Manager's limit for a SecretString, in bytes (UTF-8). */
export const SECRET_STRING_MAX_BYTES = 65_536;

/**
 * Parses a SecretString. Errors name the secret and the key, never the text: JSON.parse messages
 * quote their input, so they are not passed on.
 */
export function parseSecretValues(
  secretString: string | undefined,
  secretName: string,
): SecretValues {
  if (secretString === undefined) {
    throw notAnObject(secretName, "has a binary value (SecretBinary)");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw notAnObject(secretName, "is not JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw notAnObject(secretName, "is JSON, but not an object");
  }
  for (const [key, value] of Object.entries(parsed)) {
    const scalar =
      typeof value === "string" ||
      typeof value === "boolean" ||
      (typeof value === "number" && Number.isFinite(value));
    if (!scalar) {
      throw notAnObject(secretName, `holds ${describe(value)} under ${JSON.stringify(key)}`);
    }
  }
  return parsed as SecretValues;
}

/** The SecretString zonke writes: compact JSON, keys in their existing order, new keys last. */
export function serializeSecretValues(values: SecretValues): string {
  return JSON.stringify(values);
}

/** Refuses a value Secrets Manager would refuse, before anything is sent. */
export function checkSecretSize(secretString: string, secretName: string): void {
  const bytes = Buffer.byteLength(secretString, "utf8");
  if (bytes > SECRET_STRING_MAX_BYTES) {
    const over = bytes - SECRET_STRING_MAX_BYTES;
    throw new UsageError(
      `the new value of ${secretName} would be ${bytes.toLocaleString("en")} bytes of JSON, ` +
        `${over.toLocaleString("en")} bytes over Secrets Manager's limit of ` +
        `${SECRET_STRING_MAX_BYTES.toLocaleString("en")} bytes; nothing was changed ` +
        "(keep large files such as certificates in S3 and store their location instead)",
    );
  }
}

/** True when both hold the same keys with the same values (order aside). */
export function sameValues(a: SecretValues, b: SecretValues): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k])
  );
}

/** Characters in a value as a person counts them (code points, not UTF-16 units). */
export function valueLength(value: string | number | boolean): number {
  return [...String(value)].length;
}

function notAnObject(secretName: string, problem: string): AwsError {
  return new AwsError(
    `the value of ${secretName} ${problem}; zonke manages secrets whose value is a JSON object of ` +
      'KEY -> string (e.g. {"API_KEY": "..."}) and will not overwrite it. Fix or replace the value ' +
      "in the AWS console, then run the command again",
    "InvalidSecretValue",
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return "a non-finite number";
  return `a nested ${typeof value}`;
}
