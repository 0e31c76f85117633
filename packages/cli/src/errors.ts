/**
 * The kinds of failure the CLI reports. Each is printed as `zonke: <message>` without a stack
 * trace, and no message ever contains a secret value (only key names, secret names, counts).
 */

/** A mistake the user fixes on their side: arguments, config, keys, credentials, account. Exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
}

/** AWS refused, failed or could not be reached; or a change could not land. Exit 1. */
export class AwsError extends Error {
  override readonly name = "AwsError";
  readonly exitCode = 1;

  constructor(
    message: string,
    /** AWS's error code (e.g. `AccessDeniedException`) or the Node network error code. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A tool the command runs is not installed (`zonke plan` without Terraform). Exit 3. */
export class MissingToolError extends Error {
  override readonly name = "MissingToolError";
  readonly exitCode = 3;
}

export type CliError = UsageError | AwsError | MissingToolError;

export function isCliError(error: unknown): error is CliError {
  return (
    error instanceof UsageError || error instanceof AwsError || error instanceof MissingToolError
  );
}
