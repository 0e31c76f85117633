/**
 * A CodeBuild buildspec (version 0.2), the part `zonke pipeline dry-run` shows: the commands of
 * each phase in the order CodeBuild runs them (install, pre_build, build, post_build; each
 * phase's `finally` commands after its own), the variables it sets and exports, and its artifacts.
 * The text is JSON (what zonke's stacks generate: YAML is a superset of JSON) or YAML.
 */
import { createRequire } from "node:module";

export const PHASES = ["install", "pre_build", "build", "post_build"] as const;

export interface Buildspec {
  readonly phases: readonly BuildPhase[];
  /** `env.variables`. */
  readonly variables: Readonly<Record<string, string>>;
  /** `env.exported-variables`: what later actions read as `#{<namespace>.<name>}`. */
  readonly exportedVariables: readonly string[];
  /** `artifacts`: what the action hands on. */
  readonly artifacts?: {
    readonly files: readonly string[];
    readonly baseDirectory?: string;
    readonly excludes: readonly string[];
  };
}

export interface BuildPhase {
  readonly name: string;
  readonly commands: readonly string[];
  readonly finally: readonly string[];
  /** install's `runtime-versions`, e.g. { nodejs: "22" }. */
  readonly runtimeVersions?: Readonly<Record<string, string>>;
}

export class BuildspecError extends Error {}

type Json = Record<string, unknown>;

/** Parses a buildspec's text (JSON or YAML). */
export function parseBuildspec(text: string): Buildspec {
  const json = parseText(text);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new BuildspecError("not a buildspec (expected an object with version and phases)");
  }
  const spec = json as Json;
  if (String(spec["version"]) !== "0.2") {
    throw new BuildspecError(`buildspec version ${JSON.stringify(spec["version"])}; expected 0.2`);
  }
  const phases = object(spec["phases"]);
  const env = object(spec["env"]);
  const artifacts = spec["artifacts"] === undefined ? undefined : object(spec["artifacts"]);
  return {
    phases: PHASES.filter((name) => phases[name] !== undefined).map((name) => {
      const phase = object(phases[name]);
      const runtimeVersions = object(phase["runtime-versions"]);
      return {
        name,
        commands: strings(phase["commands"]),
        finally: strings(phase["finally"]),
        ...(Object.keys(runtimeVersions).length > 0
          ? {
              runtimeVersions: Object.fromEntries(
                Object.entries(runtimeVersions).map(([k, v]) => [k, String(v)]),
              ),
            }
          : {}),
      };
    }),
    variables: Object.fromEntries(
      Object.entries(object(env["variables"])).map(([k, v]) => [k, String(v)]),
    ),
    exportedVariables: strings(env["exported-variables"]),
    ...(artifacts
      ? {
          artifacts: {
            files: strings(artifacts["files"]),
            ...(typeof artifacts["base-directory"] === "string"
              ? { baseDirectory: artifacts["base-directory"] }
              : {}),
            excludes: strings(artifacts["exclude-paths"]),
          },
        }
      : {}),
  };
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // YAML, then.
  }
  let yaml: { parse(text: string): unknown };
  try {
    yaml = createRequire(__filename)("yaml") as typeof yaml;
  } catch {
    throw new BuildspecError(
      "the buildspec is YAML and the yaml package is not installed (npm install yaml)",
    );
  }
  try {
    return yaml.parse(text);
  } catch (error) {
    throw new BuildspecError(`not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.map(String) : [];
}
