/** A packaging failure the user can fix; the CLI prints its message without a stack. */
export class PackagingError extends Error {
  override readonly name = "PackagingError";
}
