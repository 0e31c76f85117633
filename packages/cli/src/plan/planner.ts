/**
 * Plans synthesised stacks with Terraform: in each stack's folder `terraform init`, `plan -out`
 * and `show -json`, with the stack's own backend (the remote state, with the credentials in use).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parsePlan, PlanFormatError, type StackPlan } from "./model";
import type { SynthesisedStack } from "./stacks";
import { runTerraform, terraformErrors, type Terraform, type TerraformResult } from "./terraform";

/** The plan file in each stack's folder. */
export const PLAN_FILE = "zonke.tfplan";

/** The variable the pipeline sets to the image it built (packages/stacks image-digest.ts). */
const IMAGE_DIGEST_VARIABLE = "image_digest";
const PLACEHOLDER_DIGEST = `sha256:${"0".repeat(64)}`;
/** The resources whose configuration names the image a stack runs, by digest. */
const IMAGE_RESOURCE_TYPES = new Set(["aws_lambda_function", "aws_ecs_task_definition"]);

export interface PlannerOptions {
  readonly terraform: Terraform;
  /** Where each stack's `terraform show -json` output is kept, as `<stack>.json`. */
  readonly jsonDir: string;
  /** Reports progress (one line per step). */
  readonly progress: (line: string) => void;
  /** At most this many stacks plan at once. @default 3 */
  readonly concurrency?: number;
  /** Tests only: a Terraform override file copied into every stack before init. */
  readonly overrideFile?: string;
}

/**
 * Plans every stack; a stack that cannot be planned becomes an error entry (with Terraform's
 * diagnostics) and the others go on. Inits take turns: Terraform's plugin cache is not safe for
 * concurrent installs.
 */
export async function planStacks(
  stacks: readonly SynthesisedStack[],
  options: PlannerOptions,
): Promise<StackPlan[]> {
  fs.mkdirSync(options.jsonDir, { recursive: true });
  let initQueue: Promise<unknown> = Promise.resolve();
  const initOneAtATime = (dir: string) => {
    const init = initQueue.then(() =>
      runTerraform(options.terraform, dir, ["init", "-input=false", "-no-color"]),
    );
    initQueue = init;
    return init;
  };
  const results = new Array<StackPlan>(stacks.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const index = next++;
      const stack = stacks[index]!;
      results[index] = await planStack(stack, options, initOneAtATime);
      done++;
      const outcome = "error" in results[index]! ? "failed" : "planned";
      options.progress(`${outcome} ${stack.name} (${done}/${stacks.length})`);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 3, stacks.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

async function planStack(
  stack: SynthesisedStack,
  options: PlannerOptions,
  init: (dir: string) => Promise<TerraformResult>,
): Promise<StackPlan> {
  const { terraform } = options;
  const jsonFile = path.join(options.jsonDir, `${stack.name}.json`);
  fs.rmSync(jsonFile, { force: true });
  if (options.overrideFile) {
    fs.copyFileSync(options.overrideFile, path.join(stack.dir, "zonke_test_override.tf.json"));
  }
  const failed = (step: string, result: TerraformResult): StackPlan => ({
    stack: stack.name,
    error: `terraform ${step} failed:\n${terraformErrors(result)}`,
  });

  const initResult = await init(stack.dir);
  if (!initResult.ok) return failed("init", initResult);

  const { args: variableArgs, notes } = await imageDigest(stack, terraform);
  const plan = await runTerraform(terraform, stack.dir, [
    "plan",
    "-input=false",
    // A review plan writes nothing to the state, so it takes no lock: it never holds up a deploy.
    "-lock=false",
    "-no-color",
    `-out=${PLAN_FILE}`,
    ...variableArgs,
  ]);
  if (!plan.ok) return { ...failed("plan", plan), notes };

  const shown = await runTerraform(terraform, stack.dir, ["show", "-json", PLAN_FILE]);
  if (!shown.ok) return { ...failed("show", shown), notes };
  try {
    const parsed = parsePlan(JSON.parse(shown.stdout));
    fs.writeFileSync(jsonFile, shown.stdout);
    return { stack: stack.name, plan: parsed, notes };
  } catch (error) {
    const why = error instanceof PlanFormatError ? error.message : "not valid JSON";
    return { stack: stack.name, error: `terraform show -json gave no plan: ${why}`, notes };
  }
}

/**
 * A stack that deploys an image by digest declares the `image_digest` variable, which the
 * pipeline sets to the image it built. A review plan uses, in order: `TF_VAR_image_digest` if set;
 * the digest the stack runs now (from its state), so the plan shows no image change; for a stack
 * never deployed, a placeholder (the image the pipeline builds is not known before it runs).
 */
async function imageDigest(
  stack: SynthesisedStack,
  terraform: Terraform,
): Promise<{ args: string[]; notes: string[] }> {
  if (!declaresRequiredVariable(stack, IMAGE_DIGEST_VARIABLE)) return { args: [], notes: [] };
  if (terraform.env[`TF_VAR_${IMAGE_DIGEST_VARIABLE}`]) {
    return { args: [], notes: [`${IMAGE_DIGEST_VARIABLE} from TF_VAR_${IMAGE_DIGEST_VARIABLE}`] };
  }
  const state = await runTerraform(terraform, stack.dir, ["show", "-json"]);
  const deployed = state.ok ? deployedDigest(state.stdout) : undefined;
  if (deployed) {
    return {
      args: ["-var", `${IMAGE_DIGEST_VARIABLE}=${deployed}`],
      notes: [`planned with the image it runs now (${deployed.slice(0, 19)}…)`],
    };
  }
  return {
    args: ["-var", `${IMAGE_DIGEST_VARIABLE}=${PLACEHOLDER_DIGEST}`],
    notes: [
      `no image deployed yet: planned with a placeholder ${IMAGE_DIGEST_VARIABLE}; the pipeline sets the image it builds`,
    ],
  };
}

function declaresRequiredVariable(stack: SynthesisedStack, name: string): boolean {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8")) as {
      variable?: Record<string, { default?: unknown }>;
    };
    const variable = json.variable?.[name];
    return variable !== undefined && variable.default === undefined;
  } catch {
    return false; // HCL output or unreadable: Terraform will say what is missing
  }
}

/** The first `@sha256:...` image reference in the state's image-running resources. */
export function deployedDigest(stateJson: string): string | undefined {
  interface Module {
    resources?: { type?: string; values?: unknown }[];
    child_modules?: Module[];
  }
  let state: { values?: { root_module?: Module } };
  try {
    state = JSON.parse(stateJson) as typeof state;
  } catch {
    return undefined;
  }
  const modules: Module[] = state.values?.root_module ? [state.values.root_module] : [];
  for (const module of modules) {
    modules.push(...(module.child_modules ?? []));
    for (const resource of module.resources ?? []) {
      if (!IMAGE_RESOURCE_TYPES.has(resource.type ?? "")) continue;
      const match = /@(sha256:[0-9a-f]{64})/.exec(JSON.stringify(resource.values ?? {}));
      if (match) return match[1];
    }
  }
  return undefined;
}
