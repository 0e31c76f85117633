/**
 * The two kinds of failure the CLI reports. Both are printed as `zonke: <message>` without a stack
 * trace, and neither message ever contains a secret value (only key names, secret names, counts).
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

export type CliError = UsageError | AwsError;

export function isCliError(error: unknown): error is CliError {
  return error instanceof UsageError || error instanceof AwsError;
}
