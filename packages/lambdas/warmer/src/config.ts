import { MAX_WARM_DELAY_MS } from "@zonke/lambda-runtime";

/** One function to keep warm: `count` instances of `functionName` (at `qualifier`, if given). */
export interface WarmTarget {
  readonly functionName: string;
  /** Version or alias. @default - the unqualified function ($LATEST) */
  readonly qualifier?: string;
  readonly count: number;
}

export interface WarmerConfig {
  readonly targets: readonly WarmTarget[];
  /** How long each instance holds its answer, so that parallel invokes land on distinct instances. */
  readonly delayMs: number;
}

export const MAX_COUNT = 50;
export const DEFAULT_DELAY_MS = 1000;
/**
 * Every invoke of a run holds a socket until its answer: Lambda allows 1,024 file descriptors, so a
 * run stays well below that.
 */
export const MAX_INVOKES_PER_RUN = 500;

/** A config mistake, named after the variable (or event field) it was read from. */
export class WarmerConfigError extends Error {
  override name = "WarmerConfigError";
}

// Lambda's own pattern for FunctionName (name, partial ARN or ARN) and for Qualifier.
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const MAX_FUNCTION_NAME_LENGTH = 140;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9$_-]{1,128})$/;
const TARGET_KEYS = new Set(["functionName", "qualifier", "count"]);

/** Reads WARMER_TARGETS and WARMER_DELAY_MS; throws WarmerConfigError on anything invalid. */
export function readWarmerConfig(env: NodeJS.ProcessEnv): WarmerConfig {
  const raw = env["WARMER_TARGETS"];
  if (raw === undefined || raw.trim() === "") {
    throw new WarmerConfigError(
      `WARMER_TARGETS is ${raw === undefined ? "not set" : "empty"}: set it to a JSON array of ` +
        `{"functionName": string, "qualifier"?: string, "count": 1..${MAX_COUNT}}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new WarmerConfigError(
      `WARMER_TARGETS is not valid JSON (${(error as Error).message}): ${quote(raw)}`,
    );
  }
  return { targets: parseTargets(json, "WARMER_TARGETS"), delayMs: readDelayMs(env) };
}

function readDelayMs(env: NodeJS.ProcessEnv): number {
  const raw = env["WARMER_DELAY_MS"];
  if (raw === undefined) return DEFAULT_DELAY_MS;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < 0 || value > MAX_WARM_DELAY_MS) {
    throw new WarmerConfigError(
      `WARMER_DELAY_MS is ${quote(JSON.stringify(raw))}: use a whole number of milliseconds from 0 to ` +
        `${MAX_WARM_DELAY_MS} (default ${DEFAULT_DELAY_MS})`,
    );
  }
  return value;
}

/**
 * Checks a target list read from `source` (the variable or event field, used in messages): a
 * non-empty array of distinct targets, each with exactly the known keys.
 */
export function parseTargets(json: unknown, source: string): WarmTarget[] {
  if (!Array.isArray(json) || json.length === 0) {
    throw new WarmerConfigError(
      `${source} must be a non-empty JSON array of targets; got ${quote(JSON.stringify(json))}`,
    );
  }
  const targets = json.map((entry, index) => parseTarget(entry, `${source}[${index}]`));
  const seen = new Set<string>();
  targets.forEach((target, index) => {
    const key = `${target.functionName}:${target.qualifier ?? ""}`;
    if (seen.has(key)) {
      throw new WarmerConfigError(
        `${source}[${index}] repeats ${describeTarget(target)}: list each function and qualifier ` +
          `once (their invokes would overlap and count each other's instances)`,
      );
    }
    seen.add(key);
  });
  const invokes = targets.reduce((sum, target) => sum + target.count, 0);
  if (invokes > MAX_INVOKES_PER_RUN) {
    throw new WarmerConfigError(
      `${source} asks for ${invokes} instances in total; one run sends at most ` +
        `${MAX_INVOKES_PER_RUN} invokes (each holds a socket until it answers)`,
    );
  }
  return targets;
}

function parseTarget(entry: unknown, at: string): WarmTarget {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new WarmerConfigError(
      `${at} is ${quote(JSON.stringify(entry))}: each target is an object ` +
        `{"functionName": string, "qualifier"?: string, "count": 1..${MAX_COUNT}}`,
    );
  }
  const fields = entry as Record<string, unknown>;
  const unknownKeys = Object.keys(fields).filter((key) => !TARGET_KEYS.has(key));
  if (unknownKeys.length > 0) {
    throw new WarmerConfigError(
      `${at} has unknown key(s) ${unknownKeys.map((key) => JSON.stringify(key)).join(", ")}: ` +
        `the allowed keys are "functionName", "qualifier" and "count"`,
    );
  }
  const { functionName, qualifier, count } = fields;
  if (
    typeof functionName !== "string" ||
    functionName.length > MAX_FUNCTION_NAME_LENGTH ||
    !FUNCTION_NAME.test(functionName)
  ) {
    throw new WarmerConfigError(
      `${at}.functionName is ${quote(JSON.stringify(functionName))}: use a Lambda function ` +
        `name or ARN (letters, digits, "-", "_", at most ${MAX_FUNCTION_NAME_LENGTH} characters)`,
    );
  }
  if (qualifier !== undefined && (typeof qualifier !== "string" || !QUALIFIER.test(qualifier))) {
    throw new WarmerConfigError(
      `${at}.qualifier is ${quote(JSON.stringify(qualifier))}: use a version number, an alias ` +
        `name or "$LATEST" (letters, digits, "-", "_", at most 128 characters), or leave it out`,
    );
  }
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw new WarmerConfigError(
      `${at}.count is ${quote(JSON.stringify(count))}: use a whole number from 1 to ${MAX_COUNT}`,
    );
  }
  return qualifier === undefined ? { functionName, count } : { functionName, qualifier, count };
}

export function describeTarget(target: Pick<WarmTarget, "functionName" | "qualifier">): string {
  return target.qualifier ? `${target.functionName}:${target.qualifier}` : target.functionName;
}

/** Bad values appear in messages, shortened: a pasted config can be long. */
function quote(value: string | undefined): string {
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
