/**
 * The synthesised stack folders the pipeline commands work in (`cdktf.out/stacks/<stack>/`, under
 * the working directory, as `zonke plan` writes them) and the Terraform steps they take there:
 * init, apply of the saved plan, reading the outputs. Terraform is found and run by
 * ../plan/terraform.ts, as the deploy role when one is set (../aws/deploy-role.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { deployRoleArn, roleAccount, terraformEnvironment } from "../aws/deploy-role";
import { AwsError, UsageError } from "../errors";
import { PLAN_FILE } from "../plan/planner";
import {
  findTerraform,
  runTerraform,
  terraformErrors,
  type Terraform,
  type TerraformResult,
} from "../plan/terraform";
import type { ResolvedTarget } from "../target";
import { parseOutputs, type StackOutputs } from "./outputs";
import { displayPath } from "../build/shell";
import type { Steps } from "../steps";

export { PLAN_FILE };

export interface StackFolder {
  readonly name: string;
  /** Absolute path. */
  readonly dir: string;
  /** As the user would type it: `cdktf.out/stacks/<name>`. */
  readonly shown: string;
}

export function stackFolder(name: string, cwd: string): StackFolder {
  const dir = path.resolve(cwd, "cdktf.out", "stacks", name);
  return { name, dir, shown: displayPath(dir, cwd) };
}

export function folderExists(folder: StackFolder): boolean {
  return fs.existsSync(folder.dir) && fs.statSync(folder.dir).isDirectory();
}

/** The app's own stack (`<project>-<env>-<app>`). */
export function appStack(target: ResolvedTarget, cwd: string): StackFolder {
  return stackFolder(target.names.prefix, cwd);
}

/** The refusal for a stack that was never synthesised here. */
export function notSynthesised(folder: StackFolder, target: ResolvedTarget): UsageError {
  return new UsageError(
    `no synthesised stack ${folder.name} in ${path.dirname(folder.shown)}: run \`zonke plan --env ${target.envName} --app ${target.app.name}\` first (it synthesises the stacks and saves their plans)`,
  );
}

/** Refuses a stack never synthesised here; a dry run goes on without it, with `dryRunNote`. */
export function checkSynthesised(
  folder: StackFolder,
  context: { readonly target: ResolvedTarget; readonly steps: Steps },
  dryRunNote: string,
): void {
  if (folderExists(folder)) return;
  if (!context.steps.dryRun) throw notSynthesised(folder, context.target);
  context.steps.note(dryRunNote);
}

/**
 * Checks ZONKE_DEPLOY_ROLE_ARN (a role of the environment's account) and says that it will be
 * assumed. Before any AWS call or Terraform run.
 */
export function deployRoleStep(steps: Steps, env: NodeJS.ProcessEnv, target: ResolvedTarget): void {
  const roleArn = deployRoleArn(env);
  if (roleArn === undefined) return;
  if (roleAccount(roleArn) !== target.account) {
    throw new UsageError(
      `ZONKE_DEPLOY_ROLE_ARN is a role of account ${roleAccount(roleArn)}, but environment ${target.envName} deploys to account ${target.account} (${target.configName})`,
    );
  }
  steps.stepOnce(`aws sts assume-role --role-arn ${roleArn} --role-session-name zonke-<unique>`);
}

/**
 * Terraform, running as the deploy role when one is set; undefined in a dry run (which neither
 * looks for Terraform, since that runs it, nor assumes the role). Throws MissingToolError (exit 3).
 */
export async function prepareTerraform(
  steps: Steps,
  env: NodeJS.ProcessEnv,
  cwd: string,
  target: ResolvedTarget,
): Promise<Terraform | undefined> {
  if (steps.dryRun) {
    deployRoleStep(steps, env, target);
    return undefined;
  }
  // Found first: a missing Terraform is reported before any AWS call.
  const found = findTerraform(env, cwd);
  deployRoleStep(steps, env, target);
  return { ...found, env: await terraformEnvironment(found.env, target.region) };
}

/** `terraform init`; its output is shown only when it fails. */
export async function terraformInit(
  steps: Steps,
  terraform: Terraform | undefined,
  stack: StackFolder,
): Promise<void> {
  const args = ["init", "-input=false", "-no-color"];
  steps.step(terraformLine(stack, args));
  if (!terraform) return;
  const result = await runTerraform(terraform, stack.dir, args);
  if (!result.ok) throw terraformFailed("init", stack, result, steps);
}

/** `terraform apply` of the saved plan, its output streamed as it runs. */
export async function terraformApply(
  steps: Steps,
  terraform: Terraform | undefined,
  stack: StackFolder,
): Promise<void> {
  const args = ["apply", "-input=false", "-no-color", PLAN_FILE];
  steps.step(terraformLine(stack, args));
  if (!terraform) return;
  const result = await runTerraform(terraform, stack.dir, args, steps.passThrough());
  if (!result.ok) throw terraformFailed("apply", stack, result);
}

/** `terraform output -json`: the stack's outputs (undefined in a dry run). */
export async function terraformOutputs(
  steps: Steps,
  terraform: Terraform | undefined,
  stack: StackFolder,
): Promise<StackOutputs | undefined> {
  const args = ["output", "-json"];
  steps.step(terraformLine(stack, args));
  if (!terraform) return undefined;
  const result = await runTerraform(terraform, stack.dir, args);
  if (!result.ok) throw terraformFailed("output", stack, result, steps);
  return parseOutputs(result.stdout.trim(), stack.name);
}

/** How a Terraform step is shown: `terraform -chdir=cdktf.out/stacks/<stack> <args>`. */
export function terraformLine(stack: StackFolder, args: readonly string[]): string {
  return `terraform -chdir=${stack.shown} ${args.join(" ")}`;
}

/**
 * A failed Terraform step as one line: the step, the stack and Terraform's first error. Output
 * that was not streamed (init, output) is shown first, so the log holds the whole diagnostic.
 */
function terraformFailed(
  step: string,
  stack: StackFolder,
  result: TerraformResult,
  showOutput?: Steps,
): AwsError {
  const diagnostics = terraformErrors(result);
  if (showOutput && diagnostics !== "") showOutput.progress(diagnostics);
  const first =
    diagnostics
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim() ?? "no output";
  let hint = "";
  if (/saved plan is stale/i.test(diagnostics)) {
    hint = "; the state changed since the plan was made: plan again";
  } else if (step === "apply") {
    hint = "; Terraform's output is above";
  }
  return new AwsError(
    `terraform ${step} failed in ${stack.name}: ${first}${hint}`,
    "TerraformFailed",
  );
}
