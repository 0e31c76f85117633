/** `zonke pipeline deploy|dry-run`: see PIPELINE_USAGE in ./args.ts. */
import type { StepIo } from "../steps";
import type { PipelineCommand } from "./args";
import { runPipelineDeploy, type PipelineRunOptions } from "./deploy";
import { runPipelineDryRun } from "./dry-run";

export function runPipeline(
  command: PipelineCommand,
  io: StepIo,
  options: PipelineRunOptions,
): Promise<number> {
  return command.name === "dry-run"
    ? runPipelineDryRun(command, io, options)
    : runPipelineDeploy(command, io, options);
}
