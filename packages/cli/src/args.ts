import { parseArgs } from "node:util";
import { UsageError } from "./errors";

export const USAGE = `usage: zonke secrets <command> --app <name> --env <name> [--config <file>]

Reads and changes an app's secret values in AWS Secrets Manager (the secret <project>/<env>/<app>,
a JSON object of KEY -> value). Values never pass through Terraform, and zonke prints a value only
when asked with --reveal.

commands:
  set KEY=VALUE...        set keys (add or replace); also --from-file <.env file>
  unset KEY...            remove keys
  list                    keys with masked values, when the value last changed, and the keys the
                          config declares but are not set (and the other way round)
  get KEY                 whether KEY is set and its length; --reveal prints only the value
  restart                 roll the app's servers so they load the current values

options:
  --app <name>            the app (its name in the config)
  --env <name>            the environment (its name in the config)
  --config <file>         the config file (default: zonke.config.ts; env ZONKE_CONFIG)
  --from-file <file>      set: read KEY=VALUE lines (dotenv syntax) from a file; - reads stdin
  --restart               set, unset: after the change, roll the servers onto the new values
  --wait                  with --restart and restart: wait until an ECS service is stable on the
                          new tasks (up to 10 minutes; a Lambda restart is complete without it)
  --reveal                get: print the value (only the value, for piping)
  -h, --help              print this help

Exit codes: 0 done, 1 AWS refused or failed, 2 a mistake to fix (arguments, config, keys,
credentials, account), 70 a bug in zonke.`;

export interface Target {
  readonly app: string;
  readonly env: string;
  readonly config: string | undefined;
}

/** `KEY=VALUE` from the command line; `position` is the argument's 1-based place after the command. */
export interface Assignment {
  readonly key: string;
  readonly value: string;
  readonly position: number;
}

export type SecretsCommand =
  | {
      readonly name: "set";
      readonly assignments: readonly Assignment[];
      readonly fromFile: string | undefined;
      readonly restart: boolean;
      /** With `restart`: wait until the servers run the new values (ECS: the service is stable). */
      readonly wait: boolean;
    }
  | {
      readonly name: "unset";
      readonly keys: readonly string[];
      readonly restart: boolean;
      readonly wait: boolean;
    }
  | { readonly name: "list" }
  | { readonly name: "get"; readonly key: string; readonly reveal: boolean }
  | { readonly name: "restart"; readonly wait: boolean };

export type Invocation =
  | { readonly help: true }
  | { readonly help: false; readonly command: SecretsCommand; readonly target: Target };

const COMMANDS = ["set", "unset", "list", "get", "restart"] as const;

/** Parses `zonke ...` arguments; throws a UsageError that never repeats a value. */
export function parseInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      app: { type: "string" },
      env: { type: "string" },
      config: { type: "string" },
      "from-file": { type: "string" },
      restart: { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
      reveal: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { help: true };
  const [group, commandName, ...rest] = positionals;
  if (group !== "secrets") {
    throw new UsageError(
      group === undefined
        ? "missing command: zonke secrets <command>"
        : `unknown command "${group}"; the only command is secrets`,
    );
  }
  if (!isCommand(commandName)) {
    throw new UsageError(
      commandName === undefined
        ? `missing secrets command: one of ${COMMANDS.join(", ")}`
        : `unknown secrets command "${commandName}"; use one of ${COMMANDS.join(", ")}`,
    );
  }
  const only = (flag: "from-file" | "restart" | "reveal" | "wait", commands: readonly string[]) => {
    const given = flag === "from-file" ? values[flag] !== undefined : values[flag];
    if (given && !commands.includes(commandName)) {
      const names = `${commands.slice(0, -1).join(", ")} and ${commands.at(-1)}`;
      throw new UsageError(
        `--${flag} applies to ${commands.length > 1 ? names : commands[0]} only`,
      );
    }
  };
  only("from-file", ["set"]);
  only("restart", ["set", "unset"]);
  only("reveal", ["get"]);
  only("wait", ["set", "unset", "restart"]);
  if (values.wait && commandName !== "restart" && !values.restart) {
    throw new UsageError("--wait waits for the restart: use it with --restart");
  }

  const target: Target = {
    app: required(values.app, "--app <name>"),
    env: required(values.env, "--env <name>"),
    config: values.config || env["ZONKE_CONFIG"] || undefined,
  };
  return { help: false, command: command(commandName, rest, values), target };
}

function command(
  name: (typeof COMMANDS)[number],
  rest: readonly string[],
  values: { "from-file"?: string; restart: boolean; reveal: boolean; wait: boolean },
): SecretsCommand {
  switch (name) {
    case "set": {
      const assignments = rest.map(parseAssignment);
      const fromFile = values["from-file"];
      if (assignments.length === 0 && fromFile === undefined) {
        throw new UsageError("set needs KEY=VALUE arguments or --from-file <file>");
      }
      return { name, assignments, fromFile, restart: values.restart, wait: values.wait };
    }
    case "unset":
      if (rest.length === 0) throw new UsageError("unset needs the keys to remove: unset KEY...");
      return { name, keys: rest, restart: values.restart, wait: values.wait };
    case "get":
      // A second argument may be a value typed by mistake (`get KEY value`): never echo it.
      if (rest.length !== 1) throw new UsageError("get takes exactly one key: get KEY [--reveal]");
      return { name, key: rest[0]!, reveal: values.reveal };
    case "list":
    case "restart":
      if (rest.length > 0) {
        throw new UsageError(`${name} takes no arguments (got ${rest.length})`);
      }
      return name === "list" ? { name } : { name, wait: values.wait };
  }
}

/**
 * `KEY=VALUE`, split at the first `=`. A malformed argument may be a bare value (`set API_KEY
 * s3cr3t`), so errors name its position, never its text.
 */
export function parseAssignment(argument: string, index: number): Assignment {
  const position = index + 1;
  const at = argument.indexOf("=");
  if (at < 0) {
    throw new UsageError(
      `argument ${position} after "set" is not KEY=VALUE (it has no "="); to read values from a file use --from-file`,
    );
  }
  if (at === 0) {
    throw new UsageError(`argument ${position} after "set" has no key before "="`);
  }
  return { key: argument.slice(0, at), value: argument.slice(at + 1), position };
}

function isCommand(name: string | undefined): name is (typeof COMMANDS)[number] {
  return (COMMANDS as readonly (string | undefined)[]).includes(name);
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`missing ${flag}`);
  return value.trim();
}
