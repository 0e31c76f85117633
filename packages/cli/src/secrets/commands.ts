import { UsageError } from "../errors";
import {
  compareWithConfig,
  formatChange,
  formatKeyStatus,
  formatList,
  missingNote,
  undeclaredNote,
} from "../format";
import type { ServerRestarter } from "../restart";
import type { ResolvedTarget } from "../target";
import type { KeyValue } from "./assignments";
import type { SecretValues } from "./document";
import { checkKeys } from "./keys";
import type { SecretStore, UpdateResult } from "./store";

/** Where a command prints: results on `out`, notes and progress on `err`. */
export interface Printer {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Writes text to stdout as it is (a revealed value), with no newline added. */
  readonly raw: (text: string) => void;
  /** True when stdout is a terminal. */
  readonly interactive: boolean;
}

export interface CommandContext {
  readonly target: ResolvedTarget;
  readonly store: SecretStore;
  readonly print: Printer;
  /** Present with --restart (and for `restart`): checked before any change. */
  readonly restarter: ServerRestarter | undefined;
  /** The `zonke secrets restart ...` command for this app, for hints. */
  readonly restartCommand: string;
}

export async function setKeys(
  context: CommandContext,
  entries: readonly KeyValue[],
): Promise<void> {
  const { target, store, print } = context;
  const result = await store.update((values) => {
    const next: Record<string, string | number | boolean> = { ...values };
    for (const { key, value } of entries) next[key] = value;
    return next;
  });
  const keys = entries.map((e) => e.key);
  for (const line of formatChange(result, { set: keys }, target)) print.out(line);
  const undeclared = keys.filter((key) => !target.declaredKeys.includes(key));
  if (undeclared.length > 0) print.err(`note: ${undeclared.join(", ")}: ${undeclaredNote(target)}`);
  await restartAfter(context, result);
}

export async function unsetKeys(context: CommandContext, keys: readonly string[]): Promise<void> {
  const { target, store, print } = context;
  let absent: string[] = [];
  const result = await store.update((values) => {
    checkKeys(keys, { existing: new Set(Object.keys(values)), changing: true });
    absent = keys.filter((key) => !Object.hasOwn(values, key));
    return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key)));
  });
  if (absent.length > 0) print.err(`not set, nothing to remove: ${absent.join(", ")}`);
  const removed = keys.filter((key) => Object.hasOwn(result.before.values, key));
  for (const line of formatChange(result, { removed }, target)) print.out(line);
  const { missing } = compareWithConfig(result.values, target);
  const nowMissing = removed.filter((key) => missing.includes(key));
  if (nowMissing.length > 0) print.err(`note: ${nowMissing.join(", ")}: ${missingNote(target)}`);
  await restartAfter(context, result);
}

export async function listKeys(context: CommandContext): Promise<void> {
  const snapshot = await context.store.read();
  for (const line of formatList(snapshot, context.target)) context.print.out(line);
}

export async function getKey(context: CommandContext, key: string, reveal: boolean): Promise<void> {
  const { store, print, target } = context;
  const snapshot = await store.read();
  const values: SecretValues = snapshot.values;
  checkKeys([key], { existing: new Set(Object.keys(values)), changing: false });
  if (!Object.hasOwn(values, key)) {
    throw new UsageError(
      `${key} is not set in ${target.names.secret} (${target.region})` +
        (target.declaredKeys.includes(key) ? ", although the config declares it" : ""),
    );
  }
  const value = values[key]!;
  if (!reveal) {
    print.out(formatKeyStatus(key, value));
    return;
  }
  // Only the value, for `$(zonke secrets get KEY --reveal)` and pipes; a newline only on a terminal.
  print.raw(print.interactive ? `${String(value)}\n` : String(value));
}

export async function restartServers(context: CommandContext): Promise<void> {
  const snapshot = await context.store.read();
  if (snapshot.versionId === undefined) {
    throw new UsageError(
      `${snapshot.name} has no value yet, so the servers have nothing new to load; set keys first`,
    );
  }
  for (const line of await context.restarter!.restart(snapshot.versionId)) context.print.out(line);
}

async function restartAfter(context: CommandContext, result: UpdateResult): Promise<void> {
  if (context.restarter === undefined) return;
  if (!result.changed || result.versionId === undefined) {
    context.print.out(
      `servers not restarted: nothing changed (\`${context.restartCommand}\` restarts them anyway)`,
    );
    return;
  }
  for (const line of await context.restarter.restart(result.versionId)) context.print.out(line);
}
