/**
 * `zonke plan`: gathers one plan per stack (from `--plans <dir>`, or by synthesising and running
 * Terraform), renders them, and writes the result. See PLAN_USAGE in ../args.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LoadedConfig } from "@zonke/stacks";
import type { PlanCommand } from "../args";
import { deployRoleArn, roleAccount, terraformEnvironment } from "../aws/deploy-role";
import { digestFile, readDigest } from "../build/digest";
import { displayPath, shellLine, stepLine } from "../build/shell";
import { UsageError } from "../errors";
import type { StackPlan } from "./model";
import { readPlanDir } from "./plan-files";
import { planStacks, planStepsOf, type BuiltImage } from "./planner";
import { renderPlanMarkdown, renderPlanText } from "./render";
import {
  composedStacks,
  isSelected,
  loadSelectedConfig,
  readSynthesised,
  stackOwner,
  synthesise,
  type Selection,
  type SynthesisedStack,
} from "./stacks";
import { findTerraform, type Terraform } from "./terraform";

export interface PlanIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
}

export interface PlanRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Tests only: a Terraform override file copied into every stack before init. */
  readonly terraformOverride?: string;
}

/** Runs `zonke plan`; returns 0, or 1 when a stack has no (complete) plan. Throws CLI errors. */
export async function runPlan(
  command: PlanCommand,
  io: PlanIo,
  options: PlanRunOptions,
): Promise<number> {
  const outFile = command.out === undefined ? undefined : checkOutFile(command.out, options.cwd);
  if (command.dryRun) return dryRun(command, io, options);
  const selection = selectionOf(command);
  const { plans, notes } =
    command.plansDir !== undefined
      ? fromPlanFiles(command.plansDir, command, options)
      : await fromTerraform(command, io, options);

  const title = [
    "Terraform plan",
    selection.environments.length > 0 ? `: ${selection.environments.join(", ")}` : "",
    selection.apps.length > 0 ? ` (${selection.apps.join(", ")})` : "",
  ].join("");
  const text = renderPlanText(plans);
  const markdown = command.markdown
    ? renderPlanMarkdown(plans, { title, environments: selection.environments, notes })
    : undefined;
  const chosen = markdown ?? text;
  if (outFile !== undefined) {
    fs.writeFileSync(outFile, chosen);
    io.out(text);
    io.err(`wrote ${command.out} (${chosen.length.toLocaleString("en-US")} characters)`);
  } else {
    io.out(chosen);
  }
  for (const note of notes) io.err(`note: ${note}`);
  const incomplete = plans.filter((p) => "error" in p || p.plan.errored === true);
  if (incomplete.length > 0) {
    io.err(
      `zonke: ${incomplete.length} of ${plans.length} stacks could not be planned completely: ` +
        incomplete.map((p) => p.stack).join(", "),
    );
    return 1;
  }
  return 0;
}

/** `--out <file>`: its folder must exist (checked before any work). */
function checkOutFile(file: string, cwd: string): string {
  const absolute = path.resolve(cwd, file);
  let isDir = false;
  try {
    isDir = fs.statSync(absolute).isDirectory();
  } catch {
    // does not exist yet: fine, if its folder does
  }
  if (isDir) throw new UsageError(`--out ${file}: is a folder; give a file name`);
  const dir = path.dirname(absolute);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--out ${file}: the folder ${path.dirname(file)} does not exist`);
  }
  return absolute;
}

function fromPlanFiles(
  dir: string,
  command: PlanCommand,
  options: PlanRunOptions,
): { plans: StackPlan[]; notes: readonly string[] } {
  const files = readPlanDir(dir, options.cwd);
  const selection = selectionOf(command);
  if (selection.environments.length === 0 && selection.apps.length === 0 && !command.skipPipeline) {
    return { plans: files, notes: [] };
  }
  // Choosing by environment or app needs the config: the project's name and the apps'.
  const { config } = loadSelectedConfig(command.config, selection, options.cwd);
  const plans = files.filter((file) => isSelected(file.stack, config, selection));
  if (plans.length === 0) {
    throw new UsageError(
      `--plans ${dir}: none of its ${files.length} plans is a stack of ${describeSelection(command)}`,
    );
  }
  return { plans, notes: [] };
}

function selectionOf(command: PlanCommand): Selection {
  return {
    environments: command.environments,
    apps: command.apps,
    skipPipeline: command.skipPipeline,
  };
}

async function fromTerraform(
  command: PlanCommand,
  io: PlanIo,
  options: PlanRunOptions,
): Promise<{ plans: StackPlan[]; notes: readonly string[] }> {
  const selection = selectionOf(command);
  const loaded = loadSelectedConfig(command.config, selection, options.cwd);
  // Before synth: a missing Terraform is found in a moment, not after a minute's work.
  const found = findTerraform(options.env, options.cwd);
  const outdir = path.resolve(options.cwd, "cdktf.out");
  const { stacks, notes } = command.synth
    ? synthesise(loaded, selection, outdir)
    : readSynthesised(loaded, selection, outdir, options.cwd);
  if (stacks.length === 0) {
    throw new UsageError(`no stacks to plan for ${describeSelection(command)}`);
  }
  const builtImages = imagesBuilt(loaded, stacks, options.cwd);
  const terraformFor = await terraformByEnvironment(found, loaded, stacks);
  io.err(`planning ${stacks.length} stacks with ${found.cli}`);
  const plans = await planStacks(stacks, {
    terraform: found,
    terraformFor: (stack) => terraformFor.get(stack.environment) ?? found,
    builtImages,
    jsonDir: path.join(outdir, "plans"),
    progress: io.err,
    ...(options.terraformOverride ? { overrideFile: options.terraformOverride } : {}),
  });
  return { plans, notes };
}

/**
 * The images `zonke build` pushed for the stacks' apps (`.zonke/images/<env>/<app>.digest`), by
 * stack name. A digest file that holds something else stops the plan (exit 2).
 */
export function imagesBuilt(
  loaded: LoadedConfig,
  stacks: readonly SynthesisedStack[],
  cwd: string,
): Map<string, BuiltImage> {
  const images = new Map<string, BuiltImage>();
  for (const stack of stacks) {
    const owner = stackOwner(stack.name, loaded.config);
    if (owner.app === undefined || owner.part !== undefined) continue;
    const file = digestFile(loaded.root, stack.environment, owner.app);
    const shown = displayPath(file, cwd);
    const digest = readDigest(file, shown);
    if (digest !== undefined) images.set(stack.name, { digest, file: shown });
  }
  return images;
}

/**
 * Terraform for each environment: as the deploy role ($ZONKE_DEPLOY_ROLE_ARN, assumed in the
 * environment's region) when set, which must be a role of the environment's account.
 */
async function terraformByEnvironment(
  found: Terraform,
  loaded: LoadedConfig,
  stacks: readonly SynthesisedStack[],
): Promise<Map<string, Terraform>> {
  const byEnvironment = new Map<string, Terraform>();
  for (const environment of new Set(stacks.map((s) => s.environment))) {
    checkDeployRoleAccount(found.env, loaded, environment);
    const { region } = loaded.config.environments[environment]!;
    byEnvironment.set(environment, {
      ...found,
      env: await terraformEnvironment(found.env, region),
    });
  }
  return byEnvironment;
}

/** $ZONKE_DEPLOY_ROLE_ARN, when set, must be a role of the environment's account. */
export function checkDeployRoleAccount(
  env: NodeJS.ProcessEnv,
  loaded: LoadedConfig,
  environment: string,
): string | undefined {
  const roleArn = deployRoleArn(env);
  if (roleArn === undefined) return undefined;
  const { account } = loaded.config.environments[environment]!;
  if (roleAccount(roleArn) !== account) {
    throw new UsageError(
      `ZONKE_DEPLOY_ROLE_ARN is a role of account ${roleAccount(roleArn)}, but environment ${environment} deploys to account ${account} (${path.basename(loaded.file)})`,
    );
  }
  return roleArn;
}

/**
 * `zonke plan --dry-run`: the same checks as a plan (arguments, config, the selection), then each
 * step it would take (with --no-synth, for the stacks a build synthesises), and nothing else: no Terraform
 * (not even to find it), no AWS, no file written (synthesis is composed in memory only).
 */
function dryRun(command: PlanCommand, io: PlanIo, options: PlanRunOptions): number {
  const selection = selectionOf(command);
  const loaded = loadSelectedConfig(command.config, selection, options.cwd);
  const outdir = path.resolve(options.cwd, "cdktf.out");
  const shown = (file: string) => displayPath(file, options.cwd);
  let stacks: readonly SynthesisedStack[];
  if (command.synth) {
    stacks = composedStacks(loaded, selection, outdir);
    const envs = selection.environments.length > 0 ? selection.environments : [];
    io.out(
      `${stepLine(
        [
          "npx",
          "zonke-synth",
          ...envs.flatMap((env) => ["--env", env]),
          ...(command.config ? ["--config", command.config] : []),
          "--out",
          shown(outdir),
          "--quiet",
        ],
        "in process, with @zonke/stacks",
      )}
`,
    );
  } else {
    // What `zonke build` synthesises for the selection: a dry run of a pipeline comes before its
    // build, so cdktf.out cannot be checked yet.
    stacks = composedStacks(loaded, selection, outdir);
    io.err(
      `note: --no-synth --dry-run: the stacks zonke build synthesises for this selection; ${shown(outdir)} itself is not read`,
    );
  }
  if (stacks.length === 0) {
    throw new UsageError(`no stacks to plan for ${describeSelection(command)}`);
  }
  const builtImages = imagesBuilt(loaded, stacks, options.cwd);
  for (const environment of new Set(stacks.map((s) => s.environment))) {
    const roleArn = checkDeployRoleAccount(options.env, loaded, environment);
    if (roleArn) {
      io.out(
        `${stepLine(
          `aws sts assume-role --role-arn ${roleArn} --role-session-name zonke-<unique> --region ${loaded.config.environments[environment]!.region}`,
          `Terraform of ${environment} runs as this role`,
        )}
`,
      );
    }
  }
  for (const stack of stacks) {
    const built = builtImages.get(stack.name);
    const { steps, redirect } = planStepsOf(stack, {
      shown: shown(stack.dir),
      jsonFile: path.join(outdir, "plans", `${stack.name}.json`),
      env: options.env,
      ...(built ? { built } : {}),
    });
    steps.forEach((words, index) => {
      const last = index === steps.length - 1;
      io.out(`+ ${shellLine(words)}${last ? ` > ${shellLine([shown(redirect)])}` : ""}
`);
    });
  }
  io.err(
    `dry run: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} would be planned; nothing was run or written`,
  );
  return 0;
}

function describeSelection(command: PlanCommand): string {
  const parts = [
    command.environments.length > 0 ? `--env ${command.environments.join(",")}` : "",
    command.apps.length > 0 ? `--app ${command.apps.join(",")}` : "",
  ].filter(Boolean);
  return parts.join(" ") || "the config";
}
