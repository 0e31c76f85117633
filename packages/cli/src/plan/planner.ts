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

/** The Terraform commands a stack's plan takes (shared by the real run and `--dry-run`). */
export const INIT_ARGS = ["init", "-input=false", "-no-color"] as const;
export const SHOW_PLAN_ARGS = ["show", "-json", PLAN_FILE] as const;
export function planArgs(variableArgs: readonly string[], lock: boolean): string[] {
  return [
    "plan",
    "-input=false",
    // A review plan writes nothing to the state, so it takes no lock: it never holds up a deploy.
    // A plan that will be applied takes it, so that nobody changes the state in between.
    ...(lock ? [] : ["-lock=false"]),
    "-no-color",
    `-out=${PLAN_FILE}`,
    ...variableArgs,
  ];
}

/** An image `zonke build` pushed for a stack's app (`.zonke/images/<env>/<app>.digest`). */
export interface BuiltImage {
  readonly digest: string;
  /** The digest file as the user would type it. */
  readonly file: string;
}

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
  /** Terraform for each stack (e.g. as each environment's deploy role). @default `terraform` */
  readonly terraformFor?: (stack: SynthesisedStack) => Terraform;
  /** Images just built, by stack name: planned with these instead of the deployed image. */
  readonly builtImages?: ReadonlyMap<string, BuiltImage>;
  /** Take the state lock (a plan that will be applied). @default false (a review plan) */
  readonly lock?: boolean;
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
  const initOneAtATime = (terraform: Terraform, dir: string) => {
    const init = initQueue.then(() => runTerraform(terraform, dir, INIT_ARGS));
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
  init: (terraform: Terraform, dir: string) => Promise<TerraformResult>,
): Promise<StackPlan> {
  const terraform = options.terraformFor?.(stack) ?? options.terraform;
  const jsonFile = path.join(options.jsonDir, `${stack.name}.json`);
  fs.rmSync(jsonFile, { force: true });
  if (options.overrideFile) {
    fs.copyFileSync(options.overrideFile, path.join(stack.dir, "zonke_test_override.tf.json"));
  }
  const failed = (step: string, result: TerraformResult): StackPlan => ({
    stack: stack.name,
    error: `terraform ${step} failed:\n${terraformErrors(result)}`,
  });

  const initResult = await init(terraform, stack.dir);
  if (!initResult.ok) return failed("init", initResult);

  const { args: variableArgs, notes } = await imageDigest(
    stack,
    terraform,
    options.builtImages?.get(stack.name),
  );
  const plan = await runTerraform(
    terraform,
    stack.dir,
    planArgs(variableArgs, options.lock ?? false),
  );
  if (!plan.ok) return { ...failed("plan", plan), notes };

  const shown = await runTerraform(terraform, stack.dir, SHOW_PLAN_ARGS);
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
 * pipeline sets to the image it built. A plan uses, in order: the image `zonke build` just pushed
 * for the stack's app (`.zonke/images/<env>/<app>.digest`: the release the pipeline plans);
 * `TF_VAR_image_digest` if set; the digest the stack runs now (from its state), so that a review
 * plan shows no image change; for a stack never deployed, a placeholder (the image the pipeline
 * builds is not known before it runs).
 */
async function imageDigest(
  stack: SynthesisedStack,
  terraform: Terraform,
  built: BuiltImage | undefined,
): Promise<{ args: string[]; notes: string[] }> {
  if (!declaresRequiredVariable(stack, IMAGE_DIGEST_VARIABLE)) return { args: [], notes: [] };
  if (built) {
    return {
      args: ["-var", `${IMAGE_DIGEST_VARIABLE}=${built.digest}`],
      notes: [
        `planned with the image zonke build pushed (${built.digest.slice(0, 19)}…, ${built.file})`,
      ],
    };
  }
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

/**
 * The Terraform steps `planStacks` takes for `stack`, as shown by `zonke plan --dry-run`: `shown`
 * is the stack's folder as the user would type it, `jsonFile` where the plan's JSON is kept.
 */
export function planStepsOf(
  stack: SynthesisedStack,
  options: {
    readonly shown: string;
    readonly jsonFile: string;
    readonly env: NodeJS.ProcessEnv;
    readonly built?: BuiltImage;
    readonly lock?: boolean;
  },
): { steps: string[][]; redirect: string } {
  const terraform = (args: readonly string[]) => ["terraform", `-chdir=${options.shown}`, ...args];
  const steps = [terraform(INIT_ARGS)];
  let variableArgs: string[] = [];
  if (declaresRequiredVariable(stack, IMAGE_DIGEST_VARIABLE)) {
    if (options.built) {
      variableArgs = ["-var", `${IMAGE_DIGEST_VARIABLE}=${options.built.digest}`];
    } else if (!options.env[`TF_VAR_${IMAGE_DIGEST_VARIABLE}`]) {
      steps.push(terraform(["show", "-json"]));
      variableArgs = [
        "-var",
        `${IMAGE_DIGEST_VARIABLE}=<the digest it runs now, else ${PLACEHOLDER_DIGEST}>`,
      ];
    }
  }
  steps.push(terraform(planArgs(variableArgs, options.lock ?? false)));
  steps.push(terraform(SHOW_PLAN_ARGS));
  return { steps, redirect: options.jsonFile };
}

/** Whether the synthesised stack declares `image_digest` (it runs an image by digest). */
export function declaresImageDigest(stack: SynthesisedStack): boolean {
  return declaresRequiredVariable(stack, IMAGE_DIGEST_VARIABLE);
}

function declaresRequiredVariable(stack: SynthesisedStack, name: string): boolean {
  try {
    const json = (
      stack.json
        ? stack.json()
        : JSON.parse(fs.readFileSync(path.join(stack.dir, "cdk.tf.json"), "utf8"))
    ) as {
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
