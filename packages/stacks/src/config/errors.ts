import type { z } from "zod";
import { ValidationError } from "@zonke/modules";

/** A config that cannot be used; `problems` holds one line per bad field. */
export class ConfigError extends ValidationError {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${source} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** `["apps", 0, "warm"]` -> `apps[0].warm`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(key))) out += `${out ? "." : ""}${String(key)}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(config)";
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One readable line per zod issue: the field path, the bad value and what is allowed. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === "unrecognized_keys") {
      return `${path}: unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (check the spelling)`;
    }
    if (issue.input === undefined && issue.code !== "custom") {
      return `${path} is missing: it ${issue.message}`;
    }
    const isShown =
      issue.input !== undefined &&
      (typeof issue.input !== "object" || issue.input === null || Array.isArray(issue.input));
    return isShown
      ? `${path} = ${show(issue.input)}: ${issue.message}`
      : `${path}: ${issue.message}`;
  });
}
