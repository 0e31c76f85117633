/**
 * Failures the user can act on. The CLI prints the message on one line, without a stack, and
 * exits with the error's code (the same codes as the Django image's build-image):
 *
 * - 1: the image build failed, or the standalone output cannot be used as it is;
 * - 2: a bad argument, or an app that is not built (`UsageError`);
 * - 3: no container engine (`NoEngineError`).
 */
export class ImageError extends Error {
  override readonly name: string = "ImageError";
  readonly exitCode: number = 1;
}

export class UsageError extends ImageError {
  override readonly name: string = "UsageError";
  override readonly exitCode: number = 2;
}

export class NoEngineError extends ImageError {
  override readonly name: string = "NoEngineError";
  override readonly exitCode: number = 3;
}
