/**
 * Limits of CodePipeline's job result fields (CodePipeline API reference: FailureDetails.message
 * 1..5000, ExecutionDetails.summary 1..2048, externalExecutionId 1..1500, continuationToken
 * 1..2048), and the text helpers that keep messages within them.
 */
export const MAX_FAILURE_MESSAGE = 5000;
export const MAX_SUMMARY = 2048;
export const MAX_EXTERNAL_EXECUTION_ID = 1500;
export const MAX_CONTINUATION_TOKEN = 2048;
/** How much of a migration's output one log line keeps (the tail). */
export const MAX_LOGGED_OUTPUT = 8192;

/**
 * The last `max` characters of `text`. A migration's error is at the end of its output (Django
 * prints the traceback last), so the tail is what to keep. Never starts inside a surrogate pair.
 */
export function keepTail(text: string, max: number): string {
  if (text.length <= max) return text;
  let start = text.length - max;
  const code = text.charCodeAt(start);
  if (code >= 0xdc00 && code <= 0xdfff) start += 1; // a low surrogate: its pair was cut off
  return text.slice(start);
}

/** The first `max` characters of `text`, with "..." when cut; never ends inside a surrogate pair. */
export function keepHead(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(max - 3, 0);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1; // a high surrogate without its pair
  return `${text.slice(0, end)}...`;
}

/**
 * `head`, then as much of the end of `output` as fits in `max` characters, with a line saying how
 * much was left out. The head (what happened, what to do) is kept whole unless it alone would take
 * more than half of `max`. `partial`: `output` is only the end of a longer text (a log read from
 * its end), so the label cannot say how long the whole is.
 */
export function withOutput(
  head: string,
  output: string | undefined,
  max: number,
  options: { readonly partial?: boolean } = {},
): string {
  const start = keepHead(head, Math.floor(max / 2));
  const text = (output ?? "").replace(/\s+$/, "");
  if (text === "") return start;
  const label = (kept: number) =>
    options.partial
      ? `\n--- output: last ${kept} characters (earlier output not read) ---\n`
      : `\n--- output: last ${kept} of ${text.length} characters ---\n`;
  const whole = `${start}${options.partial ? label(text.length) : "\n--- output ---\n"}${text}`;
  if (whole.length <= max) return whole;
  // The label's length depends on the numbers in it; reserve room for the longest it can be.
  const room = max - start.length - label(text.length).length;
  if (room <= 0) return start;
  const tail = keepTail(text, room);
  return `${start}${label(tail.length)}${tail}`;
}

/**
 * Hides passwords in URLs (`postgres://user:secret@host` -> `postgres://user:***@host`): a
 * database URL in a settings error must not end up in the pipeline's console or the logs.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, "$1:***@");
}

/**
 * Whether a value is an Error. Not `instanceof`: errors from Node's core (e.g. ECONNREFUSED) come
 * from another realm under some test runners and embedders.
 */
export function isError(value: unknown): value is Error {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Error).name === "string" &&
    typeof (value as Error).message === "string"
  );
}

/** The error's name ("AccessDeniedException"), or "" for a thrown non-error. */
export function errorName(error: unknown): string {
  return isError(error) ? error.name : "";
}

/** Error name and message for logs and failure messages, e.g. "AccessDeniedException: ...". */
export function describeError(error: unknown): string {
  if (isError(error)) {
    const message = error.message || "(no message)";
    return redactUrlCredentials(`${error.name}: ${keepHead(message, 1000)}`);
  }
  return `non-error thrown: ${keepHead(String(error), 200)}`;
}
