/**
 * Arguments and usage of the commands the delivery pipeline runs after its Plan stage (and a
 * developer can run the same way): `zonke deploy`, `zonke assets upload`, `zonke release`.
 */
import { UsageError } from "../errors";
import type { Target } from "../args";
import {
  commandWord,
  configFile,
  DRY_RUN_OPTION,
  parseOptions,
  pathOption,
  requiredOption,
  TARGET_OPTIONS,
} from "../cli-options";

const COMMON_OPTIONS = `  --env <name>            the environment (its name in the config)
  --app <name>            the app (its name in the config)
  --config <file>         the config file (default: zonke.config.ts; env ZONKE_CONFIG)
  --dry-run               check the arguments and the config, print every step as a "+ " line,
                          and stop: no AWS call, no Terraform, no file written
  -h, --help              print this help`;

const ROLE_NOTE = `With ZONKE_DEPLOY_ROLE_ARN set (the pipeline sets it), Terraform and the AWS calls run as that
role, assumed with the credentials in use; without it, as the credentials in use.`;

const EXIT_CODES = `Exit codes: 0 done, 1 AWS or Terraform failed (the message says which step), 2 a mistake to fix
(arguments, config, a missing plan or build), 3 Terraform not found, 70 a bug in zonke.`;

export const DEPLOY_USAGE = `usage: zonke deploy --env <name> --app <name> [--exports <file>] [--config <file>] [--dry-run]

Applies the plans that \`zonke plan --env <name> --app <name>\` saved (zonke.tfplan in each stack's
folder under cdktf.out/stacks): the app's image registry stack first when it has one, then the app's
stack, with terraform init and apply. Traffic does not move: \`zonke release\` moves it.

options:
  --exports <file>        write the variables the next pipeline stages need as KEY='value' lines
                          for a shell to source: MIGRATION_PARAMETERS (the migrator's parameters,
                          compact JSON; empty for an app without a database)
${COMMON_OPTIONS}

${ROLE_NOTE}

${EXIT_CODES}`;

export const ASSETS_USAGE = `usage: zonke assets upload --env <name> --app <name> [--config <file>] [--dry-run]

Uploads the app's static files to its assets bucket (skipping unchanged files) and invalidates the
changed paths on its CloudFront distribution; the bucket and the distribution come from the
deployed stack's outputs. Next.js: <path>/.next/static under /_next/static/ and <path>/public
under /. Django: collectstatic's output, <path>/staticfiles, under /static/ (a Django API behind a
Next.js front end: into the front end's bucket, which serves /static/). Files of older builds stay.

options:
${COMMON_OPTIONS}

${ROLE_NOTE}

${EXIT_CODES}`;

export const RELEASE_USAGE = `usage: zonke release --env <name> --app <name> [--timeout <minutes>] [--config <file>] [--dry-run]

Moves the app's traffic to what \`zonke deploy\` deployed (the stack's output "release"):
- Lambda: points the alias (live) at the new version, then invokes it with a GET of the health
  check path; when it answers with a function error or a status of 500 or more, points the alias
  back at the previous version and fails.
- ECS: updates the service to the new task definition and waits until ECS has completed the
  rollout; fails when the rollout fails or the deployment circuit breaker rolls it back.

options:
  --timeout <minutes>     longest wait for an ECS rollout (default 30)
${COMMON_OPTIONS}

${ROLE_NOTE}

${EXIT_CODES}`;

export const DEFAULT_RELEASE_TIMEOUT_MINUTES = 30;

export type DeployCommand =
  | { readonly name: "deploy"; readonly exports: string | undefined }
  | { readonly name: "assets upload" }
  | { readonly name: "release"; readonly timeoutMinutes: number };

export interface DeployInvocation {
  readonly help: false;
  readonly name: "deploy" | "assets" | "release";
  readonly command: DeployCommand;
  readonly target: Target;
  readonly dryRun: boolean;
}

const GROUPS = ["deploy", "assets", "release"] as const;
type Group = (typeof GROUPS)[number];

/** Options of every zonke command that take a value, to find the command word among them. */
const VALUE_OPTIONS = new Set([
  "--app",
  "--env",
  "--config",
  "--exports",
  "--timeout",
  "--from-file",
  "--plans",
  "--out",
]);

/**
 * Parses `zonke deploy|assets|release ...`; undefined when the command is another one. Throws a
 * UsageError (exit 2) for a mistake.
 */
export function parseDeployInvocation(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): DeployInvocation | { readonly help: true; readonly usage: string } | undefined {
  const group = commandWord(argv, VALUE_OPTIONS);
  if (!isGroup(group)) return undefined;
  const { values, positionals } = parseOptions(argv, {
    ...TARGET_OPTIONS,
    ...DRY_RUN_OPTION,
    exports: { type: "string" },
    timeout: { type: "string" },
  });
  const usage = { deploy: DEPLOY_USAGE, assets: ASSETS_USAGE, release: RELEASE_USAGE }[group];
  if (values.help) return { help: true, usage };

  const words = positionals.slice(positionals.indexOf(group) + 1);
  let command: DeployCommand;
  if (group === "assets") {
    const [sub, ...rest] = words;
    if (sub !== "upload") {
      throw new UsageError(
        sub === undefined
          ? "missing assets command: zonke assets upload"
          : `unknown assets command "${sub}"; the only one is upload`,
      );
    }
    noArguments("assets upload", rest);
    command = { name: "assets upload" };
  } else {
    noArguments(group, words);
    command =
      group === "deploy"
        ? { name: "deploy", exports: pathOption(values.exports, "--exports <file>") }
        : { name: "release", timeoutMinutes: timeoutOption(values.timeout) };
  }
  if (values.exports !== undefined && command.name !== "deploy") {
    throw new UsageError("--exports applies to zonke deploy only");
  }
  if (values.timeout !== undefined && command.name !== "release") {
    throw new UsageError("--timeout applies to zonke release only");
  }
  return {
    help: false,
    name: group,
    command,
    target: {
      env: requiredOption(values.env, "--env <name>"),
      app: requiredOption(values.app, "--app <name>"),
      config: configFile(values.config, env),
    },
    dryRun: values["dry-run"],
  };
}

function isGroup(word: string | undefined): word is Group {
  return (GROUPS as readonly (string | undefined)[]).includes(word);
}

function noArguments(command: string, words: readonly string[]): void {
  if (words.length > 0) {
    throw new UsageError(`${command} takes no arguments, only options (got "${words[0]}")`);
  }
}

function timeoutOption(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RELEASE_TIMEOUT_MINUTES;
  const minutes = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(minutes > 0 && minutes <= 24 * 60)) {
    throw new UsageError(
      `--timeout "${value}" is not allowed; use a number of minutes above 0, at most 1440`,
    );
  }
  return minutes;
}
