/**
 * `zonke deploy`: applies the plans `zonke plan` saved for one app (see DEPLOY_USAGE in ./args.ts),
 * then hands the next pipeline stages what they need through `--exports`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import type { PipelineCommandContext } from "./context";
import { checkExportsFile, writeExportsFile } from "./exports";
import { migrationParameters, stringOutput } from "./outputs";
import {
  checkSynthesised,
  folderExists,
  PLAN_FILE,
  prepareTerraform,
  stackFolder,
  terraformApply,
  terraformInit,
  terraformOutputs,
  type StackFolder,
} from "./stacks";
import { displayPath } from "../build/shell";

/** CodePipeline's limit on an action's UserParameters (and the migrator's). */
const USER_PARAMETERS_LIMIT = 1000;

export async function runDeploy(
  context: PipelineCommandContext,
  exportsOption: string | undefined,
): Promise<number> {
  const { target, steps, cwd, env } = context;
  const exportsFile =
    exportsOption === undefined ? undefined : checkExportsFile(exportsOption, cwd);
  const stacks = deployableStacks(target.names.prefix, cwd);
  const app = stacks.at(-1)!;
  const retry = `zonke plan --env ${target.envName} --app ${target.app.name}`;

  // Everything that needs no AWS and no Terraform first: the folders and the saved plans.
  checkSynthesised(
    app,
    context,
    `${app.shown} does not exist here: the build and plan stages have not run (with an image registry stack, ${app.name}-registry is applied first)`,
  );
  for (const stack of stacks) {
    if (fs.existsSync(path.join(stack.dir, PLAN_FILE))) continue;
    if (!steps.dryRun) {
      throw new UsageError(`no saved plan for ${stack.name}: run \`${retry}\` first`);
    }
    steps.note(
      `no saved plan for ${stack.name} (${stack.shown}/${PLAN_FILE}): run \`${retry}\` first`,
    );
  }

  const terraform = await prepareTerraform(steps, env, cwd, target);
  for (const stack of stacks) {
    await terraformInit(steps, terraform, stack);
    await terraformApply(steps, terraform, stack);
  }
  const outputs = await terraformOutputs(steps, terraform, app);
  const shownExports = exportsFile && displayPath(exportsFile, cwd);
  if (exportsFile) {
    steps.step(`read output migration of ${app.name}`);
    steps.step(
      `write ${shownExports}: MIGRATION_PARAMETERS='<output migration as compact JSON; empty without one>'`,
    );
  }
  if (outputs === undefined) return 0; // dry run

  steps.result(`deployed ${stacks.map((s) => s.name).join(", ")}`);
  const url = stringOutput(outputs, "url");
  if (url) steps.result(`url: ${url}`);
  if (exportsFile) {
    const migration = migrationParameters(outputs, app.name);
    writeExportsFile(exportsFile, shownExports!, { MIGRATION_PARAMETERS: migration });
    steps.result(
      migration === ""
        ? `wrote ${shownExports}: MIGRATION_PARAMETERS is empty (${app.name} has no migration output)`
        : `wrote ${shownExports}: MIGRATION_PARAMETERS (${migration.length} characters)`,
    );
    if (migration.length > USER_PARAMETERS_LIMIT) {
      steps.note(
        `MIGRATION_PARAMETERS has ${migration.length} characters; CodePipeline takes at most ${USER_PARAMETERS_LIMIT} as an action's UserParameters`,
      );
    }
  }
  return 0;
}

/**
 * The stacks `zonke deploy` applies, in order: `<prefix>-registry` when it was synthesised, then
 * `<prefix>`. The pipeline's own stack (`<prefix>-pipeline`) is never among them.
 */
export function deployableStacks(prefix: string, cwd: string): StackFolder[] {
  const registry = stackFolder(`${prefix}-registry`, cwd);
  return [...(folderExists(registry) ? [registry] : []), stackFolder(prefix, cwd)];
}
