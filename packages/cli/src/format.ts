import { valueLength, type SecretValues } from "./secrets/document";
import type { SecretSnapshot, UpdateResult } from "./secrets/store";
import { serverPlacement } from "./restart/servers";
import type { ResolvedTarget } from "./target";

/**
 * Everything the CLI prints about values goes through here: a fixed mask and a length, never a
 * character of the value.
 */
export const MASK = "********";

export function maskedValue(value: string | number | boolean): string {
  return `${MASK} (${characters(valueLength(value))})`;
}

/** `zonke secrets list`: keys with masked values, when the value changed, declared vs set. */
export function formatList(snapshot: SecretSnapshot, target: ResolvedTarget): string[] {
  const keys = Object.keys(snapshot.values);
  const declared = new Set(target.declaredKeys);
  const lines = [`${snapshot.name} (${target.region}, account ${target.account})`];
  if (snapshot.versionId === undefined) {
    lines.push("no value yet: the secret exists, but nothing has been set");
  } else {
    lines.push(
      `value last changed ${formatTime(snapshot.changedAt)} (version ${snapshot.versionId})`,
    );
  }
  if (keys.length > 0) {
    const width = Math.max(3, ...keys.map((key) => key.length));
    lines.push("", `${"KEY".padEnd(width)}  VALUE`);
    for (const key of keys) {
      const note = declared.has(key) ? "" : "  (undeclared)";
      lines.push(`${key.padEnd(width)}  ${maskedValue(snapshot.values[key]!)}${note}`);
    }
  }
  const { missing, undeclared } = compareWithConfig(snapshot.values, target);
  if (missing.length > 0 || undeclared.length > 0) lines.push("");
  if (missing.length > 0) {
    lines.push(`missing: ${missing.join(", ")} (${missingNote(target)})`);
  }
  if (undeclared.length > 0) {
    lines.push(`undeclared: ${undeclared.join(", ")} (${undeclaredNote(target)})`);
  }
  if (keys.length > 0 && missing.length === 0 && undeclared.length === 0) {
    lines.push("", `every key declared in ${target.configName} is set`);
  }
  return lines;
}

/** Why a declared key that is not set matters, for where the app's server runs. */
export function missingNote(target: ResolvedTarget): string {
  const consequence =
    serverPlacement(target).kind === "ecs"
      ? "ECS tasks do not start while a declared key is missing"
      : "the app finds them unset";
  return `declared in ${target.configName}, not set: ${consequence}`;
}

/** What happens to keys the config does not declare, for where the app's server runs. */
export function undeclaredNote(target: ResolvedTarget): string {
  const consequence =
    serverPlacement(target).kind === "ecs"
      ? "ECS tasks receive declared keys only, so declare them and deploy"
      : "the server loads every key of the secret all the same";
  return `set, not declared in ${target.configName} apps "${target.app.name}" secrets: ${consequence}`;
}

/** The declared keys that are not set, and the set keys that are not declared. */
export function compareWithConfig(
  values: SecretValues,
  target: ResolvedTarget,
): { missing: string[]; undeclared: string[] } {
  const declared = new Set(target.declaredKeys);
  return {
    missing: target.declaredKeys.filter((key) => !Object.hasOwn(values, key)),
    undeclared: Object.keys(values).filter((key) => !declared.has(key)),
  };
}

/** `zonke secrets get KEY` without --reveal. */
export function formatKeyStatus(key: string, value: string | number | boolean): string {
  return `${key} is set (${characters(valueLength(value))}); use --reveal to print it`;
}

/** What `set` or `unset` did, by key name. */
export function formatChange(
  result: UpdateResult,
  change: { readonly set?: readonly string[]; readonly removed?: readonly string[] },
  target: ResolvedTarget,
): string[] {
  const where = `${target.names.secret} (${target.region})`;
  if (!result.changed) {
    return [
      `nothing changed: ${where} already has ${change.set ? "these values" : "none of these keys"}`,
    ];
  }
  const parts = [
    change.set?.length ? `set ${change.set.join(", ")}` : undefined,
    change.removed?.length ? `removed ${change.removed.join(", ")}` : undefined,
  ].filter(Boolean);
  const lines = [`${parts.join("; ")} in ${where}: version ${result.versionId}`];
  if (result.attempts > 1) {
    lines.push(
      `(other changes landed meanwhile: applied on top of them, after ${result.attempts} attempts)`,
    );
  }
  return lines;
}

export function formatTime(date: Date | undefined): string {
  if (date === undefined) return "(unknown)";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function characters(count: number): string {
  return `${count} character${count === 1 ? "" : "s"}`;
}
