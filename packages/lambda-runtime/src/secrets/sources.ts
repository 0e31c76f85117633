/**
 * Which secrets to load: `ZONKE_SECRET_ARNS` holds secret ARNs, comma-separated
 * (`arn:...:secret:a,arn:...:secret:b`) or as a JSON array (`["arn:...:secret:a", ...]`).
 *
 * An entry may start with a prefix and `=`: `DB_=arn:...:secret:rds!db-1234` loads that secret's
 * keys upper-cased behind the prefix, so the RDS-managed `{"username", "password"}` becomes
 * `DB_USERNAME` and `DB_PASSWORD`. Without a prefix the keys are used exactly as written
 * (`{"GREETING_SECRET": "..."}` sets `GREETING_SECRET`). A prefix is recognised only before an
 * ARN (`PREFIX=arn:`), because secret names may themselves contain `=`.
 */
export interface SecretSource {
  /** ARN (or name) passed to GetSecretValue. */
  readonly secretId: string;
  /** Prepended to the upper-cased keys; "" keeps the keys as written. */
  readonly prefix: string;
}

export class SecretsConfigError extends Error {
  override readonly name = "SecretsConfigError";
}

const PREFIXED = /^([A-Za-z_][A-Za-z0-9_]*)=(arn:.+)$/;

/** Parses the variable's value; no value (or only blanks) means no secrets. */
export function parseSecretSources(value: string | undefined): SecretSource[] {
  const text = value?.trim() ?? "";
  if (text === "") return [];
  const entries = text.startsWith("[") ? parseJsonList(text) : text.split(",");
  const sources: SecretSource[] = [];
  const seen = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    const match = PREFIXED.exec(entry);
    const source = match
      ? { prefix: match[1]!, secretId: match[2]! }
      : { prefix: "", secretId: entry };
    if (/\s/.test(source.secretId)) {
      throw new SecretsConfigError(
        `ZONKE_SECRET_ARNS entry "${entry}" contains blanks; use comma-separated ARNs, each optionally as PREFIX=arn:...`,
      );
    }
    if (seen.has(source.secretId)) {
      throw new SecretsConfigError(`ZONKE_SECRET_ARNS lists ${source.secretId} twice`);
    }
    seen.add(source.secretId);
    sources.push(source);
  }
  return sources;
}

function parseJsonList(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretsConfigError(
      "ZONKE_SECRET_ARNS starts with [ but is not a JSON array; use a JSON array of strings or comma-separated ARNs",
    );
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
    throw new SecretsConfigError(
      "ZONKE_SECRET_ARNS must be a JSON array of strings (ARNs, each optionally as PREFIX=arn:...)",
    );
  }
  return parsed;
}
