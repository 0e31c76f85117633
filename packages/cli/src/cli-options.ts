/**
 * What the parsers of the zonke commands' arguments share: finding the command word, node:util's
 * parseArgs as every command calls it, and the checks of the options that take a name, a list of
 * names, a path or the config file. Each check throws a UsageError (exit 2).
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors";

/** An option as parseArgs takes it. */
interface OptionConfig {
  readonly type: "string" | "boolean";
  readonly multiple?: boolean;
  readonly short?: string;
  readonly default?: string | boolean | string[] | boolean[];
}

/** `--env <name>`, `--app <name>`, `--config <file>`: what a command acts on, and the config. */
export const TARGET_OPTIONS = {
  env: { type: "string" },
  app: { type: "string" },
  config: { type: "string" },
} as const;

/** `--dry-run`: print the steps, run none. */
export const DRY_RUN_OPTION = { "dry-run": { type: "boolean", default: false } } as const;

const HELP_OPTION = { help: { type: "boolean", short: "h", default: false } } as const;

/** How every command calls parseArgs: strict, words besides options allowed, `-h, --help`. */
interface ParseConfig<O> {
  args: string[];
  allowPositionals: true;
  strict: true;
  options: O & typeof HELP_OPTION;
}

/** `argv` parsed with `options` (and `-h, --help`). */
export function parseOptions<O extends Readonly<Record<string, OptionConfig>>>(
  argv: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<ParseConfig<O>>> {
  return parseArgs<ParseConfig<O>>({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...options, ...HELP_OPTION },
  });
}

/**
 * The first argument that is neither an option nor an option's value: the command.
 * `valueOptions`: the options that take a value (their value is never the command).
 */
export function commandWord(
  argv: readonly string[],
  valueOptions: ReadonlySet<string>,
): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return argv[i + 1];
    if (!arg.startsWith("-")) return arg;
    if (valueOptions.has(arg)) i++;
  }
  return undefined;
}

/** Refuses words after the command: it takes options only. */
export function onlyOptions(command: string, extra: readonly string[]): void {
  if (extra.length > 0) {
    throw new UsageError(`${command} takes no arguments, only options (got ${extra.length})`);
  }
}

/** A required `--flag <value>`, trimmed. */
export function requiredOption(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`missing ${flag}`);
  return value.trim();
}

/** A required `--flag <name>`: one name (no lists: e.g. a build is of one app in one environment). */
export function requiredName(value: string | undefined, flag: string): string {
  const name = value?.trim();
  if (!name) throw new UsageError(`missing ${flag}`);
  if (name.includes(",")) {
    throw new UsageError(`${flag.split(" ")[0]} takes one name (got "${name}")`);
  }
  return name;
}

/** A repeatable `--flag <name>` that also takes lists (`web,api`): every name, in order. */
export function nameList(values: readonly string[] | undefined, flag: string): string[] {
  const names = (values ?? []).flatMap((item) => item.split(",")).map((item) => item.trim());
  if (names.some((name) => name === "")) throw new UsageError(`${flag} needs a name`);
  return names;
}

/** An optional `--flag <path>`: when given, not blank. */
export function pathOption(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && value.trim() === "") throw new UsageError(`${flag} needs a path`);
  return value;
}

/** The config file: `--config`, else $ZONKE_CONFIG; undefined: the default one. */
export function configFile(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return value || env["ZONKE_CONFIG"] || undefined;
}
