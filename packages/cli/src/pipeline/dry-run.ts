/**
 * `zonke pipeline dry-run --env E --app A`: one full run of the app's pipeline, without touching
 * AWS. It synthesises the app's pipeline stack (pipelines only, in a temporary folder), reads it
 * (./definition.ts), and for each
 * stage in order prints a header and what the stage does:
 *
 * - a CodeBuild action: its buildspec's commands in phase order. A command that starts with
 *   `npx zonke ` runs for real, as a child process with `--dry-run` appended, with the variables
 *   CodeBuild would give it; its output is shown indented under it, and a non-zero exit fails the
 *   dry run (exit 1, naming the command): that proves the generated buildspecs only use commands
 *   and options the CLI has. Other commands are shown as "would run".
 * - Source, Approval, a Lambda invoke (Migrate), anything else: described from its configuration.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StepFailedError } from "../build/errors";
import { loadSelectedConfig, stackOwner, synthesise } from "../plan/stacks";
import type { PipelineDryRunCommand } from "./args";
import { BuildspecError, parseBuildspec, type Buildspec } from "./buildspec";
import {
  actionVariables,
  readPipelineStack,
  type PipelineAction,
  type PipelineDefinition,
} from "./definition";
import { noPipelineStack } from "./stacks";
import { splitCommand } from "./words";
import { UsageError } from "../errors";

export interface DryRunIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export interface DryRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * How `npx zonke` runs: the executable and its first arguments.
   * @default this CLI: node and its dist/main.js
   */
  readonly zonke?: readonly string[];
}

/** Stands in for `#{codepipeline.PipelineExecutionId}` (CodePipeline's execution ids are UUIDs). */
export const DRY_RUN_EXECUTION_ID = "00000000-0000-4000-8000-000000000000";

/** `npx zonke ...` (also `npx --no-install zonke ...`) */
const ZONKE_COMMAND = /^npx\s+(?:(?:--no-install|--yes|-y)\s+)?zonke(?:\s|$)/;

export async function runPipelineDryRun(
  command: PipelineDryRunCommand,
  io: DryRunIo,
  options: DryRunOptions,
): Promise<number> {
  const { cwd } = options;
  const loaded = loadSelectedConfig(
    command.config,
    { environments: [command.env], apps: [command.app] },
    cwd,
  );
  // Its own folder: the synthesis of the pipeline stacks must not replace cdktf.out's.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-pipeline-dry-run-"));
  const out = (line = "") => io.stdout.write(`${line}\n`);
  let definition: PipelineDefinition;
  try {
    const { stacks } = synthesise(
      loaded,
      { environments: [command.env], apps: [command.app], pipelinesOnly: true },
      outdir,
    );
    const pipelineStack = stacks.find((s) => stackOwner(s.name, loaded.config).part === "pipeline");
    if (!pipelineStack) throw noPipelineStack(loaded, command.env, command.app);
    const file = path.join(pipelineStack.dir, "cdk.tf.json");
    definition = readPipelineStack(file, `${pipelineStack.name}/cdk.tf.json`);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  out(
    `pipeline ${definition.name} (synthesised from ${path.relative(cwd, loaded.file) || loaded.file}): ${definition.stages.length} stages, dry run`,
  );

  // The buildspecs use the repository's default config; a dry run of another one passes it on.
  const configEnv = command.config ? { ZONKE_CONFIG: path.resolve(cwd, command.config) } : {};
  const failures = await showRun(definition, {
    out,
    root: loaded.root,
    options: { ...options, env: { ...options.env, ...configEnv } },
  });
  out();
  if (failures.length > 0) {
    throw new StepFailedError(
      `pipeline dry run failed: ${failures.length} command${failures.length > 1 ? "s" : ""} of ${definition.name} failed: ${failures.join("; ")}`,
    );
  }
  out(
    `dry run of ${definition.name} done: every zonke command of its buildspecs ran with --dry-run`,
  );
  return 0;
}

export interface ShowRunContext {
  readonly out: (line?: string) => void;
  /** Where buildspec files are read from (the repository root). */
  readonly root: string;
  /** The environment, working directory and zonke command the buildspec commands run with. */
  readonly options: DryRunOptions;
}

/**
 * Shows one run of `definition`, stage by stage, dry-running its zonke commands; returns the
 * failures (each naming its stage and command), empty when every command succeeded.
 */
export async function showRun(
  definition: PipelineDefinition,
  context: ShowRunContext,
): Promise<string[]> {
  const { out, options } = context;
  const commit = commitOf(options.cwd, options.env);
  const failures: string[] = [];
  for (const [index, stage] of definition.stages.entries()) {
    for (const action of stage.actions) {
      out();
      out(
        `== ${index + 1}/${definition.stages.length} ${stage.name}${stage.actions.length > 1 || action.name !== stage.name ? `: ${action.name}` : ""} (${describeKind(action)})`,
      );
      if (action.provider === "CodeBuild") {
        failures.push(
          ...(await codeBuildAction(action, {
            out,
            commit,
            root: context.root,
            options,
            stage: action.name === stage.name ? stage.name : `${stage.name}/${action.name}`,
          })),
        );
      } else {
        for (const line of describeAction(action, definition)) out(`   ${line}`);
      }
    }
  }
  return failures;
}

function describeKind(action: PipelineAction): string {
  if (action.provider === "CodeBuild") {
    return `CodeBuild project ${action.project?.name ?? action.configuration["ProjectName"] ?? "?"}`;
  }
  return `${action.category}: ${action.owner} ${action.provider}`;
}

/** What a non-CodeBuild action does, in a few lines. */
export function describeAction(action: PipelineAction, definition: PipelineDefinition): string[] {
  const c = action.configuration;
  const lines: string[] = [];
  if (action.provider === "CodeStarSourceConnection") {
    lines.push(`connection   ${describeConnection(c["ConnectionArn"] ?? "", definition)}`);
    lines.push(`repository   ${c["FullRepositoryId"] ?? "?"}, branch ${c["BranchName"] ?? "?"}`);
    const triggers = definition.triggers.filter(
      (t) => t.sourceAction === undefined || t.sourceAction === action.name,
    );
    for (const trigger of triggers) {
      const filters = [
        trigger.includes.length > 0 ? `that change ${trigger.includes.join(", ")}` : "",
        trigger.excludes.length > 0 ? `(not only ${trigger.excludes.join(", ")})` : "",
      ].filter(Boolean);
      lines.push(
        `starts on    pushes to ${trigger.branches.join(", ") || "any branch"}${filters.length > 0 ? ` ${filters.join(" ")}` : ""}`,
      );
    }
    if (triggers.length === 0)
      lines.push("starts on    any change to the branch (no trigger filters)");
    lines.push(
      `output       ${action.outputArtifacts.join(", ") || "none"}${c["OutputArtifactFormat"] === "CODEBUILD_CLONE_REF" ? " (a git clone of the commit)" : ""}`,
    );
  } else if (action.category === "Approval") {
    lines.push(`waits for a person to approve: ${c["CustomData"] ?? "(no comment)"}`);
    if (c["NotificationArn"]) lines.push(`notifies     ${c["NotificationArn"]}`);
  } else if (action.provider === "Lambda") {
    lines.push(`invokes      Lambda function ${c["FunctionName"] ?? "?"}`);
    lines.push(`with         UserParameters ${c["UserParameters"] ?? "(none)"}`);
    const variables = [...(c["UserParameters"] ?? "").matchAll(/#\{([^}]+)\}/g)].map((m) => m[1]);
    if (variables.length > 0) {
      lines.push(
        `             (${variables.join(", ")}: set by earlier actions when the pipeline runs)`,
      );
    }
  } else {
    for (const [key, value] of Object.entries(c)) lines.push(`${key.padEnd(12)} ${value}`);
  }
  return lines;
}

/** The source connection: an ARN, one this stack makes, or one another stack makes. */
function describeConnection(arn: string, definition: PipelineDefinition): string {
  const pending = "PENDING until someone completes the handshake once in the console";
  const own = /^\$\{aws_codestarconnections_connection\.([^.}]+)\.(?:arn|id)\}$/.exec(arn);
  if (own) {
    const connection = definition.connections[own[1]!];
    return `a new ${connection?.providerType ?? ""} connection${connection?.name ? ` "${connection.name}"` : ""} made by this stack (${pending})`;
  }
  const other =
    /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([^.}]+)\.outputs\.([^}]+)\}$/.exec(
      arn,
    );
  if (other) {
    const made = other[2]!.includes("aws_codestarconnections_connection")
      ? `made by stack ${other[1]} (${pending})`
      : `an output of stack ${other[1]}`;
    return `the connection ${made}, read from its state`;
  }
  return arn;
}

interface ActionContext {
  readonly out: (line?: string) => void;
  readonly commit: string;
  readonly root: string;
  readonly options: DryRunOptions;
  readonly stage: string;
}

/** Shows (and dry-runs) a CodeBuild action's buildspec; returns its failures. */
async function codeBuildAction(action: PipelineAction, context: ActionContext): Promise<string[]> {
  const { out } = context;
  const project = action.project;
  if (!project) {
    out(
      `   project ${action.configuration["ProjectName"] ?? "?"} is not in this stack: nothing to show`,
    );
    return [`${context.stage}: its CodeBuild project is not in the stack`];
  }
  let buildspec: Buildspec;
  try {
    buildspec = parseBuildspec(buildspecText(project.buildspec, context.root));
  } catch (error) {
    const why =
      error instanceof BuildspecError || error instanceof UsageError
        ? error.message
        : String(error);
    out(`   buildspec: ${why}`);
    return [`${context.stage}: its buildspec cannot be read (${why})`];
  }

  // What CodeBuild gives the commands: the project's variables, the action's (which win), the
  // buildspec's env.variables, and its own (the commit).
  const variables: Record<string, string> = {
    ...project.environment,
    ...Object.fromEntries(
      actionVariables(action)
        .filter((v) => v.type === "PLAINTEXT")
        .map((v) => [
          v.name,
          v.value.replace(/#\{codepipeline\.PipelineExecutionId\}/g, DRY_RUN_EXECUTION_ID),
        ]),
    ),
    ...buildspec.variables,
    CODEBUILD_RESOLVED_SOURCE_VERSION: context.commit,
  };
  const shownVariables = Object.entries(variables).filter(
    ([name]) => !name.startsWith("CODEBUILD_"),
  );
  if (shownVariables.length > 0) {
    out(`   variables    ${shownVariables.map(([k, v]) => `${k}=${v}`).join(" ")}`);
  }
  out(
    `   inputs       ${action.inputArtifacts.join(", ") || "none"}${action.configuration["PrimarySource"] ? ` (works in ${action.configuration["PrimarySource"]})` : ""}`,
  );

  const failures: string[] = [];
  for (const phase of buildspec.phases) {
    out(`   ${phase.name}:`);
    if (phase.runtimeVersions) {
      out(
        `     runtime ${Object.entries(phase.runtimeVersions)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
      );
    }
    for (const [kind, commands] of [
      ["", phase.commands],
      ["finally: ", phase.finally],
    ] as const) {
      for (const line of commands) {
        const failure = await runLine(line, variables, context, kind);
        if (failure) failures.push(`${context.stage}: \`${line}\` ${failure}`);
      }
    }
  }
  if (buildspec.exportedVariables.length > 0) {
    out(
      `   exports      ${buildspec.exportedVariables.map((v) => `#{${action.namespace ?? "?"}.${v}}`).join(", ")}`,
    );
  }
  if (buildspec.artifacts) {
    const { files, baseDirectory, excludes } = buildspec.artifacts;
    out(
      `   artifact     ${action.outputArtifacts.join(", ") || "(none named)"}: ${files.join(", ")}${baseDirectory ? ` in ${baseDirectory}` : ""}${excludes.length > 0 ? `, without ${excludes.join(", ")}` : ""}`,
    );
  }
  return failures;
}

/** Runs one buildspec line (a zonke command with --dry-run) or says it would run; the failure. */
async function runLine(
  line: string,
  variables: Readonly<Record<string, string>>,
  context: ActionContext,
  kind: string,
): Promise<string | undefined> {
  const { out, options } = context;
  if (!ZONKE_COMMAND.test(line.trim())) {
    out(`     ${kind}would run: ${line}`);
    return undefined;
  }
  const env = { ...options.env, ...variables };
  const split = splitCommand(line.trim(), env);
  if ("problem" in split) {
    out(`     ${kind}$ ${line}`);
    out(`       cannot be dry-run: it uses ${split.problem}`);
    return `cannot be dry-run (it uses ${split.problem})`;
  }
  const zonkeAt = split.words.indexOf("zonke");
  const args = [...split.words.slice(zonkeAt + 1), "--dry-run"];
  out(`     ${kind}$ ${line.trim()} --dry-run`);
  for (const name of split.unset) out(`       note: $${name} is not set in a dry run`);
  const zonke = options.zonke ?? [process.execPath, path.join(__dirname, "..", "main.js")];
  const result = await runChild([...zonke, ...args], options.cwd, env);
  for (const printed of result.stdout.split("\n").filter((l) => l.trim() !== "")) {
    out(`       ${printed}`);
  }
  if (result.code !== 0) {
    const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
    for (const printed of lines.slice(-5)) out(`       ! ${printed}`);
    const reason = lines.filter((l) => l.startsWith("zonke: ")).at(-1) ?? lines.at(-1) ?? "";
    return `exited ${result.code ?? result.signal}${reason ? ` (${reason})` : ""}`;
  }
  return undefined;
}

function runChild(
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));
    child.once("error", (error) =>
      resolve({ code: 127, signal: null, stdout: "", stderr: `zonke: ${error.message}` }),
    );
    child.once("close", (code, signal) =>
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}

/** The buildspec's text: inline, or a file of the repository (a `.yml` path). */
function buildspecText(buildspec: string | undefined, root: string): string {
  if (buildspec === undefined || buildspec.trim() === "") {
    throw new BuildspecError(
      "the project has no buildspec (CodeBuild would look for buildspec.yml in the source)",
    );
  }
  if (buildspec.includes("\n") || !/\.ya?ml$/.test(buildspec.trim())) return buildspec;
  const file = path.resolve(root, buildspec.trim());
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new BuildspecError(`the buildspec file ${buildspec.trim()} is not in the repository`);
  }
}

/** The commit CodeBuild would build: $CODEBUILD_RESOLVED_SOURCE_VERSION, git's HEAD, or zeros. */
function commitOf(cwd: string, env: NodeJS.ProcessEnv): string {
  const given = env["CODEBUILD_RESOLVED_SOURCE_VERSION"]?.trim();
  if (given) return given;
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", timeout: 10_000 });
  const sha = head.status === 0 ? head.stdout.trim() : "";
  return /^[0-9a-f]{40}$/.test(sha) ? sha : "0".repeat(40);
}
