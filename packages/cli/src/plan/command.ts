/**
 * `zonke plan`: gathers one plan per stack (from `--plans <dir>`, or by synthesising and running
 * Terraform), renders them, and writes the result. See PLAN_USAGE in ../args.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PlanCommand } from "../args";
import { UsageError } from "../errors";
import type { StackPlan } from "./model";
import { readPlanDir } from "./plan-files";
import { planStacks } from "./planner";
import { renderPlanMarkdown, renderPlanText } from "./render";
import { isSelected, loadSelectedConfig, synthesise } from "./stacks";
import { findTerraform } from "./terraform";

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
  const selection = { environments: command.environments, apps: command.apps };
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
  const selection = { environments: command.environments, apps: command.apps };
  if (selection.environments.length === 0 && selection.apps.length === 0) {
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

async function fromTerraform(
  command: PlanCommand,
  io: PlanIo,
  options: PlanRunOptions,
): Promise<{ plans: StackPlan[]; notes: readonly string[] }> {
  const selection = { environments: command.environments, apps: command.apps };
  const loaded = loadSelectedConfig(command.config, selection, options.cwd);
  // Before synth: a missing Terraform is found in a moment, not after a minute's work.
  const terraform = findTerraform(options.env, options.cwd);
  const outdir = path.resolve(options.cwd, "cdktf.out");
  const { stacks, notes } = synthesise(loaded, selection, outdir);
  if (stacks.length === 0) {
    throw new UsageError(`no stacks to plan for ${describeSelection(command)}`);
  }
  io.err(`planning ${stacks.length} stacks with ${terraform.cli}`);
  const plans = await planStacks(stacks, {
    terraform,
    jsonDir: path.join(outdir, "plans"),
    progress: io.err,
    ...(options.terraformOverride ? { overrideFile: options.terraformOverride } : {}),
  });
  return { plans, notes };
}

function describeSelection(command: PlanCommand): string {
  const parts = [
    command.environments.length > 0 ? `--env ${command.environments.join(",")}` : "",
    command.apps.length > 0 ? `--app ${command.apps.join(",")}` : "",
  ].filter(Boolean);
  return parts.join(" ") || "the config";
}
