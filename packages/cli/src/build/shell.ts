/**
 * How `zonke build`, `zonke plan` and `zonke pipeline` show the steps they take: one line per step,
 * `+ ` and the command as a shell would take it (the `--dry-run` contract, and what a real run
 * prints before each step, like `set -x`). Steps that are not commands (an AWS SDK call, writing
 * a file) are shown as the shell command that would do the same, with a `# ...` remark.
 */
import * as path from "node:path";

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellWord(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `words` as one shell command line. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}

/** A path as the user would type it from `cwd`: relative inside it, absolute elsewhere. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  if (relative === "") return ".";
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** The step: the command and an optional `  # remark` (what Steps.step says after its `+ `). */
export function stepText(words: readonly string[] | string, remark?: string): string {
  const command = typeof words === "string" ? words : shellLine(words);
  return `${command}${remark ? `  # ${remark}` : ""}`;
}

/** The step line: `+ <command>` and an optional `  # remark`. */
export function stepLine(words: readonly string[] | string, remark?: string): string {
  return `+ ${stepText(words, remark)}`;
}
