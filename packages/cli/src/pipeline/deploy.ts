/**
 * `zonke pipeline deploy --env E [--app A]...`: creates or updates apps' delivery pipelines. It
 * synthesises the environment's shared, registry and pipeline stacks, then plans (terraform init, plan -out, with the state lock), shows
 * the plans, asks, and applies, in two rounds, because the second reads the first's outputs:
 *
 * 1. the environment's `<project>-<env>-delivery` stack (the source connection and the deploy
 *    role every pipeline shares), when the config has it make them;
 * 2. per app, `<project>-<env>-<app>-registry` (when the app has an image) and
 *    `<project>-<env>-<app>-pipeline`.
 *
 * With `--self-update` (inside the pipeline, for its one app) there is no question and no
 * delivery stack (a shared stack holding the deploy role itself is applied by a person, never by
 * one app's pipeline): when the pipeline stack has changes, zonke applies them, starts a new
 * execution of the same commit (it runs the new definition) and stops the running one.
 *
 * Terraform is ../plan/planner.ts's (init, plan, show) and ../plan/terraform.ts's (apply,
 * output), as the deploy role when $ZONKE_DEPLOY_ROLE_ARN is set.
 */
import * as path from "node:path";
import { createInterface } from "node:readline";
import { terraformEnvironment } from "../aws/deploy-role";
import { StepFailedError } from "../build/errors";
import { displayPath, shellLine, stepText } from "../build/shell";
import { Steps, type StepIo } from "../steps";
import { UsageError } from "../errors";
import { checkDeployRoleAccount } from "../plan/command";
import type { StackPlan } from "../plan/model";
import { PLAN_FILE, planStacks, planStepsOf } from "../plan/planner";
import { renderPlanText } from "../plan/render";
import {
  composedStacks,
  loadSelectedConfig,
  synthesise,
  type SynthesisedStack,
} from "../plan/stacks";
import { hasChanges, summarizeStack } from "../plan/summary";
import { findTerraform, runTerraform, terraformErrors, type Terraform } from "../plan/terraform";
import type { PipelineDeployCommand } from "./args";
import { parsePipelineStack, readPipelineStack } from "./definition";
import { restartPipeline, SOURCE_ACTION, stopReason, type Restarter } from "./restart";
import { deliveryStacks } from "./stacks";

/** Asks the person at the terminal; resolves with the answer. */
export type Ask = (question: string) => Promise<string>;

export interface PipelineRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Tests only: a Terraform override file copied into every stack before init. */
  readonly terraformOverride?: string;
  /**
   * The terminal to confirm on; null: there is none.
   * @default standard input and error, when standard input is a terminal
   */
  readonly ask?: Ask | null;
  /** How a self-update restarts the pipeline. @default CodePipeline through the AWS SDK */
  readonly restart?: Restarter;
}

/** What a self-update is told by CodePipeline and CodeBuild about the run it is part of. */
interface PipelineRun {
  readonly pipelineName: string;
  readonly executionId: string;
  readonly commit: string;
}

const RUN_VARIABLES = {
  pipelineName: "ZONKE_PIPELINE_NAME",
  executionId: "ZONKE_PIPELINE_EXECUTION_ID",
  commit: "CODEBUILD_RESOLVED_SOURCE_VERSION",
} as const;

export async function runPipelineDeploy(
  command: PipelineDeployCommand,
  io: StepIo,
  options: PipelineRunOptions,
): Promise<number> {
  const { cwd } = options;
  const log = new Steps(io, command.dryRun);
  const loaded = loadSelectedConfig(
    command.config,
    { environments: [command.env], apps: command.apps },
    cwd,
  );
  const { config } = loaded;
  const environment = config.environments[command.env]!;
  const apps = command.apps.length > 0 ? command.apps : config.apps.map((app) => app.name);
  const run = command.selfUpdate ? pipelineRun(options.env) : undefined;
  const ask = command.selfUpdate || command.yes || command.dryRun ? undefined : terminal(options);
  if (!command.selfUpdate && !command.yes && !command.dryRun && ask === undefined) {
    throw new UsageError(
      "zonke pipeline deploy asks before it applies, and there is no terminal to ask on: pass --yes to apply without asking",
    );
  }

  // Terraform before synth: a missing one is found in a moment (exit 3).
  const found = command.dryRun ? undefined : findTerraform(options.env, cwd);
  const roleArn = checkDeployRoleAccount(options.env, loaded, command.env);
  if (roleArn) {
    log.step(
      stepText(
        `aws sts assume-role --role-arn ${roleArn} --role-session-name zonke-<unique> --region ${environment.region}`,
        "Terraform runs as this role",
      ),
    );
  }
  const terraform: Terraform | undefined = found && {
    ...found,
    env: await terraformEnvironment(found.env, environment.region),
  };

  const outdir = path.resolve(cwd, "cdktf.out");
  const shown = (file: string) => displayPath(file, cwd);
  log.step(
    stepText(
      [
        "npx",
        "zonke-synth",
        "--env",
        command.env,
        "--pipelines-only",
        ...(command.config ? ["--config", command.config] : []),
        "--out",
        shown(outdir),
        "--quiet",
      ],
      "in process, with @zonke/stacks",
    ),
  );
  // Every app's registry and pipeline, and the delivery stack (no app's): nothing else, so no
  // app needs to be built first.
  const everything = { environments: [command.env], apps: [], pipelinesOnly: true };
  const stacks = command.dryRun
    ? composedStacks(loaded, everything, outdir)
    : synthesise(loaded, everything, outdir).stacks;
  const picked = deliveryStacks(loaded, command.env, apps, command.apps.length > 0, stacks);
  for (const skipped of picked.skipped) log.note(`skipped: ${skipped}`);

  const context: RoundContext = { log, terraform, outdir, options, ask, dryRun: command.dryRun };
  if (run) {
    const app = picked.apps[0]!;
    checkPipelineName(app.pipeline, run, cwd);
    return selfUpdate(app.pipeline, app.registry, run, context, environment.region);
  }

  const applied = picked.delivery
    ? await round([picked.delivery], context, `the ${command.env} environment's delivery stack`)
    : [];
  const appStacks = picked.apps.flatMap((app) => [
    ...(app.registry ? [app.registry] : []),
    app.pipeline,
  ]);
  applied.push(
    ...(await round(
      appStacks,
      context,
      `the pipelines of ${picked.apps.map((a) => a.app).join(", ")} (${command.env})`,
    )),
  );
  if (command.dryRun) {
    log.note("dry run: nothing was planned, applied or written");
    return 0;
  }
  for (const app of picked.apps) {
    if (!applied.includes(app.pipeline.name)) continue;
    const outputs = await stackOutputs(app.pipeline, context);
    log.result(`${app.pipeline.name}:`);
    for (const [name, value] of Object.entries(outputs)) {
      log.result(`  ${name} = ${JSON.stringify(value)}`);
    }
  }
  log.result(
    applied.length > 0
      ? `applied ${applied.join(", ")}; from now on each pipeline updates itself (its UpdatePipeline stage)`
      : "nothing to change: the pipelines are up to date",
  );
  return 0;
}

interface RoundContext {
  readonly log: Steps;
  readonly terraform: Terraform | undefined;
  readonly outdir: string;
  readonly options: PipelineRunOptions;
  readonly ask: Ask | undefined;
  readonly dryRun: boolean;
}

/**
 * Plans `stacks`, shows the plans, asks (unless told not to), applies the ones with changes in
 * order; returns the names of the stacks applied. A dry run prints the steps.
 */
async function round(
  stacks: readonly SynthesisedStack[],
  context: RoundContext,
  what: string,
): Promise<string[]> {
  const { log } = context;
  if (context.dryRun || !context.terraform) {
    printPlanSteps(stacks, context);
    for (const stack of stacks) {
      log.step(stepText(applyWords(stack, context), "if its plan has changes"));
    }
    return [];
  }
  const plans = await plan(stacks, context);
  const changed = stacks.filter((_, index) => hasChanges(summarizeStack(plans[index]!)));
  if (changed.length === 0) {
    log.progress(`no changes in ${stacks.map((s) => s.name).join(", ")}`);
    return [];
  }
  if (context.ask) {
    const answer = await context.ask(
      `Apply the changes above to ${changed.map((s) => s.name).join(", ")} (${what})? Only "yes" applies: `,
    );
    if (answer.trim().toLowerCase() !== "yes") {
      throw new StepFailedError(`not applied (the answer was not "yes"); nothing was changed`);
    }
  }
  noteNewConnections(plans, log);
  for (const stack of changed) await apply(stack, context);
  return changed.map((s) => s.name);
}

/** Plans with the state lock (the plan is applied); shows the table; fails on a failed plan. */
async function plan(
  stacks: readonly SynthesisedStack[],
  context: RoundContext,
): Promise<StackPlan[]> {
  const { log, terraform, outdir, options } = context;
  printPlanSteps(stacks, context);
  const plans = await planStacks(stacks, {
    terraform: terraform!,
    jsonDir: path.join(outdir, "plans"),
    progress: (line) => log.progress(line),
    lock: true,
    ...(options.terraformOverride ? { overrideFile: options.terraformOverride } : {}),
  });
  log.result(renderPlanText(plans).trimEnd());
  const failed = plans.filter((p) => "error" in p || p.plan.errored === true);
  if (failed.length > 0) {
    throw new StepFailedError(
      `${failed.length} of ${plans.length} stacks could not be planned: ${failed.map((p) => p.stack).join(", ")} (Terraform's errors above); nothing was applied`,
    );
  }
  return plans;
}

function printPlanSteps(stacks: readonly SynthesisedStack[], context: RoundContext): void {
  const { log, outdir, options } = context;
  for (const stack of stacks) {
    const { steps, redirect } = planStepsOf(stack, {
      shown: displayPath(stack.dir, options.cwd),
      jsonFile: path.join(outdir, "plans", `${stack.name}.json`),
      env: options.env,
      lock: true,
    });
    steps.forEach((words, index) => {
      const last = index === steps.length - 1;
      log.step(
        `${shellLine(words)}${last ? ` > ${shellLine([displayPath(redirect, options.cwd)])}` : ""}`,
      );
    });
  }
}

function applyWords(stack: SynthesisedStack, context: RoundContext): string[] {
  return [
    "terraform",
    `-chdir=${displayPath(stack.dir, context.options.cwd)}`,
    "apply",
    "-input=false",
    "-no-color",
    PLAN_FILE,
  ];
}

/** Applies the saved plan, Terraform's output streamed to stderr. */
async function apply(stack: SynthesisedStack, context: RoundContext): Promise<void> {
  const { log, terraform } = context;
  const words = applyWords(stack, context);
  log.step(stepText(words));
  const result = await runTerraform(terraform!, stack.dir, words.slice(2), {
    stdout: log.tool,
    stderr: log.tool,
  });
  if (!result.ok) {
    throw new StepFailedError(
      `terraform apply of ${stack.name} failed: ${terraformErrors(result, 5).split("\n").join(" ")}`,
    );
  }
}

/** `terraform output -json`, as name -> value (sensitive outputs left out). */
async function stackOutputs(
  stack: SynthesisedStack,
  context: RoundContext,
): Promise<Record<string, unknown>> {
  const { log, terraform } = context;
  const args = ["output", "-json"];
  log.step(
    stepText(["terraform", `-chdir=${displayPath(stack.dir, context.options.cwd)}`, ...args]),
  );
  const result = await runTerraform(terraform!, stack.dir, args);
  if (!result.ok) {
    throw new StepFailedError(
      `terraform output of ${stack.name} failed: ${terraformErrors(result, 3)}`,
    );
  }
  try {
    const outputs = JSON.parse(result.stdout) as Record<
      string,
      { value?: unknown; sensitive?: boolean }
    >;
    return Object.fromEntries(
      Object.entries(outputs).map(([name, o]) => [name, o.sensitive ? "(sensitive)" : o.value]),
    );
  } catch {
    return {};
  }
}

/** A new CodeStar connection waits for a one-time handshake in the console. */
function noteNewConnections(plans: readonly StackPlan[], log: Steps): void {
  for (const entry of plans) {
    if (!("plan" in entry)) continue;
    const created = (entry.plan.resource_changes ?? []).filter(
      (change) =>
        change.type === "aws_codestarconnections_connection" &&
        change.change.actions.includes("create"),
    );
    for (const change of created) {
      log.note(
        `${entry.stack} creates ${change.address}: it stays PENDING, and the pipelines fail at Source, until someone completes the handshake once (console: Developer Tools > Settings > Connections > the connection > Update pending connection)`,
      );
    }
  }
}

/** $ZONKE_PIPELINE_NAME, $ZONKE_PIPELINE_EXECUTION_ID and the commit, which CodeBuild sets. */
function pipelineRun(env: NodeJS.ProcessEnv): PipelineRun {
  const missing = Object.values(RUN_VARIABLES).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new UsageError(
      `--self-update runs inside the pipeline only: ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not set (the pipeline's CodeBuild actions set them); to create or update a pipeline from here, run without --self-update`,
    );
  }
  return {
    pipelineName: env[RUN_VARIABLES.pipelineName]!.trim(),
    executionId: env[RUN_VARIABLES.executionId]!.trim(),
    commit: env[RUN_VARIABLES.commit]!.trim(),
  };
}

/** The pipeline a self-update runs in must be the app's: never restart another one. */
function checkPipelineName(stack: SynthesisedStack, run: PipelineRun, cwd: string): void {
  const file = path.join(stack.dir, "cdk.tf.json");
  const definition = stack.json
    ? parsePipelineStack(stack.json(), stack.name)
    : readPipelineStack(file, displayPath(file, cwd));
  if (definition.name !== run.pipelineName) {
    throw new UsageError(
      `${RUN_VARIABLES.pipelineName} is ${run.pipelineName}, but the pipeline of ${stack.name} is ${definition.name}: --self-update updates only the pipeline it runs in`,
    );
  }
}

async function selfUpdate(
  pipeline: SynthesisedStack,
  registry: SynthesisedStack | undefined,
  run: PipelineRun,
  context: RoundContext,
  region: string,
): Promise<number> {
  const { log } = context;
  const start = [
    "aws",
    "codepipeline",
    "start-pipeline-execution",
    "--name",
    run.pipelineName,
    "--source-revisions",
    `actionName=${SOURCE_ACTION},revisionType=COMMIT_ID,revisionValue=${run.commit}`,
  ];
  const stop = (newId: string) => [
    "aws",
    "codepipeline",
    "stop-pipeline-execution",
    "--pipeline-name",
    run.pipelineName,
    "--pipeline-execution-id",
    run.executionId,
    "--no-abandon",
    "--reason",
    stopReason(newId),
  ];
  const stacks = [...(registry ? [registry] : []), pipeline];
  if (context.dryRun || !context.terraform) {
    printPlanSteps(stacks, context);
    for (const stack of stacks) {
      log.step(stepText(applyWords(stack, context), "if its plan has changes"));
    }
    log.step(stepText(start, "AWS SDK call, if the pipeline stack changed"));
    log.step(stepText(stop("<the new execution>"), "AWS SDK call, if the pipeline stack changed"));
    log.note("dry run: nothing was planned, applied or restarted");
    return 0;
  }
  const plans = await plan(stacks, context);
  const changed = (stack: SynthesisedStack) =>
    hasChanges(summarizeStack(plans[stacks.indexOf(stack)]!));
  // The repository first: the build pushes to it, in this execution or the next.
  if (registry && changed(registry)) await apply(registry, context);
  if (!changed(pipeline)) {
    log.result("pipeline up to date");
    return 0;
  }
  await apply(pipeline, context);
  log.step(stepText(start, "AWS SDK call"));
  const restart = context.options.restart ?? restartPipeline;
  const result = await restart({
    region,
    pipelineName: run.pipelineName,
    executionId: run.executionId,
    commit: run.commit,
  });
  log.step(stepText(stop(result.newExecutionId), "AWS SDK call"));
  log.result(
    `started execution ${result.newExecutionId} of ${run.pipelineName} for commit ${run.commit}: it runs the new definition`,
  );
  log.result(`stopping execution ${run.executionId} (after this action): ${result.reason}`);
  return 0;
}

/** The default terminal: standard input when it is one, the question on standard error. */
function terminal(options: PipelineRunOptions): Ask | undefined {
  if (options.ask !== undefined) return options.ask ?? undefined;
  if (!process.stdin.isTTY) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      });
    });
}
