/**
 * `zonke assets upload`: the app's static files to its assets bucket, with CloudFront
 * invalidation, through @zonke/deploy's `syncAssets` (see ASSETS_USAGE in ../deploy/args.ts).
 *
 * Where the files go comes from the deployed stacks' outputs (`assets_bucket`, `distribution_id`):
 *
 * - Next.js (on Lambda or ECS): its own stack's bucket; `.next/static` under `/_next/static/`
 *   (immutable) and `public/` under `/`.
 * - Django on Lambda (`django-lambda`): its own stack's bucket; collectstatic's output under
 *   `/static/`, the path its distribution sends to the bucket.
 * - Django as the API of a Next.js front end (an app whose `api` names it): it has no distribution
 *   of its own; the front end's serves `/static/*` from the front end's bucket (packages/stacks
 *   django-api.ts), so its files go there, read from the front end's stack outputs (through a
 *   backend-only copy of its stack when the front end was not synthesised here). A `nextjs`
 *   upload never deletes them: zonke uploads without pruning, so files of other builds (and apps)
 *   stay.
 * - A stack without an `assets_bucket` output has nothing to upload: said, and exit 0.
 *
 * collectstatic's output is `<path>/staticfiles`: the example app's STATIC_ROOT when
 * DJANGO_STATIC_ROOT is unset, and where the build copies the image's /app/staticfiles.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import {
  AwsError as SyncAwsError,
  formatSummary,
  syncAssets,
  UsageError as SyncUsageError,
  type AppKind,
} from "@zonke/deploy";
import {
  appResourceNames,
  DEFAULT_CONFIG_FILE,
  loadConfig,
  synthesizeOutputsReader,
  type LoadedConfig,
} from "@zonke/stacks";
import { AwsError, UsageError } from "../errors";
import type { ResolvedTarget } from "../target";
import { clientOptions, pipelineAws, type PipelineAws } from "../deploy/aws";
import type { PipelineCommandContext } from "../deploy/context";
import { stringOutput } from "../deploy/outputs";
import {
  folderExists,
  prepareTerraform,
  stackFolder,
  terraformInit,
  terraformOutputs,
  type StackFolder,
} from "../deploy/stacks";
import { displayPath } from "../build/shell";
import type { Steps } from "../steps";

/** Where Django's static files are served (DJANGO_STATIC_PATH in packages/stacks django-ecs-app.ts). */
export const DJANGO_STATIC_URL_PREFIX = "/static/";
/** collectstatic's output folder, in the app's folder. */
export const DJANGO_STATIC_FOLDER = "staticfiles";

/** The app's built static files and how zonke-assets maps them to URLs. */
export interface AssetsSource {
  readonly kind: AppKind;
  /** Absolute. Next.js: the app folder (holding .next/ and public/). Django: collectstatic's output. */
  readonly dir: string;
  readonly urlPrefix?: string;
}

export function assetsSource(target: ResolvedTarget, root: string): AssetsSource {
  const appDir = path.resolve(root, target.app.path);
  return target.app.kind === "nextjs"
    ? { kind: "nextjs", dir: appDir }
    : {
        kind: "static",
        dir: path.join(appDir, DJANGO_STATIC_FOLDER),
        urlPrefix: DJANGO_STATIC_URL_PREFIX,
      };
}

/** A stack whose bucket takes the files, and why. */
interface Destination {
  readonly stack: StackFolder;
  /** The front end whose distribution serves a Django API's files. */
  readonly frontEnd?: string;
}

export async function runAssetsUpload(context: PipelineCommandContext): Promise<number> {
  const { given, target, steps, cwd, env } = context;
  const loaded = loadConfig(path.resolve(cwd, given.config ?? DEFAULT_CONFIG_FILE));
  const { config, root } = loaded;
  const source = assetsSource(target, root);
  const frontEnds = config.apps.filter((app) => app.api === target.app.name).map((app) => app.name);
  const destinations: Destination[] =
    frontEnds.length > 0
      ? frontEnds.map((name) => ({
          stack: frontEndStack(
            loaded,
            appResourceNames(config.project, target.envName, name).prefix,
            target.envName,
            steps,
            cwd,
          ),
          frontEnd: name,
        }))
      : [{ stack: stackFolder(target.names.prefix, cwd) }];

  for (const { stack } of destinations) {
    if (folderExists(stack) || (steps.dryRun && stack.dir.includes(OUTPUTS_DIR))) continue;
    const message = `no synthesised stack ${stack.name} in ${path.dirname(stack.shown)}: run \`zonke plan --env ${target.envName} --app ${target.app.name}\` first`;
    if (!steps.dryRun) throw new UsageError(message);
    steps.note(message);
  }

  const terraform = await prepareTerraform(steps, env, cwd, target);
  let aws: PipelineAws | undefined;
  for (const { stack, frontEnd } of destinations) {
    await terraformInit(steps, terraform, stack);
    const outputs = await terraformOutputs(steps, terraform, stack);
    steps.step(`read outputs assets_bucket, distribution_id of ${stack.name}`);
    const bucket = outputs && stringOutput(outputs, "assets_bucket");
    const distribution = outputs && stringOutput(outputs, "distribution_id");
    if (outputs && bucket === undefined) {
      steps.result(
        frontEnd
          ? `nothing uploaded: ${stack.name} has no assets_bucket output (is ${frontEnd} deployed?); the static files of ${target.app.name} are uploaded by its next deploy after ${frontEnd}'s`
          : `nothing to upload: ${stack.name} has no assets_bucket output (${target.app.name} serves no static files from a bucket)`,
      );
      continue;
    }
    checkSource(source, target, steps, cwd);
    aws ??= await pipelineAws(steps, env, target);
    const shownDir = displayPath(source.dir, cwd);
    steps.step(
      [
        "zonke-assets upload",
        `--bucket ${bucket ?? "<assets_bucket>"}`,
        `--distribution ${distribution ?? "<distribution_id>"}`,
        `--app ${shownDir}`,
        `--kind ${source.kind}`,
        ...(source.urlPrefix ? [`--url-prefix ${source.urlPrefix}`] : []),
        `--region ${target.region}`,
      ].join(" "),
    );
    if (bucket === undefined) continue; // dry run
    if (distribution === undefined) {
      steps.note(
        `${stack.name} has no distribution_id output: the changed paths stay pending in the bucket's manifest and are invalidated by a later upload`,
      );
    }
    const summary = await upload(aws, source, bucket, distribution, steps);
    steps.result(`s3://${bucket}: ${summary}`);
  }
  return 0;
}

/** Where backend-only copies of stacks not synthesised here are written (to read their outputs). */
const OUTPUTS_DIR = path.join("cdktf.out", "outputs");

/**
 * The front end's stack folder: synthesised here when the front end was built too, else a
 * backend-only folder that reads its deployed outputs (an API's pipeline does not build its front
 * end, whose Lambda packages synthesis would need).
 */
function frontEndStack(
  loaded: LoadedConfig,
  name: string,
  envName: string,
  steps: Steps,
  cwd: string,
): StackFolder {
  const synthesised = stackFolder(name, cwd);
  if (folderExists(synthesised)) return synthesised;
  const outdir = path.resolve(cwd, OUTPUTS_DIR);
  const dir = path.join(outdir, "stacks", name);
  steps.step(
    `write ${displayPath(dir, cwd)}/cdk.tf.json: only ${name}'s state backend, to read its outputs`,
  );
  if (!steps.dryRun) synthesizeOutputsReader(loaded, envName, name, outdir);
  return { name, dir, shown: displayPath(dir, cwd) };
}

function checkSource(
  source: AssetsSource,
  target: ResolvedTarget,
  steps: Steps,
  cwd: string,
): void {
  const shown = displayPath(source.dir, cwd);
  const build = `zonke build --env ${target.envName} --app ${target.app.name}`;
  const missing =
    source.kind === "nextjs"
      ? !isFolder(path.join(source.dir, ".next", "static")) &&
        `${shown} is not built: ${path.join(shown, ".next", "static")} is missing; run \`${build}\` (or next build) first`
      : !isFolder(source.dir) &&
        `no collected static files in ${shown}: run \`${build}\` first, or \`python manage.py collectstatic --noinput\` in ${displayPath(path.dirname(source.dir), cwd)}`;
  if (!missing) return;
  if (!steps.dryRun) throw new UsageError(missing);
  steps.note(missing);
}

async function upload(
  aws: PipelineAws,
  source: AssetsSource,
  bucket: string,
  distributionId: string | undefined,
  steps: Steps,
): Promise<string> {
  const options = clientOptions(aws);
  // A bucket in another region answers with a redirect the client follows.
  const s3 = new S3Client({ ...options, followRegionRedirects: true });
  // CloudFront is global; its API lives in us-east-1.
  const cloudfront = new CloudFrontClient({ ...options, region: "us-east-1" });
  try {
    const result = await syncAssets(
      {
        bucket,
        ...(distributionId ? { distributionId } : {}),
        appDir: source.dir,
        kind: source.kind,
        ...(source.urlPrefix ? { urlPrefix: source.urlPrefix } : {}),
        log: (line) => steps.progress(line),
        warn: (line) => steps.note(line),
      },
      { s3, cloudfront },
    );
    return formatSummary(result);
  } catch (error) {
    // @zonke/deploy's errors are its own classes: the same meaning, this CLI's exit codes.
    if (error instanceof SyncUsageError) throw new UsageError(error.message, { cause: error });
    if (error instanceof SyncAwsError) {
      throw new AwsError(error.message, error.code, { cause: error });
    }
    throw error;
  } finally {
    s3.destroy();
    cloudfront.destroy();
  }
}

function isFolder(dir: string): boolean {
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory();
}
