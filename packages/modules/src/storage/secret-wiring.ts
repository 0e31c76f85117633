import { ValidationError } from "../core/errors";

/**
 * How servers receive secrets without values passing through Terraform: ECS tasks by
 * `secrets[].valueFrom` (ECS reads each key at task start), Lambda functions by ARN in
 * `ZONKE_SECRET_ARNS` (the runtime loaders in @zonke/lambda-runtime and zonke_runtime read them at
 * init). Both turn a secret's JSON keys into environment variables the same way.
 */
export interface SecretSource {
  readonly arn: string;
  /** JSON keys to expose; for ECS each must be listed (valueFrom names one key). */
  readonly keys: readonly string[];
  /**
   * Prepended to the upper-cased keys, e.g. "DB_" turns the RDS secret's `username` into
   * `DB_USERNAME`. "" keeps the keys as written.
   * @default ""
   */
  readonly prefix?: string;
}

/** The RDS-managed credentials secret, as DB_USERNAME and DB_PASSWORD. */
export function databaseSecretSource(secretArn: string, prefix = "DB_"): SecretSource {
  return { arn: secretArn, keys: ["username", "password"], prefix };
}

const variableName = (source: SecretSource, key: string) =>
  source.prefix ? `${source.prefix}${key.toUpperCase()}` : key;

/** ECS task-definition `secrets[]` entries: `<arn>:<key>::` (latest version of that JSON key). */
export function ecsSecretEntries(
  sources: readonly SecretSource[],
): { name: string; valueFrom: string }[] {
  const entries = sources.flatMap((source) =>
    source.keys.map((key) => ({
      name: variableName(source, key),
      valueFrom: `${source.arn}:${key}::`,
    })),
  );
  const names = entries.map((e) => e.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) {
    throw new ValidationError(
      `secret variable ${twice} would be set by two secrets; give one of them a prefix`,
    );
  }
  return entries;
}

/** The Lambda environment entry that tells the runtime loaders which secrets to read. */
export function lambdaSecretEnvironment(sources: readonly SecretSource[]): Record<string, string> {
  if (sources.length === 0) return {};
  return {
    ZONKE_SECRET_ARNS: sources
      .map((source) => (source.prefix ? `${source.prefix}=${source.arn}` : source.arn))
      .join(","),
  };
}
