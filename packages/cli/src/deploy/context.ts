/**
 * What the pipeline commands `zonke deploy`, `assets upload` and `release` start from: the app and
 * the environment resolved from the config, the log of their steps, and where they run.
 */
import type { Target } from "../args";
import type { Steps } from "../steps";
import { resolveTarget, type ResolvedTarget } from "../target";

export interface PipelineRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface PipelineCommandContext extends PipelineRunOptions {
  /** The app, the environment and the config file as given (--app, --env, --config). */
  readonly given: Target;
  /** The same, resolved from the config. */
  readonly target: ResolvedTarget;
  readonly steps: Steps;
}

/** Resolves the target: a UsageError when the config has no such app or environment. */
export function pipelineCommandContext(
  given: Target,
  steps: Steps,
  options: PipelineRunOptions,
): PipelineCommandContext {
  const { env, cwd } = options;
  return { given, target: resolveTarget(given, cwd), steps, env, cwd };
}
