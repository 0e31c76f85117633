import { UsageError } from "./errors";
import {
  commandWord,
  configFile,
  DRY_RUN_OPTION,
  nameList,
  onlyOptions,
  parseOptions,
  pathOption,
  requiredOption,
  TARGET_OPTIONS,
} from "./cli-options";
import { parseBuildInvocation, type BuildCommand } from "./build/args";
import { parsePipelineInvocation, type PipelineCommand } from "./pipeline/args";
import { parseDeployInvocation, type DeployInvocation } from "./deploy/args";

export const USAGE = `usage: zonke secrets <command> --app <name> --env <name> [--config <file>]
       zonke plan [--markdown] [--env <name>]... [--app <name>]... [--plans <dir>] [--out <file>]
                                                 (zonke plan --help: its options)
       zonke build --env <name> --app <name> [--dry-run]          (zonke build --help)
       zonke pipeline deploy|dry-run --env <name> [--app <name>]   (zonke pipeline --help)
       zonke deploy|release|assets upload --env <name> --app <name> [--dry-run]
                                                 (zonke deploy --help, ...: their options)

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

export const PLAN_USAGE = `usage: zonke plan [--markdown] [--env <name>]... [--app <name>]... [--plans <dir>] [--out <file>]
                  [--no-synth] [--skip-pipeline] [--dry-run] [--config <file>]

Shows what Terraform would change, per stack: a table of resources to add, change, replace and
destroy (⚠ where a stateful resource such as a database, bucket, secret or image repository would
be destroyed or replaced), then every changed address. With --markdown: one Markdown comment for a
pull request (at most 65,536 characters, GitHub's limit), which a workflow creates or updates.

Without --plans, synthesises the stacks of the chosen environments and apps into cdktf.out and runs
terraform init, plan -out and show -json in each (with the environment's configured state backend
and the AWS credentials in use, or the deploy role $ZONKE_DEPLOY_ROLE_ARN when set); plans are kept
as cdktf.out/plans/<stack>.json. A stack that runs an image by digest is planned with the image
zonke build pushed for its app (.zonke/images/<env>/<app>.digest) when there is one.

options:
  --markdown              print (or write to --out) the pull-request comment instead of the table
  --env <name>            an environment to plan (repeat, or dev,prod; default: all)
  --app <name>            only this app's stacks (repeat, or web,api; default: every stack,
                          the shared network and state stacks included)
  --plans <dir>           render the plans in <dir> instead: one <stack>.json per stack, each the
                          output of terraform show -json <planfile>; nothing is synthesised or run
  --out <file>            write the comment (or the table) to <file>; the table still goes to stdout
  --no-synth              plan the stacks zonke build synthesised into cdktf.out (all of them must
                          be there) instead of synthesising
  --skip-pipeline         leave out the apps' <project>-<env>-<app>-pipeline stacks (zonke pipeline
                          deploy applies those)
  --dry-run               print the steps (+ terraform ...) without running Terraform or writing
  --config <file>         the config file (default: zonke.config.ts; env ZONKE_CONFIG)
  -h, --help              print this help

Terraform: $ZONKE_TERRAFORM, else $TERRAFORM_BINARY_NAME, terraform or tofu on PATH, else the CLI
that scripts/terraform-toolchain prepared.

Exit codes: 0 rendered (changes or not), 1 a stack could not be planned (the output says which and
why), 2 a mistake to fix (arguments, config, plan files, --no-synth without zonke build), 3
Terraform not found, 70 a bug in zonke.`;

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

/** `zonke plan ...` */
export interface PlanCommand {
  readonly markdown: boolean;
  /** Environments to plan; empty: all of them. */
  readonly environments: readonly string[];
  /** Apps whose stacks to plan; empty: every stack. */
  readonly apps: readonly string[];
  /** Render the `<stack>.json` files in this folder instead of planning. */
  readonly plansDir: string | undefined;
  readonly out: string | undefined;
  readonly config: string | undefined;
  /** Synthesise first (else plan what cdktf.out holds: `--no-synth`). */
  readonly synth: boolean;
  /** Leave out the `-pipeline` stacks. */
  readonly skipPipeline: boolean;
  /** Print the steps only. */
  readonly dryRun: boolean;
}

export type Invocation =
  | { readonly help: true; readonly usage: string }
  | {
      readonly help: false;
      readonly name: "secrets";
      readonly command: SecretsCommand;
      readonly target: Target;
    }
  | { readonly help: false; readonly name: "plan"; readonly plan: PlanCommand }
  | { readonly help: false; readonly name: "build"; readonly build: BuildCommand }
  | { readonly help: false; readonly name: "pipeline"; readonly pipeline: PipelineCommand }
  | DeployInvocation;

const COMMANDS = ["set", "unset", "list", "get", "restart"] as const;

/** The options of every command that take a value (to find the command word among them). */
const VALUE_OPTIONS = new Set(["--app", "--env", "--config", "--from-file", "--plans", "--out"]);

/** Parses `zonke ...` arguments; throws a UsageError that never repeats a value. */
export function parseInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const deploy = parseDeployInvocation(argv, env); // deploy, assets upload, release
  if (deploy) return deploy;
  const word = commandWord(argv, VALUE_OPTIONS);
  if (word === "plan") return parsePlanInvocation(argv, env);
  if (word === "build") return parseBuildInvocation(argv, env);
  if (word === "pipeline") return parsePipelineInvocation(argv, env);
  return parseSecretsInvocation(argv, env);
}

function parsePlanInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const { values, positionals } = parseOptions(argv, {
    markdown: { type: "boolean", default: false },
    env: { type: "string", multiple: true },
    app: { type: "string", multiple: true },
    plans: { type: "string" },
    out: { type: "string" },
    config: { type: "string" },
    "no-synth": { type: "boolean", default: false },
    "skip-pipeline": { type: "boolean", default: false },
    ...DRY_RUN_OPTION,
  });
  if (values.help) return { help: true, usage: PLAN_USAGE };
  for (const flag of ["no-synth", "dry-run"] as const) {
    if (values[flag] && values.plans !== undefined) {
      throw new UsageError(`--${flag} plans with Terraform; --plans renders plans made elsewhere`);
    }
  }
  onlyOptions(
    "plan",
    positionals.filter((_, index) => index !== positionals.indexOf("plan")),
  );
  const names = (list: readonly string[] | undefined, flag: string) => [
    ...new Set(nameList(list, flag)),
  ];
  return {
    help: false,
    name: "plan",
    plan: {
      markdown: values.markdown,
      environments: names(values.env, "--env"),
      apps: names(values.app, "--app"),
      plansDir: pathOption(values.plans, "--plans <dir>"),
      out: pathOption(values.out, "--out <file>"),
      config: configFile(values.config, env),
      synth: !values["no-synth"],
      skipPipeline: values["skip-pipeline"],
      dryRun: values["dry-run"],
    },
  };
}

function parseSecretsInvocation(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const { values, positionals } = parseOptions(argv, {
    ...TARGET_OPTIONS,
    "from-file": { type: "string" },
    restart: { type: "boolean", default: false },
    wait: { type: "boolean", default: false },
    reveal: { type: "boolean", default: false },
  });
  if (values.help) return { help: true, usage: USAGE };
  const [group, commandName, ...rest] = positionals;
  if (group !== "secrets") {
    throw new UsageError(
      group === undefined
        ? "missing command: use one of build, plan, deploy, assets, release, pipeline, secrets"
        : `unknown command "${group}"; use one of build, plan, deploy, assets, release, pipeline, secrets`,
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
    app: requiredOption(values.app, "--app <name>"),
    env: requiredOption(values.env, "--env <name>"),
    config: configFile(values.config, env),
  };
  return { help: false, name: "secrets", command: command(commandName, rest, values), target };
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
