import { reservedSecretKey, SECRET_KEY_PATTERN, SECRET_KEY_RULE } from "@zonke/stacks";
import { UsageError } from "../errors";

/** A key and where it was given (`argument 2`, `.env line 7`), for messages. */
export interface KeySource {
  readonly key: string;
  readonly source?: string;
}

/**
 * Why `key` cannot be a secret key, or undefined when it can. Keys follow the config schema's
 * rules for `apps[].secrets` (@zonke/stacks): environment variable names of at most 128
 * characters, and none of the names the platform sets itself (`AWS_*`, `ZONKE_*`, `DB_*`,
 * `NODE_ENV`: `reservedSecretKey`).
 */
export function keyProblem(key: string): string | undefined {
  if (key.length > 128) {
    return `${key.slice(0, 32)}... is ${key.length} characters long; keys have at most 128`;
  }
  if (!SECRET_KEY_PATTERN.test(key)) return `${key} ${SECRET_KEY_RULE}`;
  const reserved = reservedSecretKey(key);
  return reserved === undefined ? undefined : `${key} ${reserved}`;
}

export interface CheckKeysOptions {
  /** Keys already in the secret pass, so that `unset` and `get` reach keys written by hand. */
  readonly existing?: ReadonlySet<string>;
  /** Say "nothing was changed" (the command would have changed the secret). */
  readonly changing: boolean;
}

/** Checks every key at once; throws one UsageError naming each bad key and where it came from. */
export function checkKeys(keys: readonly (string | KeySource)[], options: CheckKeysOptions): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const item of keys) {
    const { key, source } = typeof item === "string" ? { key: item, source: undefined } : item;
    if (seen.has(key) || options.existing?.has(key)) continue;
    seen.add(key);
    const problem = keyProblem(key);
    if (problem) problems.push(source ? `${problem} (${source})` : problem);
  }
  const suffix = options.changing ? "; nothing was changed" : "";
  if (problems.length === 1) throw new UsageError(`bad key name: ${problems[0]}${suffix}`);
  if (problems.length > 1) {
    throw new UsageError(
      `${problems.length} bad key names${suffix}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}
