import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { CreateInvalidationCommand, CloudFrontServiceException } from "@aws-sdk/client-cloudfront";
import { main, type CliIo } from "../src/cli";
import { FakeBucket, fakeCloudFront, makeNextApp, tempDir, writeFile } from "./helpers";

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function nextApp(): string {
  const dir = makeNextApp();
  dirs.push(dir);
  return dir;
}

async function run(argv: string[], bucket = new FakeBucket(), cdn = fakeCloudFront()) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: (string | undefined)[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    clients: (region) => {
      regions.push(region);
      return { s3: bucket.client, cloudfront: cdn.client };
    },
  };
  const code = await main(argv, io);
  return { code, stdout: out.join("\n"), stderr: err.join("\n"), regions, bucket, cdn };
}

const upload = (app: string, ...more: string[]) => [
  "upload",
  "--bucket",
  "shop-prod-web-assets",
  "--distribution",
  "E2QWRUHAPOMQZL",
  "--app",
  app,
  ...more,
];

function awsError(name: string, message: string, status: number) {
  return new S3ServiceException({
    name,
    $fault: "client",
    $metadata: { httpStatusCode: status },
    message,
  });
}

describe("zonke-assets (main)", () => {
  it("uploads, prints one line per change and a summary, exits 0", async () => {
    const { code, stdout, stderr, regions, bucket } = await run([
      ...upload(nextApp()),
      "--region",
      "eu-west-1",
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(regions).toEqual(["eu-west-1"]);
    expect(bucket.assetKeys()).toHaveLength(10);
    expect(stdout).toMatch(/^upload \/_next\/static\/chunks\/app-abc123\.js \(new, 20 B\)$/m);
    expect(stdout).toMatch(
      /^uploaded 10 files \(\d+ B\), 0 unchanged, deleted 0 files, invalidated 6 paths \(I1\): \/data\.unknownext .* \.\.\. in \d+\.\d s$/m,
    );
  });

  it("prints only the summary with --quiet, and a dry run says nothing changed", async () => {
    const app = nextApp();
    const bucket = new FakeBucket();
    await run(upload(app), bucket);
    writeFile(app, "public/robots.txt", "changed");
    const { code, stdout } = await run([...upload(app, "--dry-run", "--quiet")], bucket);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^dry run, nothing changed: would upload 1 file \(7 B\), 9 unchanged, would delete 0 files, would invalidate 1 path: \/robots\.txt in \d+\.\d s$/,
    );
    expect(bucket.object("assets/robots.txt").body.toString()).toBe("User-agent: *\n");
  });

  it("deploys a plain folder with --kind static --url-prefix /static/", async () => {
    const dir = tempDir("static");
    dirs.push(dir);
    writeFile(dir, "admin/base.css", "x");
    const { code, bucket } = await run(upload(dir, "--kind", "static", "--url-prefix", "/static/"));
    expect(code).toBe(0);
    expect(bucket.assetKeys()).toEqual(["assets/static/admin/base.css"]);
  });

  it.each([
    [[], /^zonke-assets: missing command: upload$/m],
    [["deploy"], /unknown command "deploy"; the only command is upload/],
    [
      ["upload", "--distribution", "E2QWRUHAPOMQZL", "--app", "."],
      /^zonke-assets: missing --bucket <name>$/m,
    ],
    [["upload", "--bucket", "my-bucket", "--app", "."], /missing --distribution <id>/],
    [
      ["upload", "--bucket", "my-bucket", "--distribution", "E2QWRUHAPOMQZL"],
      /missing --app <dir>/,
    ],
    [upload(".", "--bucketz", "x"), /Unknown option '--bucketz'/],
    [upload(".", "--kind", "django"), /--kind "django" is not allowed; use nextjs or static/],
    [upload(".", "--url-prefix", "/static/"), /--url-prefix applies to --kind static only/],
    [upload(".", "--concurrency", "lots"), /--concurrency "lots" is not a whole number/],
    [
      upload(".", "--concurrency", "0"),
      /concurrency 0 is not allowed: use a whole number from 1 to 256/,
    ],
    [
      ["upload", "--bucket", "s3://my-bucket", "--distribution", "E2QWRUHAPOMQZL", "--app", "."],
      /--bucket "s3:\/\/my-bucket" is not a bucket name/,
    ],
    [
      [
        "upload",
        "--bucket",
        "my-bucket",
        "--distribution",
        "d111111abcdef8.cloudfront.net",
        "--app",
        ".",
      ],
      /--distribution "d111111abcdef8\.cloudfront\.net" is not a distribution id: use the id/,
    ],
  ])("exits 2 with one clear line for %j", async (argv, message) => {
    const { code, stdout, stderr, bucket } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr.split("\n")).toEqual([
      expect.stringMatching(/^zonke-assets: /),
      "run `zonke-assets --help` for usage",
    ]);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(bucket.mock.calls()).toHaveLength(0);
  });

  it("exits 2 for a missing app folder and for a folder that is not a Next.js build", async () => {
    const missing = await run(upload("/no/such/app"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^zonke-assets: the app folder \/no\/such\/app does not exist: check --app$/m,
    );
    const empty = tempDir("empty");
    dirs.push(empty);
    fs.mkdirSync(path.join(empty, "public"));
    const notNext = await run(upload(empty));
    expect(notNext.code).toBe(2);
    expect(notNext.stderr).toMatch(
      /^zonke-assets: .*empty-\w+ is not a Next\.js build: \.next\/static is missing \(run `next build` first, or pass --kind static for a plain folder\)$/m,
    );
    const nothing = await run(upload(empty, "--kind", "static"));
    expect(nothing.stderr).toMatch(/holds no files to upload: check --app/);
    for (const r of [missing, notNext, nothing]) expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it.each([
    [
      "AccessDenied",
      () => awsError("AccessDenied", "Access Denied", 403),
      /^zonke-assets: reading s3:\/\/shop-prod-web-assets\/\.zonke\/assets-manifest\.json failed: AccessDenied: Access Denied \(the credentials in use lack a permission \(the deploy needs s3:ListBucket, .*\)\)$/,
    ],
    [
      "NoSuchBucket",
      () =>
        new NoSuchBucket({
          message: "The specified bucket does not exist",
          $metadata: { httpStatusCode: 404 },
        }),
      /^zonke-assets: reading s3:\/\/.* failed: NoSuchBucket: The specified bucket does not exist \(no bucket has that name: check --bucket/,
    ],
    [
      "ExpiredToken",
      () => awsError("ExpiredToken", "The provided token has expired.", 400),
      /^zonke-assets: .* failed: ExpiredToken: The provided token has expired \(the AWS session has expired: refresh the credentials/,
    ],
    [
      "a network failure",
      () =>
        Object.assign(new Error("getaddrinfo ENOTFOUND s3.eu-west-1.amazonaws.com"), {
          code: "ENOTFOUND",
        }),
      /^zonke-assets: .* failed: ENOTFOUND: getaddrinfo ENOTFOUND s3\.eu-west-1\.amazonaws\.com \(AWS could not be reached: check the network\)$/,
    ],
  ])("exits 1 with one line for %s", async (_name, error, message) => {
    const bucket = new FakeBucket();
    bucket.mock.on(GetObjectCommand).rejects(error());
    const { code, stdout, stderr } = await run(upload(nextApp()), bucket);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(STACK_TRACE);
    expect(stdout).toBe("");
  });

  it("names the step that failed: listing, uploading, invalidating", async () => {
    const listing = new FakeBucket();
    listing.mock.on(ListObjectsV2Command).rejects(awsError("AccessDenied", "Access Denied", 403));
    expect((await run(upload(nextApp()), listing)).stderr).toMatch(
      /^zonke-assets: listing s3:\/\/shop-prod-web-assets\/assets\/ failed: AccessDenied/,
    );
    const uploading = new FakeBucket();
    uploading.failNextPut(
      "assets/_next/static/Xy12BuildId/_buildManifest.js",
      awsError("AccessDenied", "Access Denied", 403),
    );
    expect((await run(upload(nextApp()), uploading)).stderr).toMatch(
      /^zonke-assets: uploading \/.*\/\.next\/static\/Xy12BuildId\/_buildManifest\.js to s3:\/\/shop-prod-web-assets\/assets\/_next\/static\/Xy12BuildId\/_buildManifest\.js failed: AccessDenied/,
    );
    const cdn = fakeCloudFront();
    cdn.mock.on(CreateInvalidationCommand).rejects(
      new CloudFrontServiceException({
        name: "NoSuchDistribution",
        $fault: "client",
        $metadata: { httpStatusCode: 404 },
        message: "The specified distribution does not exist.",
      }),
    );
    const invalidating = await run(upload(nextApp()), new FakeBucket(), cdn);
    expect(invalidating.code).toBe(1);
    expect(invalidating.stderr).toMatch(
      /^zonke-assets: invalidating 6 path\(s\) on E2QWRUHAPOMQZL failed: NoSuchDistribution: The specified distribution does not exist \(no CloudFront distribution has that id: check --distribution\)$/,
    );
  });

  it("reports a bug as an internal error with its stack, exit 70", async () => {
    const bucket = new FakeBucket();
    bucket.mock.on(GetObjectCommand).callsFake(() => {
      throw new TypeError("x is not a function");
    });
    const { code, stderr } = await run(upload(nextApp()), bucket);
    expect(code).toBe(70);
    expect(stderr).toMatch(
      /^zonke-assets: internal error \(please report it with the output below\)$/m,
    );
    expect(stderr).toMatch(/TypeError: x is not a function/);
  });
});

describe("dist/cli.js (the built bin)", () => {
  const cli = path.join(__dirname, "../dist/cli.js");

  function node(...args: string[]) {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
    return spawnSync(process.execPath, [cli, ...args], {
      encoding: "utf8",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
  }

  it("starts with a shebang and prints the help", () => {
    expect(fs.readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const help = node("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /^usage: zonke-assets upload --bucket <name> --distribution <id> --app <dir>/,
    );
  });

  it("exits 2 with one line and no stack trace for a bad folder", () => {
    const result = node(...upload("/no/such/app"));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke-assets: the app folder \/no\/such\/app does not exist: check --app$/m,
    );
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});
