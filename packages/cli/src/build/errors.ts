import { AwsError, MissingToolError, UsageError } from "../errors";

/**
 * A build step (a child process) that failed: exit 1, reported by run.ts like an AWS failure
 * (one line, no stack trace). The step's own output, above it, says why.
 */
export class StepFailedError extends AwsError {
  constructor(message: string) {
    super(message, "StepFailed");
  }
}

/**
 * The error for a step that exited with `code`: the tools zonke runs share its exit codes (2 a
 * mistake to fix, e.g. an app that is not built; 3 a missing tool), so those keep their meaning;
 * anything else is a failed step (exit 1).
 */
export function stepError(description: string, code: number | null, signal?: string | null) {
  const how = signal ? `was stopped by ${signal}` : `exited ${code}`;
  const message = `${description} ${how} (its output above says why)`;
  if (code === 2) return new UsageError(message);
  if (code === 3) return new MissingToolError(message);
  return new StepFailedError(message);
}
