/**
 * An app's delivery pipeline as synthesised (`cdktf.out/stacks/<project>-<env>-<app>-pipeline/
 * cdk.tf.json`): its `aws_codepipeline` resource's stages and actions in order, each CodeBuild
 * action's `aws_codebuild_project` (whose `source.buildspec` is the generated buildspec) and
 * variables, and the Source action's trigger. Read as Terraform JSON: cdktf writes attribute names
 * in snake_case (`input_artifacts`, `environment_variable`), configuration keys as given
 * (`ProjectName`), and references as `${<type>.<name>.<attribute>}`.
 */
import * as fs from "node:fs";
import { UsageError } from "../errors";

export interface PipelineDefinition {
  /** The pipeline's name (`name` of the aws_codepipeline). */
  readonly name: string;
  readonly stages: readonly PipelineStage[];
  /** What starts it: each trigger's branches and file path filters. */
  readonly triggers: readonly PipelineTrigger[];
  /** The CodeStar connections the stack creates, by resource name. */
  readonly connections: Readonly<Record<string, { name?: string; providerType?: string }>>;
}

export interface PipelineStage {
  readonly name: string;
  readonly actions: readonly PipelineAction[];
}

export interface PipelineAction {
  readonly name: string;
  readonly category: string;
  readonly owner: string;
  readonly provider: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly inputArtifacts: readonly string[];
  readonly outputArtifacts: readonly string[];
  readonly namespace?: string;
  readonly runOrder: number;
  /** For a CodeBuild action: its project. */
  readonly project?: BuildProject;
}

export interface BuildProject {
  /** The Terraform resource name (`aws_codebuild_project.<resource>`). */
  readonly resource: string;
  readonly name: string;
  /** `source.buildspec`: inline YAML or JSON, or the path of a buildspec file in the repository. */
  readonly buildspec: string | undefined;
  /** The project's plain-text environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  readonly privileged: boolean;
}

export interface PipelineTrigger {
  readonly sourceAction?: string;
  readonly branches: readonly string[];
  readonly includes: readonly string[];
  readonly excludes: readonly string[];
}

type Json = Record<string, unknown>;

/** Reads and parses a synthesised pipeline stack; UsageError when it is missing or unreadable. */
export function readPipelineStack(file: string, shown: string): PipelineDefinition {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UsageError(`${shown}: ${missing ? "no such file" : "not valid JSON"}`);
  }
  return parsePipelineStack(json, shown);
}

/** The pipeline in a stack's Terraform JSON; exactly one aws_codepipeline. */
export function parsePipelineStack(json: unknown, shown: string): PipelineDefinition {
  const resources = (object(json)["resource"] ?? {}) as Json;
  const pipelines = Object.entries(object(resources["aws_codepipeline"]));
  if (pipelines.length !== 1) {
    throw new UsageError(`${shown}: expected one aws_codepipeline, found ${pipelines.length}`);
  }
  const pipeline = object(pipelines[0]![1]);
  const projects = Object.entries(object(resources["aws_codebuild_project"])).map(
    ([resource, value]) => project(resource, object(value)),
  );
  const findProject = (reference: string): BuildProject | undefined => {
    const byReference = /^\$\{aws_codebuild_project\.([^.}]+)\.(?:name|id)\}$/.exec(reference);
    return byReference
      ? projects.find((p) => p.resource === byReference[1])
      : projects.find((p) => p.name === reference);
  };
  const stages = array(pipeline["stage"]).map((value): PipelineStage => {
    const stage = object(value);
    const actions = array(stage["action"])
      .map((entry): PipelineAction => {
        const action = object(entry);
        const configuration = Object.fromEntries(
          Object.entries(object(action["configuration"])).map(([key, v]) => [key, String(v)]),
        );
        const found =
          action["provider"] === "CodeBuild" && configuration["ProjectName"]
            ? findProject(configuration["ProjectName"])
            : undefined;
        return {
          name: string(action["name"]),
          category: string(action["category"]),
          owner: string(action["owner"]),
          provider: string(action["provider"]),
          configuration,
          inputArtifacts: array(action["input_artifacts"]).map(String),
          outputArtifacts: array(action["output_artifacts"]).map(String),
          ...(typeof action["namespace"] === "string" ? { namespace: action["namespace"] } : {}),
          runOrder: typeof action["run_order"] === "number" ? action["run_order"] : 1,
          ...(found ? { project: found } : {}),
        };
      })
      // Actions of a stage run by run_order (equal orders in parallel); stable otherwise.
      .map((action, index) => ({ action, index }))
      .sort((a, b) => a.action.runOrder - b.action.runOrder || a.index - b.index)
      .map(({ action }) => action);
    return { name: string(stage["name"]), actions };
  });
  const triggers = array(pipeline["trigger"]).map((value): PipelineTrigger => {
    const git = object(object(value)["git_configuration"]);
    const pushes = array(git["push"]).map(object);
    const list = (key: "branches" | "file_paths", part: "includes" | "excludes") =>
      pushes.flatMap((push) => array(object(push[key])[part]).map(String));
    return {
      ...(typeof git["source_action_name"] === "string"
        ? { sourceAction: git["source_action_name"] }
        : {}),
      branches: list("branches", "includes"),
      includes: list("file_paths", "includes"),
      excludes: list("file_paths", "excludes"),
    };
  });
  const connections = Object.fromEntries(
    Object.entries(object(resources["aws_codestarconnections_connection"])).map(
      ([resource, value]) => {
        const connection = object(value);
        return [
          resource,
          {
            ...(typeof connection["name"] === "string" ? { name: connection["name"] } : {}),
            ...(typeof connection["provider_type"] === "string"
              ? { providerType: connection["provider_type"] }
              : {}),
          },
        ];
      },
    ),
  );
  return { name: string(pipeline["name"]), stages, triggers, connections };
}

function project(resource: string, value: Json): BuildProject {
  const source = object(value["source"]);
  const environment = object(value["environment"]);
  const variables = array(environment["environment_variable"]).map(object);
  return {
    resource,
    name: string(value["name"]),
    buildspec: typeof source["buildspec"] === "string" ? source["buildspec"] : undefined,
    environment: Object.fromEntries(
      variables
        .filter((v) => (v["type"] ?? "PLAINTEXT") === "PLAINTEXT")
        .map((v) => [string(v["name"]), String(v["value"] ?? "")]),
    ),
    privileged: environment["privileged_mode"] === true,
  };
}

function object(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function array(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  // Terraform JSON allows a single block where a list of blocks is expected.
  return typeof value === "object" && value !== null ? [value] : [];
}

function string(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** A CodeBuild action's `EnvironmentVariables` (a JSON list of {name, value, type}). */
export function actionVariables(
  action: PipelineAction,
): { name: string; value: string; type: string }[] {
  const text = action.configuration["EnvironmentVariables"];
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    return array(list)
      .map(object)
      .map((v) => ({
        name: string(v["name"]),
        value: String(v["value"] ?? ""),
        type: string(v["type"]) || "PLAINTEXT",
      }))
      .filter((v) => v.name !== "");
  } catch {
    return [];
  }
}
