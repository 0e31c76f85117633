#!/usr/bin/env node
// `zonke-assets upload ...`: the static-asset deploy step, run by the pipeline after the build and
// by developers. Exit codes: 0 done, 1 AWS refused or could not be reached, 2 bad usage, 70 a bug.
import { parseArgs } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { CloudFrontClient } from "@aws-sdk/client-cloudfront";
import { AwsError, UsageError } from "./errors";
import { APP_KINDS, type AppKind } from "./sources";
import { formatSummary } from "./summary";
import { syncAssets, type AwsClients } from "./sync";

export const USAGE = `usage: zonke-assets upload --bucket <name> --distribution <id> --app <dir> [options]

Uploads a built app's static files to its assets bucket (under assets/), skips unchanged files,
and invalidates the changed paths on CloudFront.

  --bucket <name>       the app's assets bucket
  --distribution <id>   the app's CloudFront distribution id (e.g. E2QWRUHAPOMQZL)
  --app <dir>           the app folder (Next.js: the folder holding .next/ and public/)
  --kind <kind>         nextjs (default): .next/static -> /_next/static/, public/ -> /
                        static: every file in --app -> --url-prefix
  --url-prefix <path>   URL path of a static app's files (default /; Django: /static/)
  --prune               delete files no longer in the build (never /_next/static/ files)
  --dry-run             print what would change and change nothing
  --wait                wait until the invalidation has completed
  --region <region>     the bucket's region (default: AWS_REGION or the AWS profile's)
  --concurrency <n>     uploads at once (default 16)
  --quiet               print only the summary
  -h, --help            print this help`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Makes the AWS clients (tests pass mocks). */
  readonly clients: (region: string | undefined) => AwsClients;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  clients: (region) => ({
    // A bucket in another region answers with a redirect the client follows.
    s3: new S3Client({ ...(region ? { region } : {}), followRegionRedirects: true }),
    // CloudFront is global; its API lives in us-east-1.
    cloudfront: new CloudFrontClient({ region: "us-east-1" }),
  }),
};

/** Runs the command and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`zonke-assets: ${(error as Error).message}`);
      io.err("run `zonke-assets --help` for usage");
      return 2;
    }
    if (error instanceof AwsError) {
      io.err(`zonke-assets: ${error.message}`);
      return 1;
    }
    io.err("zonke-assets: internal error (please report it with the output below)");
    io.err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 70;
  }
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      bucket: { type: "string" },
      distribution: { type: "string" },
      app: { type: "string" },
      kind: { type: "string" },
      "url-prefix": { type: "string" },
      prune: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      wait: { type: "boolean", default: false },
      region: { type: "string" },
      concurrency: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (command !== "upload") {
    throw new UsageError(
      command === undefined
        ? "missing command: upload"
        : `unknown command "${command}"; the only command is upload`,
    );
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const bucket = required(values.bucket, "--bucket <name>");
  const distributionId = required(values.distribution, "--distribution <id>");
  const appDir = required(values.app, "--app <dir>");
  checkBucketName(bucket);
  checkDistributionId(distributionId);
  const kind = values.kind ?? "nextjs";
  if (!APP_KINDS.includes(kind as AppKind)) {
    throw new UsageError(`--kind "${kind}" is not allowed; use ${APP_KINDS.join(" or ")}`);
  }
  if (values["url-prefix"] !== undefined && kind !== "static") {
    throw new UsageError("--url-prefix applies to --kind static only");
  }
  if (values.concurrency !== undefined && !/^\d+$/.test(values.concurrency)) {
    throw new UsageError(`--concurrency "${values.concurrency}" is not a whole number`);
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);

  const result = await syncAssets(
    {
      bucket,
      distributionId,
      appDir,
      kind: kind as AppKind,
      ...(values["url-prefix"] !== undefined ? { urlPrefix: values["url-prefix"] } : {}),
      prune: values.prune,
      dryRun: values["dry-run"],
      wait: values.wait,
      ...(concurrency !== undefined ? { concurrency } : {}),
      log: values.quiet ? undefined : io.out,
      warn: io.err,
    },
    io.clients(values.region),
  );
  io.out(formatSummary(result));
  return 0;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`missing ${flag}`);
  return value.trim();
}

/** S3's naming rules, checked here so that a typo is not reported as AccessDenied. */
function checkBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes("..")) {
    throw new UsageError(
      `--bucket "${bucket}" is not a bucket name: 3-63 lowercase letters, digits, dots and hyphens (a name, not an ARN or s3:// URL)`,
    );
  }
}

function checkDistributionId(id: string): void {
  if (!/^[A-Z0-9]{8,20}$/.test(id)) {
    throw new UsageError(
      `--distribution "${id}" is not a distribution id: use the id (e.g. E2QWRUHAPOMQZL), not its domain name or ARN`,
    );
  }
}

function isParseArgsError(error: unknown): boolean {
  return String((error as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
