import { UsageError } from "../errors";
import {
  configFile,
  DRY_RUN_OPTION,
  nameList,
  onlyOptions,
  parseOptions,
  requiredName,
  TARGET_OPTIONS,
} from "../cli-options";

export const PIPELINE_USAGE = `usage: zonke pipeline deploy --env <name> [--app <name>]... [--yes] [--self-update] [--dry-run]
       zonke pipeline dry-run --env <name> --app <name>
                                                 (both also take --config <file>)

zonke pipeline deploy creates or updates apps' delivery pipelines: it synthesises the environment's
shared and pipeline stacks (no app needs to be built), then runs terraform init, plan -out and apply
of <project>-<env>-delivery (the connection and the deploy role) and, for each app (default: every
app), <project>-<env>-<app>-registry (the image repository, if the app has one) and
<project>-<env>-<app>-pipeline. Run it once from a laptop to create an app's pipeline; from then
on the pipeline's UpdatePipeline stage runs it with --self-update. It shows the plans, then asks
before applying (--yes: without asking; needed when there is no terminal to ask on).

  --self-update           inside the pipeline only (ZONKE_PIPELINE_NAME and
                          ZONKE_PIPELINE_EXECUTION_ID set, one --app): when the pipeline's own
                          stack changed, apply it, start a new execution of the same commit
                          (it runs the new definition) and stop this one; otherwise print
                          "pipeline up to date"

zonke pipeline dry-run shows one full run of an app's pipeline without touching AWS: it
synthesises the app's pipeline stack (in a temporary folder), and for each stage in order
prints its buildspec's commands; every \`npx zonke ...\` command runs for real with --dry-run (its
steps shown under it; one that fails fails the dry run), other commands are shown as "would run",
and the Source, Approval and Migrate actions are described.

options:
  --env <name>            the environment (its name in the config)
  --app <name>            the app (repeat, or web,api, for deploy; one for dry-run)
  --config <file>         the config file (default: zonke.config.ts; env ZONKE_CONFIG)
  --yes                   deploy: apply without asking
  --dry-run               deploy: print each step (+ ...) without running Terraform or calling AWS
  -h, --help              print this help

Terraform: $ZONKE_TERRAFORM, else $TERRAFORM_BINARY_NAME, terraform or tofu on PATH, else the CLI
that scripts/terraform-toolchain prepared; it runs as $ZONKE_DEPLOY_ROLE_ARN when that is set.

Exit codes: 0 done (or nothing to change), 1 Terraform or AWS failed (dry-run: a command of the
pipeline failed), 2 a mistake to fix (arguments, config, no pipeline stack, no confirmation),
3 Terraform not found, 70 a bug in zonke.`;

export interface PipelineDeployCommand {
  readonly name: "deploy";
  readonly env: string;
  /** Empty: every app. */
  readonly apps: readonly string[];
  readonly config: string | undefined;
  readonly selfUpdate: boolean;
  readonly yes: boolean;
  readonly dryRun: boolean;
}

export interface PipelineDryRunCommand {
  readonly name: "dry-run";
  readonly env: string;
  readonly app: string;
  readonly config: string | undefined;
}

export type PipelineCommand = PipelineDeployCommand | PipelineDryRunCommand;

export type PipelineInvocation =
  | { readonly help: true; readonly usage: string }
  | { readonly help: false; readonly name: "pipeline"; readonly pipeline: PipelineCommand };

const SUBCOMMANDS = ["deploy", "dry-run"] as const;

export function parsePipelineInvocation(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): PipelineInvocation {
  const { values, positionals } = parseOptions(argv, {
    ...TARGET_OPTIONS,
    app: { type: "string", multiple: true },
    "self-update": { type: "boolean", default: false },
    yes: { type: "boolean", default: false },
    ...DRY_RUN_OPTION,
  });
  if (values.help) return { help: true, usage: PIPELINE_USAGE };
  const [group, subcommand, ...rest] = positionals;
  if (group !== "pipeline") throw new UsageError('expected "zonke pipeline <command>"');
  if (subcommand !== "deploy" && subcommand !== "dry-run") {
    throw new UsageError(
      subcommand === undefined
        ? `missing pipeline command: one of ${SUBCOMMANDS.join(", ")}`
        : `unknown pipeline command "${subcommand}"; use one of ${SUBCOMMANDS.join(", ")}`,
    );
  }
  onlyOptions(`pipeline ${subcommand}`, rest);
  const environment = requiredName(values.env, "--env <name>");
  const config = configFile(values.config, env);
  const apps = nameList(values.app, "--app");

  if (subcommand === "dry-run") {
    for (const flag of ["self-update", "yes", "dry-run"] as const) {
      if (values[flag]) {
        throw new UsageError(`--${flag} applies to pipeline deploy only (dry-run changes nothing)`);
      }
    }
    if (apps.length !== 1) {
      throw new UsageError(
        apps.length === 0
          ? "missing --app <name>: pipeline dry-run shows one app's pipeline"
          : `pipeline dry-run shows one app's pipeline (got --app ${apps.join(",")})`,
      );
    }
    return {
      help: false,
      name: "pipeline",
      pipeline: { name: "dry-run", env: environment, app: apps[0]!, config },
    };
  }
  if (values["self-update"] && apps.length !== 1) {
    throw new UsageError(
      "--self-update updates the pipeline it runs in: give its one app with --app <name>",
    );
  }
  return {
    help: false,
    name: "pipeline",
    pipeline: {
      name: "deploy",
      env: environment,
      apps: [...new Set(apps)],
      config,
      selfUpdate: values["self-update"],
      yes: values.yes,
      dryRun: values["dry-run"],
    },
  };
}
