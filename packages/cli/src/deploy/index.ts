/**
 * The commands the delivery pipeline runs after its Plan stage, and a developer can run the same
 * way: `zonke deploy`, `zonke assets upload`, `zonke release` (usage in ./args.ts). run.ts hands
 * them over here; errors are thrown as CliErrors, which run.ts prints as one line.
 */
import { runAssetsUpload } from "../assets/command";
import { runRelease } from "../release/command";
import type { DeployInvocation } from "./args";
import { runDeploy } from "./command";
import { pipelineCommandContext, type PipelineRunOptions } from "./context";
import { Steps, type StepIo } from "../steps";

export { parseDeployInvocation, type DeployInvocation } from "./args";

export function isDeployInvocation(invocation: {
  readonly help: boolean;
  readonly name?: string;
}): invocation is DeployInvocation {
  return (
    !invocation.help &&
    (invocation.name === "deploy" || invocation.name === "assets" || invocation.name === "release")
  );
}

/** Runs the command; returns the exit code (0) or throws a CliError. */
export async function runDeployInvocation(
  invocation: DeployInvocation,
  options: PipelineRunOptions & { readonly io: StepIo },
): Promise<number> {
  const steps = new Steps(options.io, invocation.dryRun);
  const context = pipelineCommandContext(invocation.target, steps, options);
  const { command } = invocation;
  switch (command.name) {
    case "deploy":
      return runDeploy(context, command.exports);
    case "assets upload":
      return runAssetsUpload(context);
    case "release":
      return runRelease(context, command.timeoutMinutes);
  }
}
