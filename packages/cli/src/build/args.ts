import {
  configFile,
  DRY_RUN_OPTION,
  onlyOptions,
  parseOptions,
  requiredName,
  TARGET_OPTIONS,
} from "../cli-options";

export const BUILD_USAGE = `usage: zonke build --env <name> --app <name> [--config <file>] [--dry-run]

Builds everything the pipeline's Plan stage needs for one app in one environment, in this order:

  1. the workspace packages and the app (Turborepo: npx turbo run build, cached);
  2. the app's Lambda packages (zonke-build-apps --app <name> --no-next-build);
  3. for an app whose servers run from a container image (Django; Next.js on ECS): the image
     (Django: packages/lambdas/django-runtime/scripts/build-image, which also copies its
     collected static files to <app path>/staticfiles for zonke assets upload; Next.js:
     zonke-next-image), pushed to the app's ECR
     repository <account>.dkr.ecr.<region>.amazonaws.com/<project>/<env>/<app> after an ECR
     login (the token from the AWS SDK, given to docker or buildah on stdin), and the pushed
     image's digest written to .zonke/images/<env>/<app>.digest (zonke plan deploys it);
  4. the environment's stacks, synthesised into cdktf.out (zonke-synth --env <name>).

options:
  --env <name>            the environment (its name in the config)
  --app <name>            the app (its name in the config)
  --config <file>         the config file (default: zonke.config.ts; env ZONKE_CONFIG)
  --dry-run               print each step (+ ...) without running anything or writing files
  -h, --help              print this help

The container engine is docker when its daemon answers, else buildah (as the image scripts choose
it). Images are built for linux/arm64, what the stacks run (Lambda and ECS).

Exit codes: 0 built, 1 a step failed (its output says why) or AWS refused, 2 a mistake to fix
(arguments, config, an app that cannot be built as it is), 3 a missing tool (docker or buildah,
python3), 70 a bug in zonke.`;

/** `zonke build ...` */
export interface BuildCommand {
  readonly env: string;
  readonly app: string;
  readonly config: string | undefined;
  readonly dryRun: boolean;
}

export type BuildInvocation =
  | { readonly help: true; readonly usage: string }
  | { readonly help: false; readonly name: "build"; readonly build: BuildCommand };

export function parseBuildInvocation(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): BuildInvocation {
  const { values, positionals } = parseOptions(argv, { ...TARGET_OPTIONS, ...DRY_RUN_OPTION });
  if (values.help) return { help: true, usage: BUILD_USAGE };
  onlyOptions(
    "build",
    positionals.filter((_, index) => index !== positionals.indexOf("build")),
  );
  return {
    help: false,
    name: "build",
    build: {
      env: requiredName(values.env, "--env <name>"),
      app: requiredName(values.app, "--app <name>"),
      config: configFile(values.config, env),
      dryRun: values["dry-run"],
    },
  };
}
