import type { BuildspecObject } from "@zonke/modules";

/**
 * The pipeline's buildspecs, made of the same `zonke` commands a developer runs (each takes
 * `--dry-run`: `zonke pipeline dry-run` runs them all that way), so the pipeline is never a second
 * implementation of a deploy.
 */
export interface PipelineBuildspecs {
  readonly selfUpdate: BuildspecObject;
  readonly build: BuildspecObject;
  readonly plan: BuildspecObject;
  readonly deploy: BuildspecObject;
  readonly release: BuildspecObject;
}

/** The file the deploy step writes and CodeBuild exports to the Migrate action. */
export const DEPLOY_EXPORTS_FILE = "deploy.env";
/** What Migrate's UserParameters are read from: the app stack's `migration` output. */
export const MIGRATION_VARIABLE = "MIGRATION_PARAMETERS";

/** Every stage starts from a clean machine: locked packages, then the CLI itself. */
const INSTALL = [
  "npm ci --no-audit --no-fund",
  "npx turbo run build --filter=@zonke/cli... --output-logs=errors-only",
];

/** What later stages need of a build: everything but what `npm ci` restores or nobody reads. */
const WORKSPACE_ARTIFACT = {
  files: ["**/*"],
  "exclude-paths": [
    "**/node_modules/**/*",
    ".git/**/*",
    "**/.next/cache/**/*",
    "**/.terraform/**/*",
  ],
  "enable-symlinks": "yes",
};

/** CodeBuild's runtimes: Node.js everywhere; the build also runs the image scripts (Python 3.11+). */
const RUNTIMES = { nodejs: 22 };
const BUILD_RUNTIMES = { ...RUNTIMES, python: 3.11 };

function buildspec(
  commands: readonly string[],
  extra: Partial<Omit<BuildspecObject, "version" | "phases">> = {},
  runtimes: Readonly<Record<string, number>> = RUNTIMES,
): BuildspecObject {
  return {
    version: 0.2,
    ...extra,
    phases: {
      install: { "runtime-versions": runtimes, commands: INSTALL },
      build: { commands: [...commands] },
    },
  };
}

export function pipelineBuildspecs(options: {
  readonly envName: string;
  readonly appName: string;
  /** The app has a database: Deploy exports the migrator's parameters. */
  readonly migrates: boolean;
}): PipelineBuildspecs {
  const target = `--env ${options.envName} --app ${options.appName}`;
  return {
    selfUpdate: buildspec([`npx zonke pipeline deploy ${target} --self-update`]),
    build: buildspec(
      [`npx zonke build ${target}`],
      { artifacts: WORKSPACE_ARTIFACT },
      BUILD_RUNTIMES,
    ),
    plan: buildspec([`npx zonke plan ${target} --no-synth --skip-pipeline`], {
      artifacts: WORKSPACE_ARTIFACT,
    }),
    deploy: buildspec(
      [
        `npx zonke deploy ${target} --exports ${DEPLOY_EXPORTS_FILE}`,
        `npx zonke assets upload ${target}`,
        ...(options.migrates ? [`set -a && . ./${DEPLOY_EXPORTS_FILE} && set +a`] : []),
      ],
      options.migrates ? { env: { "exported-variables": [MIGRATION_VARIABLE] } } : {},
    ),
    release: buildspec([`npx zonke release ${target}`]),
  };
}
