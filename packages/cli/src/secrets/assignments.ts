import type { Assignment } from "../args";
import { UsageError } from "../errors";
import { parseDotenv } from "./dotenv";
import { checkKeys } from "./keys";

/** A key to set, its value, and where it was given (for messages, which never show the value). */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly source: string;
}

/**
 * The keys and values of `set`: `KEY=VALUE` arguments and the lines of `--from-file`, each key
 * checked (name, reserved prefixes) and given once. Nothing here talks to AWS, so every mistake
 * is reported before anything is read or written.
 */
export function collectAssignments(
  assignments: readonly Assignment[],
  file: { readonly name: string; readonly text: string } | undefined,
): KeyValue[] {
  const entries: KeyValue[] = [
    ...(file
      ? parseDotenv(file.text, file.name).map((e) => ({
          key: e.key,
          value: e.value,
          source: `${file.name} line ${e.line}`,
        }))
      : []),
    ...assignments.map((a) => ({ key: a.key, value: a.value, source: `argument ${a.position}` })),
  ];
  checkKeys(entries, { changing: true });
  const first = new Map<string, string>();
  for (const entry of entries) {
    const earlier = first.get(entry.key);
    if (earlier !== undefined) {
      throw new UsageError(
        `${entry.key} is given twice (${earlier} and ${entry.source}); nothing was changed`,
      );
    }
    first.set(entry.key, entry.source);
  }
  if (entries.length === 0) {
    throw new UsageError(`${file?.name ?? "the input"} sets no keys; nothing was changed`);
  }
  return entries;
}
