/**
 * The outputs of an app's stack that the pipeline commands read (`terraform output -json` in the
 * stack's folder), typed and checked:
 *
 * - `release`: what `zonke release` moves traffic to: `{ lambda: [{ functionName, alias, version,
 *   healthCheckPath }], ecs: [{ cluster, service, taskDefinitionArn, containerName }] }`.
 * - `migration` (apps with a database): the migrator's UserParameters object
 *   (packages/lambdas/migrator/README.md), passed on as MIGRATION_PARAMETERS.
 * - `assets_bucket`, `distribution_id` (apps with a CDN and an assets bucket).
 *
 * Output values can be sensitive: nothing here prints one, except where a caller says so.
 */
import { UsageError } from "../errors";

/** Output name -> value, from `terraform output -json`. */
export type StackOutputs = Readonly<Record<string, unknown>>;

export interface LambdaRelease {
  readonly functionName: string;
  /** The alias that serves traffic (`live`). */
  readonly alias: string;
  /** The version the apply published: where the alias should point. */
  readonly version: string;
  /** The path the probe GETs after the alias moved. @default "/" when the output has none */
  readonly healthCheckPath: string;
}

export interface EcsRelease {
  readonly cluster: string;
  readonly service: string;
  /** The task definition revision the apply registered (its ARN). */
  readonly taskDefinitionArn: string;
  readonly containerName: string;
}

export interface ReleaseOutput {
  readonly lambda: readonly LambdaRelease[];
  readonly ecs: readonly EcsRelease[];
}

/** Parses `terraform output -json`: `{ name: { value, type, sensitive } }`. */
export function parseOutputs(json: string, stack: string): StackOutputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json === "" ? "{}" : json);
  } catch {
    throw new UsageError(`terraform output -json in ${stack} printed no JSON`);
  }
  if (!isRecord(parsed))
    throw new UsageError(`terraform output -json in ${stack} printed no object`);
  const outputs: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(parsed)) {
    if (isRecord(entry) && "value" in entry) outputs[name] = entry["value"];
  }
  return outputs;
}

/** A string output, or undefined when the stack has none (or it is empty). */
export function stringOutput(outputs: StackOutputs, name: string): string | undefined {
  const value = outputs[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * MIGRATION_PARAMETERS: the `migration` output as compact JSON (an object, or a string holding
 * JSON), or "" when the stack has no migration (an app without a database).
 */
export function migrationParameters(outputs: StackOutputs, stack: string): string {
  const value = outputs["migration"];
  if (value === undefined || value === null || value === "") return "";
  let object: unknown = value;
  if (typeof value === "string") {
    try {
      object = JSON.parse(value);
    } catch {
      throw new UsageError(`the output migration of ${stack} is a string that is not JSON`);
    }
  }
  if (!isRecord(object)) {
    throw new UsageError(
      `the output migration of ${stack} is not an object (the migrator's UserParameters); deploy the stack with this version of zonke`,
    );
  }
  return JSON.stringify(object);
}

/** The `release` output, checked; undefined when the stack has none. */
export function releaseOutput(outputs: StackOutputs, stack: string): ReleaseOutput | undefined {
  const value = outputs["release"];
  if (value === undefined || value === null) return undefined;
  const where = `the output release of ${stack}`;
  const bad = (field: string, want: string) =>
    new UsageError(
      `${where} is not what this zonke reads: ${field} ${want}; deploy the stack with this version of zonke`,
    );
  if (!isRecord(value)) throw bad("it", "must be an object { lambda, ecs }");
  const list = (key: "lambda" | "ecs") => {
    const items = value[key] ?? [];
    if (!Array.isArray(items)) throw bad(key, "must be a list");
    return items.map((item: unknown, index) => {
      if (!isRecord(item)) throw bad(`${key}[${index}]`, "must be an object");
      return { item, at: `${key}[${index}]` };
    });
  };
  const text = (item: Record<string, unknown>, at: string, field: string): string => {
    const v = item[field];
    if (typeof v === "number" && Number.isInteger(v)) return String(v);
    if (typeof v !== "string" || v.trim() === "") throw bad(`${at}.${field}`, "must be a string");
    return v;
  };
  const lambda = list("lambda").map(({ item, at }): LambdaRelease => {
    const version = text(item, at, "version");
    if (!/^\d+$/.test(version)) {
      throw bad(`${at}.version`, `must be a published version number (got "${version}")`);
    }
    const health = item["healthCheckPath"] ?? "/";
    if (typeof health !== "string" || !health.startsWith("/")) {
      throw bad(`${at}.healthCheckPath`, 'must be a path starting with "/"');
    }
    return {
      functionName: text(item, at, "functionName"),
      alias: text(item, at, "alias"),
      version,
      healthCheckPath: health,
    };
  });
  const ecs = list("ecs").map(({ item, at }): EcsRelease => ({
    cluster: text(item, at, "cluster"),
    service: text(item, at, "service"),
    taskDefinitionArn: text(item, at, "taskDefinitionArn"),
    containerName: text(item, at, "containerName"),
  }));
  return { lambda, ecs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
