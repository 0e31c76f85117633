/**
 * `zonke build --env E --app A`: everything the pipeline's Plan stage needs, in order: the
 * workspace packages and the app (Turborepo), the app's Lambda packages (zonke-build-apps), the
 * app's container image when its servers run from one (built by the image scripts, pushed to its
 * ECR repository, its digest recorded in `.zonke/images/<env>/<app>.digest`), and the
 * environment's stacks (zonke-synth into cdktf.out). See BUILD_USAGE in ./args.ts.
 *
 * Each step is printed before it runs (`+ ...`, like `set -x`; ../steps.ts): on stderr among the
 * tools' own output, and the summary on stdout. `--dry-run` prints the same steps on stdout and
 * runs none of them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { appResourceNames, type AppConfig, type LoadedConfig } from "@zonke/stacks";
import { deployRoleArn } from "../aws/deploy-role";
import { loadSelectedConfig } from "../plan/stacks";
import type { BuildCommand } from "./args";
import { digestFile, staticFilesDir, writeDigest } from "./digest";
import {
  engineWords,
  findContainerEngine,
  guessContainerEngine,
  IMAGE_PLATFORM,
  imageKindOf,
  imageTag,
  pushCommand,
  pushedDigest,
  scratchDir,
  type ContainerEngine,
  type ImageKind,
} from "./image";
import { runChecked } from "./process";
import { ecrLogin, type RegistryLogin } from "./registry";
import { displayPath, shellWord, stepText } from "./shell";
import { Steps, type StepIo } from "../steps";
import { findBuildTools, findPython, type BuildTools } from "./tools";

export interface BuildRunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** How to log in to ECR. @default ECR's GetAuthorizationToken through the AWS SDK */
  readonly registryLogin?: RegistryLogin;
  /** The image tag's time. @default now */
  readonly now?: Date;
}

/** What a build of one app in one environment acts on, resolved from the config. */
export interface BuildTarget {
  readonly loaded: LoadedConfig;
  readonly env: string;
  readonly app: AppConfig;
  readonly account: string;
  readonly region: string;
  readonly image: ImageKind | undefined;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<project>/<env>/<app>`. */
  readonly repositoryUrl: string;
  readonly digestFile: string;
  readonly staticDir: string;
}

export function resolveBuildTarget(
  command: Pick<BuildCommand, "env" | "app" | "config">,
  cwd: string,
): BuildTarget {
  const loaded = loadSelectedConfig(
    command.config,
    { environments: [command.env], apps: [command.app] },
    cwd,
  );
  const { config, root } = loaded;
  const environment = config.environments[command.env]!;
  const app = config.apps.find((candidate) => candidate.name === command.app)!;
  const names = appResourceNames(config.project, command.env, app.name);
  return {
    loaded,
    env: command.env,
    app,
    account: environment.account,
    region: environment.region,
    image: imageKindOf(app),
    repositoryUrl: `${environment.account}.dkr.ecr.${environment.region}.amazonaws.com/${names.imageRepository}`,
    digestFile: digestFile(root, command.env, app.name),
    staticDir: staticFilesDir(root, app.path),
  };
}

/** Runs `zonke build`; returns 0, or throws the CLI error of the step that failed. */
export async function runBuild(
  command: BuildCommand,
  io: StepIo,
  options: BuildRunOptions,
): Promise<number> {
  const { cwd, env } = options;
  const log = new Steps(io, command.dryRun);
  const target = resolveBuildTarget(command, cwd);
  const { app, loaded } = target;
  const tools = findBuildTools(loaded.root);
  // The tools an image needs, before the slow steps: a missing engine is found in a second.
  let engine: ContainerEngine | undefined;
  let python: string | undefined;
  if (target.image !== undefined) {
    if (command.dryRun) {
      const guess = guessContainerEngine(env);
      engine = guess.engine;
      if (guess.note) log.note(guess.note);
    } else {
      engine = findContainerEngine(env, tools.stacksDir);
      if (target.image === "django") python = findPython(env);
    }
  }

  const shown = (file: string) => displayPath(file, cwd);
  const configArgs = command.config ? ["--config", command.config] : [];
  const processOptions = { cwd, env, forward: log.tool };
  const step = async (words: readonly string[], run: () => Promise<unknown>) => {
    log.step(stepText(words));
    if (!command.dryRun) await run();
  };
  const node = (script: string, args: readonly string[]) => ({
    run: [process.execPath, script, ...args],
    shown: ["node", shown(script), ...args],
  });

  if (target.image !== undefined) {
    // A digest left by an earlier build must not outlive a failed one: plan would deploy it.
    await step(["rm", "-f", shown(target.digestFile)], async () =>
      fs.rmSync(target.digestFile, { force: true }),
    );
  }

  // 1. The workspace packages (the stacks and image tools among them) and the app.
  const appPackage = workspacePackageName(path.resolve(loaded.root, app.path));
  const turbo = [
    "npx",
    "--no-install",
    "turbo",
    "run",
    "build",
    "--filter=@zonke/stacks...",
    ...(appPackage ? [`--filter=${appPackage}...`] : []),
    "--output-logs=errors-only",
  ];
  await step(turbo, () => runChecked(turbo, "npx turbo run build", processOptions));

  // 2. The app's Lambda packages, from the build Turborepo just made.
  const packaging = node(tools.buildApps, ["--app", app.name, "--no-next-build", ...configArgs]);
  await step(packaging.shown, () => runChecked(packaging.run, "zonke-build-apps", processOptions));

  // 3. The image, pushed, and its digest.
  let pushed: { reference: string; digest: string } | undefined;
  if (target.image !== undefined && engine !== undefined) {
    pushed = await buildAndPushImage(target, {
      engine,
      tools,
      python,
      tag: imageTag(env, cwd, options.now),
      log,
      cwd,
      env,
      registryLogin: options.registryLogin ?? ecrLogin,
    });
  }

  // 4. The app's stacks (and its API's): the other apps need not be built.
  const synth = node(tools.synth, [
    "--env",
    target.env,
    "--app",
    app.name,
    "--quiet",
    ...configArgs,
  ]);
  await step(synth.shown, () => runChecked(synth.run, "zonke-synth", processOptions));

  if (command.dryRun) {
    log.note(`dry run: nothing was built, pushed or written (${app.name}, ${target.env})`);
    return 0;
  }
  log.result(`built ${app.name} for ${target.env}:`);
  if (pushed) {
    log.result(`  image   ${target.repositoryUrl}@${pushed.digest}`);
    log.result(`  tag     ${pushed.reference.slice(target.repositoryUrl.length + 1)}`);
    log.result(`  digest  ${shown(target.digestFile)} (zonke plan deploys it)`);
    if (target.image === "django") log.result(`  static  ${shown(target.staticDir)}`);
  } else {
    log.result("  image   none (its servers run from its Lambda packages)");
  }
  log.result(`  stacks  ${shown(path.resolve(cwd, "cdktf.out"))} (${target.env})`);
  return 0;
}

export interface ImageStepOptions {
  readonly engine: ContainerEngine;
  readonly tools: BuildTools;
  /** The Python for a Django image (found beforehand); undefined in a dry run. */
  readonly python: string | undefined;
  readonly tag: string;
  /** Where the steps go; its `dryRun` says whether they run. */
  readonly log: Steps;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly registryLogin: RegistryLogin;
}

/**
 * Builds the app's image with its script, logs in to the registry, pushes, and records the digest
 * the registry gave it. Returns the pushed reference and digest (placeholders in a dry run).
 */
export async function buildAndPushImage(
  target: BuildTarget,
  options: ImageStepOptions,
): Promise<{ reference: string; digest: string }> {
  const { engine, tools, log, cwd, env } = options;
  const { dryRun } = log;
  const kind = target.image;
  if (kind === undefined) throw new Error("buildAndPushImage: the app has no image");
  const shown = (file: string) => displayPath(file, cwd);
  const processOptions = { cwd, env, forward: log.tool };
  const reference = `${target.repositoryUrl}:${options.tag}`;
  const appDir = path.resolve(target.loaded.root, target.app.path);
  const common = ["--tag", reference, "--platform", IMAGE_PLATFORM, "--engine", engine.name];

  let build: { run: string[]; shown: string[] };
  if (kind === "django") {
    const args = ["--app", shown(appDir), ...common, "--static-out", shown(target.staticDir)];
    log.step(stepText(["rm", "-rf", shown(target.staticDir)]));
    if (!dryRun) fs.rmSync(target.staticDir, { recursive: true, force: true });
    build = {
      run: [options.python ?? "python3", tools.djangoImage, ...args],
      shown: ["python3", shown(tools.djangoImage), ...args],
    };
  } else {
    const args = ["--app", shown(appDir), ...common];
    build = {
      run: [process.execPath, tools.nextImage, ...args],
      shown: ["node", shown(tools.nextImage), ...args],
    };
  }
  log.step(stepText(build.shown));
  if (!dryRun) {
    await runChecked(
      build.run,
      kind === "django" ? "build-image" : "zonke-next-image",
      processOptions,
    );
  }

  // The login: the token's password goes to the engine on stdin.
  const host = target.repositoryUrl.split("/")[0]!;
  log.step(
    stepText(
      [
        "aws",
        "ecr",
        "get-authorization-token",
        "--registry-ids",
        target.account,
        "--region",
        target.region,
      ],
      deployRoleArn(env)
        ? "AWS SDK call, as $ZONKE_DEPLOY_ROLE_ARN; its password goes on stdin below"
        : "AWS SDK call; its password goes on stdin below",
    ),
  );
  const auth = dryRun ? undefined : await options.registryLogin(target.region, target.account, env);
  const loginArgs = (server: string, username: string) => [
    "login",
    "--username",
    username,
    "--password-stdin",
    server,
  ];
  log.step(stepText(engineWords(engine, loginArgs(auth?.host ?? host, auth?.username ?? "AWS"))));
  if (auth) {
    await runChecked(
      [...engine.base, ...loginArgs(auth.host, auth.username)],
      `${engine.name} login`,
      {
        ...processOptions,
        input: auth.password,
      },
    );
  }

  const scratch = dryRun ? "$TMPDIR/zonke-push" : scratchDir();
  try {
    const digestOut = path.join(scratch, "digest");
    const push = pushCommand(engine, reference, digestOut);
    log.step(stepText(engineWords(engine, push.slice(engine.base.length))));
    let digest = "sha256:<the pushed image's digest>";
    if (!dryRun) {
      const result = await runChecked(push, `${engine.name} push`, {
        ...processOptions,
        capture: true,
      });
      digest = pushedDigest(engine, result.stdout, digestOut);
    }
    log.step(
      `echo ${dryRun ? digest : shellWord(digest)} > ${shellWord(shown(target.digestFile))}`,
    );
    if (!dryRun) writeDigest(target.digestFile, digest);
    return { reference, digest };
  } finally {
    if (!dryRun) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The npm package name of the app's folder, if it is a package (Turborepo builds it by name). */
function workspacePackageName(appDir: string): string | undefined {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(appDir, "package.json"), "utf8")) as {
      name?: unknown;
    };
    return typeof json.name === "string" && json.name !== "" ? json.name : undefined;
  } catch {
    return undefined;
  }
}
