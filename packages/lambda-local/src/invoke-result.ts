/** What an invocation of a local instance gives back, as Lambda's Invoke API would. */
export type InvokeResult =
  /** A streaming handler: the response stream's content type and every byte written to it. */
  | { readonly type: "stream"; readonly contentType: string; readonly payload: Buffer }
  /** Any other handler: its result (the JSON value Invoke returns). */
  | { readonly type: "buffered"; readonly result: unknown }
  /** The handler threw or rejected, or the instance died (`Runtime.ExitError`). */
  | { readonly type: "error"; readonly errorType: string; readonly errorMessage: string };
