/**
 * `zonke assets upload`, in this process: the bucket and distribution from a stand-in terraform's
 * `output -json`, the upload and the invalidation against moto's S3 and CloudFront (through
 * @zonke/deploy's syncAssets, the library the command uses).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  ListInvalidationsCommand,
  GetInvalidationCommand,
} from "@aws-sdk/client-cloudfront";
import { REGION, uniqueProject, writeConfig } from "./support/aws";
import { EXAMPLE_CONFIG } from "./support/example-apps";
import {
  fakeTerraform,
  offlineDryRun,
  stackFolders,
  standInStacks,
  terraformCalls,
  zonke,
} from "./fixtures/deploy/harness";

const s3 = new S3Client({ region: REGION, forcePathStyle: true });
const cloudfront = new CloudFrontClient({ region: "us-east-1" });

let terraform: string;
beforeAll(() => {
  terraform = fakeTerraform();
});
afterAll(() => {
  s3.destroy();
  cloudfront.destroy();
});

function write(root: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
}

async function distribution(bucket: string): Promise<string> {
  const created = await cloudfront.send(
    new CreateDistributionCommand({
      DistributionConfig: {
        CallerReference: bucket,
        Comment: bucket,
        Enabled: true,
        Origins: {
          Quantity: 1,
          Items: [
            {
              Id: "assets",
              DomainName: `${bucket}.s3.${REGION}.amazonaws.com`,
              S3OriginConfig: { OriginAccessIdentity: "" },
            },
          ],
        },
        DefaultCacheBehavior: {
          TargetOriginId: "assets",
          ViewerProtocolPolicy: "redirect-to-https",
          CachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
      },
    }),
  );
  return created.Distribution!.Id!;
}

async function objects(bucket: string): Promise<Record<string, string>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  const result: Record<string, string> = {};
  for (const { Key } of listed.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    result[Key!] =
      `${object.CacheControl} ${object.ContentType}: ${await object.Body!.transformToString()}`;
  }
  return result;
}

async function invalidatedPaths(distributionId: string): Promise<string[][]> {
  const list = await cloudfront.send(
    new ListInvalidationsCommand({ DistributionId: distributionId }),
  );
  const paths: string[][] = [];
  for (const item of list.InvalidationList?.Items ?? []) {
    const one = await cloudfront.send(
      new GetInvalidationCommand({ DistributionId: distributionId, Id: item.Id }),
    );
    paths.push(one.Invalidation!.InvalidationBatch!.Paths!.Items!);
  }
  return paths;
}

const BRANCHES = { dev: "main", prod: "release" };

/** A path as zonke shows it: relative to the working directory, or absolute when outside it. */
function shown(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith("..") ? file : relative;
}

/**
 * A project of its own: a Next.js front end `web` with its Django API `api`, a Django monolith on
 * Lambda `site`, and `solo`, a Django API no front end names; their builds; their stacks'
 * outputs (web's and site's buckets and distributions exist in moto).
 */
async function project() {
  const name = uniqueProject();
  const { dir, file } = writeConfig(name, {
    apps: [
      {
        name: "web",
        kind: "nextjs",
        path: "web",
        architecture: "next-lambda-django-ecs",
        branches: BRANCHES,
        api: "api",
      },
      {
        name: "api",
        kind: "django",
        path: "api",
        architecture: "next-lambda-django-ecs",
        branches: BRANCHES,
      },
      {
        name: "site",
        kind: "django",
        path: "site",
        architecture: "django-lambda",
        branches: BRANCHES,
      },
      {
        name: "solo",
        kind: "django",
        path: "api",
        architecture: "next-lambda-django-ecs",
        branches: BRANCHES,
      },
    ],
  });
  write(dir, {
    "web/.next/static/chunks/app-3f2a.js": "console.log('app');",
    "web/public/favicon.ico": "icon",
    "web/next.config.js": "module.exports = {};",
    "api/staticfiles/admin/css/base.4b5c.css": "body{}",
    "api/staticfiles/staticfiles.json": "{}",
    "site/staticfiles/site.css": "h1{}",
  });
  const stacks = ["web", "api", "site", "solo"].map((app) => `${name}-dev-${app}`);
  const { cwd, log, outputsDir, env, setOutputs } = standInStacks(terraform, stacks, {
    planned: [],
  });
  const buckets: Record<string, { bucket: string; distributionId: string }> = {};
  for (const app of ["web", "site"]) {
    const bucket = `${name}-dev-${app}-assets-123456789012`;
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: REGION },
      }),
    );
    buckets[app] = { bucket, distributionId: await distribution(bucket) };
    setOutputs(`${name}-dev-${app}`, {
      url: "https://d111111abcdef8.cloudfront.net",
      assets_bucket: bucket,
      distribution_id: buckets[app]!.distributionId,
    });
  }
  setOutputs(`${name}-dev-api`, { secret_arn: "arn:..." });
  const upload = (app: string) =>
    zonke(["assets", "upload", "--env", "dev", "--app", app, "--config", file], { cwd, env });
  return { name, dir, cwd, log, outputsDir, buckets, upload };
}

describe("zonke assets upload (moto's S3 and CloudFront)", () => {
  it("uploads a Next.js build to the app's bucket and invalidates the changed public paths", async () => {
    const p = await project();
    const { bucket, distributionId } = p.buckets["web"]!;
    const result = await p.upload("web");
    expect(result.stderr).not.toContain("zonke:");
    expect(result.code).toBe(0);
    expect(await objects(bucket)).toEqual({
      ".zonke/assets-manifest.json": expect.stringContaining("no-store application/json"),
      "assets/_next/static/chunks/app-3f2a.js":
        "public,max-age=31536000,immutable text/javascript; charset=utf-8: console.log('app');",
      "assets/favicon.ico":
        "public,max-age=0,s-maxage=31536000,must-revalidate image/vnd.microsoft.icon: icon",
    });
    expect(await invalidatedPaths(distributionId)).toEqual([["/favicon.ico"]]);
    expect(result.stdout).toMatch(
      new RegExp(
        `^s3://${bucket}: uploaded 2 files \\(.*\\), 0 unchanged, deleted 0 files, invalidated 1 path \\(\\w+\\): /favicon\\.ico in [\\d.]+ s\\n$`,
      ),
    );
    expect(result.stderr).toContain(
      `+ zonke-assets upload --bucket ${bucket} --distribution ${distributionId} --app ${shown(p.cwd, path.join(p.dir, "web"))} --kind nextjs --region eu-west-1\n`,
    );
    expect(terraformCalls(p.log).map((c) => `${c.stack}: ${c.args.join(" ")}`)).toEqual([
      `${p.name}-dev-web: init -input=false -no-color`,
      `${p.name}-dev-web: output -json`,
    ]);

    // Unchanged: nothing uploaded, nothing invalidated.
    const again = await p.upload("web");
    expect(again.stdout).toMatch(
      /: uploaded 0 files \(0 B\), 2 unchanged, deleted 0 files, nothing to invalidate in /,
    );
    expect(await invalidatedPaths(distributionId)).toHaveLength(1);
  });

  it("puts a Django API's static files in its front end's bucket under /static/, next to the front end's", async () => {
    const p = await project();
    const { bucket, distributionId } = p.buckets["web"]!;
    expect((await p.upload("web")).code).toBe(0);
    const result = await p.upload("api");
    expect(result.stderr).not.toContain("zonke:");
    expect(result.code).toBe(0);
    const stored = await objects(bucket);
    expect(Object.keys(stored).sort()).toEqual([
      ".zonke/assets-manifest.json",
      "assets/_next/static/chunks/app-3f2a.js",
      "assets/favicon.ico",
      "assets/static/admin/css/base.4b5c.css",
      "assets/static/staticfiles.json",
    ]);
    expect(stored["assets/static/admin/css/base.4b5c.css"]).toBe(
      "public,max-age=0,s-maxage=31536000,must-revalidate text/css; charset=utf-8: body{}",
    );
    expect(
      (await invalidatedPaths(distributionId)).map((paths) => [...paths].sort()),
    ).toContainEqual(["/static/admin/css/base.4b5c.css", "/static/staticfiles.json"]);
    // api's own stack is not read: the front end's is.
    expect(terraformCalls(p.log).filter((c) => c.stack.endsWith("-dev-api"))).toEqual([]);
    expect(result.stderr).toContain(
      `+ read outputs assets_bucket, distribution_id of ${p.name}-dev-web\n`,
    );

    // The front end's next upload leaves them: files of other builds are never pruned.
    await p.upload("web");
    expect(Object.keys(await objects(bucket))).toContain("assets/static/admin/css/base.4b5c.css");
  });

  it("reads the front end's outputs through its state alone when the front end was not synthesised here", async () => {
    const p = await project();
    // An API's pipeline builds and synthesises the API only.
    fs.rmSync(path.join(p.cwd, "cdktf.out", "stacks", `${p.name}-dev-web`), { recursive: true });
    const result = await p.upload("api");
    expect(result.stderr).not.toContain("zonke:");
    expect(result.code).toBe(0);
    expect(Object.keys(await objects(p.buckets["web"]!.bucket))).toContain(
      "assets/static/admin/css/base.4b5c.css",
    );
    const reader = path.join(p.cwd, "cdktf.out", "outputs", "stacks", `${p.name}-dev-web`);
    const json = JSON.parse(fs.readFileSync(path.join(reader, "cdk.tf.json"), "utf8"));
    expect(Object.keys(json).filter((key) => key !== "//")).toEqual(["terraform"]);
    expect(Object.keys(json.terraform.backend)).toEqual(["local"]);
    expect(json.resource).toBeUndefined();
    const web = terraformCalls(p.log).filter((c) => c.stack === `${p.name}-dev-web`);
    expect(web.map((c) => c.args[0])).toEqual(["init", "output"]);
  });

  it("uploads a Django monolith's collectstatic output to its own bucket under /static/", async () => {
    const p = await project();
    const result = await p.upload("site");
    expect(result.code).toBe(0);
    expect(Object.keys(await objects(p.buckets["site"]!.bucket)).sort()).toEqual([
      ".zonke/assets-manifest.json",
      "assets/static/site.css",
    ]);
  });

  it("has nothing to upload for a stack without an assets_bucket output (exit 0)", async () => {
    const p = await project();
    const result = await p.upload("solo");
    expect(result).toMatchObject({
      code: 0,
      stdout: `nothing to upload: ${p.name}-dev-solo has no assets_bucket output (solo serves no static files from a bucket)\n`,
    });
    // Nothing was read but the outputs: no credentials check, no upload.
    expect(result.stderr).not.toContain("get-caller-identity");
  });

  it("says so when the front end is not deployed yet (no outputs), and exits 0", async () => {
    const p = await project();
    fs.writeFileSync(path.join(p.outputsDir, `${p.name}-dev-web.json`), "{}");
    const result = await p.upload("api");
    expect(result).toMatchObject({
      code: 0,
      stdout: `nothing uploaded: ${p.name}-dev-web has no assets_bucket output (is web deployed?); the static files of api are uploaded by its next deploy after web's\n`,
    });
  });

  it("refuses a missing build (exit 2), after reading where it would go", async () => {
    const p = await project();
    fs.rmSync(path.join(p.dir, "web", ".next"), { recursive: true });
    fs.rmSync(path.join(p.dir, "site", "staticfiles"), { recursive: true });
    const web = await p.upload("web");
    const webDir = shown(p.cwd, path.join(p.dir, "web"));
    expect(web.code).toBe(2);
    expect(web.stderr).toMatch(
      new RegExp(
        `\\nzonke: ${webDir.replace(/[.]/g, "\\.")} is not built: ${path.join(webDir, ".next", "static").replace(/[.]/g, "\\.")} is missing; run \`zonke build --env dev --app web\` \\(or next build\\) first\\n$`,
      ),
    );
    const site = await p.upload("site");
    expect(site.code).toBe(2);
    expect(site.stderr).toContain(
      `zonke: no collected static files in ${shown(p.cwd, path.join(p.dir, "site", "staticfiles"))}: run \`zonke build --env dev --app site\` first, or \`python manage.py collectstatic --noinput\` in ${shown(p.cwd, path.join(p.dir, "site"))}\n`,
    );
    expect(await objects(p.buckets["web"]!.bucket)).toEqual({});
  });
});

describe("zonke assets upload --dry-run", () => {
  async function dryRun(app: string) {
    const cwd = stackFolders(["zonke-dev-web", "zonke-dev-api", "zonke-dev-site"], []);
    const result = await offlineDryRun(["assets", "upload"], app, { cwd, terraform });
    expect(result.code).toBe(0);
    return { ...result, cwd };
  }

  const repo = (cwd: string, dir: string) =>
    shown(cwd, path.join(path.dirname(EXAMPLE_CONFIG), dir));

  it("web (Next.js on Lambda): its bucket, .next/static and public/", async () => {
    const { stdout, cwd } = await dryRun("web");
    expect(stdout.split("\n")).toEqual([
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web output -json",
      "+ read outputs assets_bucket, distribution_id of zonke-dev-web",
      "+ aws sts get-caller-identity (the credentials must be of account 111111111111, environment dev)",
      `+ zonke-assets upload --bucket <assets_bucket> --distribution <distribution_id> --app ${repo(cwd, "apps/example-next")} --kind nextjs --region eu-west-1`,
      "",
    ]);
  });

  it.each([
    ["api", "zonke-dev-web"],
    ["site", "zonke-dev-site"],
  ])("%s (Django): collectstatic's output under /static/, into %s's bucket", async (app, stack) => {
    const { stdout, stderr, cwd } = await dryRun(app);
    const staticfiles = repo(cwd, "apps/example-django/staticfiles");
    expect(stdout.split("\n")).toEqual([
      `+ terraform -chdir=cdktf.out/stacks/${stack} init -input=false -no-color`,
      `+ terraform -chdir=cdktf.out/stacks/${stack} output -json`,
      `+ read outputs assets_bucket, distribution_id of ${stack}`,
      "+ aws sts get-caller-identity (the credentials must be of account 111111111111, environment dev)",
      `+ zonke-assets upload --bucket <assets_bucket> --distribution <distribution_id> --app ${staticfiles} --kind static --url-prefix /static/ --region eu-west-1`,
      "",
    ]);
    // Where the build has not run here, a note says so (a note, not a failure).
    if (
      !fs.existsSync(path.join(path.dirname(EXAMPLE_CONFIG), "apps/example-django/staticfiles"))
    ) {
      expect(stderr).toContain(
        `note: no collected static files in ${staticfiles}: run \`zonke build --env dev --app ${app}\` first`,
      );
    }
  });
});
