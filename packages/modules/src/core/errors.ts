/**
 * A user-facing mistake in construct props or configuration. The message says what is wrong, the
 * bad value and what is allowed; entry points print it without a stack trace.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
}

/** True for errors that are the user's to fix (and printed without a stack trace). */
export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof Error && error.name === "ValidationError";
}
