/**
 * A failure the client is told about: the status and a short plain-text message that never
 * contains a stack trace or internal detail. Every error response is `no-store`.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
