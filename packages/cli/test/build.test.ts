/**
 * `zonke build`: the steps it takes for each example app (its --dry-run, from the built CLI),
 * argument and config mistakes, a missing container engine, and the image step for real: the real
 * image scripts (build-image, zonke-next-image) against a stand-in engine
 * (test/fixtures/build/fake-engine, installed as docker or buildah) that builds nothing but
 * answers as the real tool does, so that the login, push and digest recording run as they would.
 * Real Turborepo builds and real images are left to `npm start` and the image packages' tests.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildAndPushImage, resolveBuildTarget, type BuildTarget } from "../src/build/command";
import { readDigest } from "../src/build/digest";
import { findContainerEngine, imageKindOf, imageTag } from "../src/build/image";
import { ecrLogin, parseAuthorization, type RegistryLogin } from "../src/build/registry";
import { shellLine } from "../src/build/shell";
import { Steps } from "../src/steps";
import { findBuildTools, findPython } from "../src/build/tools";
import { loadConfig } from "@zonke/stacks";
import { declaresImageDigest } from "../src/plan/planner";
import { composedStacks } from "../src/plan/stacks";
import { tempDir } from "./support/aws";
import { runCli, secretValue, spawnCli } from "./support/cli";
import { EXAMPLE_CONFIG, REPO_ROOT } from "./support/example-apps";

const FAKE_ENGINE = path.join(__dirname, "fixtures/build/fake-engine");
const REGISTRY = "111111111111.dkr.ecr.eu-west-1.amazonaws.com";
const TAG = /[0-9a-f]{12}-\d{8}-\d{6}/.source;

/** A folder on PATH with the fake engine as `names` (and nothing else). */
function fakeBin(...names: ("docker" | "buildah")[]): string {
  const dir = tempDir("bin");
  for (const name of names) fs.copyFileSync(FAKE_ENGINE, path.join(dir, name));
  for (const name of names) fs.chmodSync(path.join(dir, name), 0o755);
  return dir;
}

/** The folder of the real python3 (not a pyenv shim, which needs more of PATH). */
const PYTHON_DIR = path.dirname(
  execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim(),
);
/** What the steps need besides the engine: node, python3, git, a shell and its utilities. */
const BASE_PATH = [path.dirname(process.execPath), PYTHON_DIR, "/usr/bin", "/bin"].join(":");

function steps(stdout: string): string[] {
  return stdout.trimEnd().split("\n");
}

describe("zonke build --dry-run: the steps for each example app", () => {
  const env = () => ({ ...process.env, PATH: `${fakeBin("docker")}:${BASE_PATH}` });

  it("web (Next.js on Lambda): the workspace and app, its Lambda packages, synth; no image", async () => {
    const result = await spawnCli(["build", "--env", "dev", "--app", "web", "--dry-run"], {
      cwd: REPO_ROOT,
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(steps(result.stdout)).toEqual([
      "+ npx --no-install turbo run build --filter=@zonke/stacks... --filter=example-next... --output-logs=errors-only",
      "+ node packages/stacks/dist/build-apps.js --app web --no-next-build",
      "+ node packages/stacks/dist/main.js --env dev --app web --quiet",
    ]);
    expect(result.stderr).toBe("note: dry run: nothing was built, pushed or written (web, dev)\n");
  });

  it.each([
    ["api", "Django on ECS"],
    ["site", "Django on Lambda (container image)"],
  ])("%s (%s): the Django image, its static files, the push and the digest", async (app) => {
    const result = await spawnCli(["build", "--env", "dev", "--app", app, "--dry-run"], {
      cwd: REPO_ROOT,
      env: env(),
    });
    expect(result.code).toBe(0);
    const repository = `${REGISTRY}/zonke/dev/${app}`;
    const lines = steps(result.stdout);
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 4)).toEqual([
      `+ rm -f .zonke/images/dev/${app}.digest`,
      "+ npx --no-install turbo run build --filter=@zonke/stacks... --filter=example-django... --output-logs=errors-only",
      `+ node packages/stacks/dist/build-apps.js --app ${app} --no-next-build`,
      "+ rm -rf apps/example-django/staticfiles",
    ]);
    expect(lines[4]).toMatch(
      new RegExp(
        `^\\+ python3 packages/lambdas/django-runtime/scripts/build-image --app apps/example-django --tag ${repository}:${TAG} --platform linux/arm64 --engine docker --static-out apps/example-django/staticfiles$`,
      ),
    );
    expect(lines.slice(5, 7)).toEqual([
      "+ aws ecr get-authorization-token --registry-ids 111111111111 --region eu-west-1  # AWS SDK call; its password goes on stdin below",
      `+ docker login --username AWS --password-stdin ${REGISTRY}`,
    ]);
    expect(lines[7]).toMatch(new RegExp(`^\\+ docker push ${repository}:${TAG}$`));
    expect(lines.slice(8)).toEqual([
      `+ echo sha256:<the pushed image's digest> > .zonke/images/dev/${app}.digest`,
      `+ node packages/stacks/dist/main.js --env dev --app ${app} --quiet`,
    ]);
    // The tag pushed is the tag built.
    expect(lines[7]!.split(" ").at(-1)).toBe(lines[4]!.split(" ")[6]);
  });

  it("store (Next.js on ECS): the Next.js image with zonke-next-image", async () => {
    const result = await spawnCli(["build", "--env", "dev", "--app", "store", "--dry-run"], {
      cwd: REPO_ROOT,
      env: env(),
    });
    expect(result.code).toBe(0);
    const lines = steps(result.stdout);
    expect(lines.slice(0, 3)).toEqual([
      "+ rm -f .zonke/images/dev/store.digest",
      "+ npx --no-install turbo run build --filter=@zonke/stacks... --filter=example-next... --output-logs=errors-only",
      "+ node packages/stacks/dist/build-apps.js --app store --no-next-build",
    ]);
    expect(lines[3]).toMatch(
      new RegExp(
        `^\\+ node packages/next-container/dist/cli.js --app apps/example-next --tag ${REGISTRY}/zonke/dev/store:${TAG} --platform linux/arm64 --engine docker$`,
      ),
    );
    expect(lines.slice(4, 6)).toEqual([
      "+ aws ecr get-authorization-token --registry-ids 111111111111 --region eu-west-1  # AWS SDK call; its password goes on stdin below",
      `+ docker login --username AWS --password-stdin ${REGISTRY}`,
    ]);
    expect(lines.slice(7)).toEqual([
      "+ echo sha256:<the pushed image's digest> > .zonke/images/dev/store.digest",
      "+ node packages/stacks/dist/main.js --env dev --app store --quiet",
    ]);
  });

  it("runs nothing and writes nothing; the engine shown is the one on PATH", async () => {
    const cwd = tempDir("dry-run-cwd");
    const log = path.join(cwd, "..", `${path.basename(cwd)}.engine.log`);
    const result = await spawnCli(
      ["build", "--env", "prod", "--app", "api", "--config", EXAMPLE_CONFIG, "--dry-run"],
      {
        cwd,
        env: { ...process.env, PATH: `${fakeBin("buildah")}:${BASE_PATH}`, FAKE_ENGINE_LOG: log },
      },
    );
    expect(result.code).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(fs.existsSync(log)).toBe(false); // the engine was never run (not even `info`)
    expect(result.stdout).toContain(
      "+ buildah --storage-driver vfs login --username AWS --password-stdin 222222222222.dkr.ecr.eu-west-1.amazonaws.com\n",
    );
    expect(result.stdout).toMatch(
      /\+ buildah --storage-driver vfs push --digestfile '\$TMPDIR\/zonke-push\/digest' 222222222222\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/zonke\/prod\/api:\S+ docker:\/\/222222222222/,
    );
    // Paths outside the working directory are shown whole, and the config is passed on.
    expect(result.stdout).toContain(
      `+ node ${path.join(REPO_ROOT, "packages/stacks/dist/main.js")} --env prod --app api --quiet --config ${EXAMPLE_CONFIG}\n`,
    );
  });

  it("says when no engine is on PATH, and still shows the plan", async () => {
    const result = await spawnCli(["build", "--env", "dev", "--app", "site", "--dry-run"], {
      cwd: REPO_ROOT,
      env: { ...process.env, PATH: tempDir("empty-path") },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "note: no container engine (docker or buildah) on PATH: a real run stops before building (exit 3)",
    );
    expect(result.stdout).toContain("+ docker push ");
  });
});

describe("zonke build: mistakes and missing tools", () => {
  it.each([
    [["--app", "web"], "zonke: missing --env <name>\n"],
    [["--env", "dev"], "zonke: missing --app <name>\n"],
    [["--env", "dev", "--app", "web,api"], 'zonke: --app takes one name (got "web,api")\n'],
    [
      ["--env", "dev", "--app", "web", "extra"],
      "zonke: build takes no arguments, only options (got 1)\n",
    ],
    [
      ["--env", "staging", "--app", "web", "--config", EXAMPLE_CONFIG],
      /^zonke: environment "staging" is not in .*zonke\.config\.ts; it defines dev, prod\n$/,
    ],
    [
      ["--env", "dev", "--app", "shop", "--config", EXAMPLE_CONFIG],
      /^zonke: app "shop" is not in .*zonke\.config\.ts; it defines web, api, store, store-api, site\n$/,
    ],
  ])("zonke build %j: exit 2, one line (also with --dry-run)", async (args, message) => {
    for (const extra of [[], ["--dry-run"]]) {
      const result = await runCli(["build", ...args, ...extra]);
      expect(result.code).toBe(2);
      if (typeof message === "string") expect(result.stderr).toBe(message);
      else expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    }
  });

  it("refuses a bad config the same way", async () => {
    const dir = tempDir("bad-config");
    fs.writeFileSync(
      path.join(dir, "zonke.config.ts"),
      "export default { project: 'Shop', environments: {}, apps: [] };\n",
    );
    const result = await spawnCli(["build", "--env", "dev", "--app", "web", "--dry-run"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke: zonke\.config\.ts has 3 problems:\n {2}- project = "Shop": /,
    );
    expect(result.stdout).toBe("");
  });

  it("exits 3 naming what to install when an app with an image has no container engine", async () => {
    const empty = tempDir("no-engine");
    const result = await spawnCli(
      ["build", "--env", "dev", "--app", "api", "--config", EXAMPLE_CONFIG],
      { cwd: empty, env: { ...process.env, PATH: empty } },
    );
    expect(result.code).toBe(3);
    // Before anything ran: no step was printed, not even the Turborepo build.
    expect(result.stderr).toBe(
      "zonke: no container engine (docker or buildah) on PATH: install Docker Engine (https://docs.docker.com/engine/install/) or buildah (Debian/Ubuntu: apt-get install -y buildah; Fedora: dnf install buildah)\n",
    );
    expect(result.stdout).toBe("");
  });

  it("prints its help", async () => {
    const result = await runCli(["build", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: zonke build --env <name> --app <name>/);
    expect((await runCli(["--help"])).stdout).toContain("zonke build --env <name> --app <name>");
  });
});

describe("which apps have an image (the architectures' ecsKinds, the stacks' image_digest)", () => {
  it("matches the stacks that declare image_digest", () => {
    const loaded = loadConfig(EXAMPLE_CONFIG);
    const kinds = Object.fromEntries(loaded.config.apps.map((app) => [app.name, imageKindOf(app)]));
    expect(kinds).toEqual({
      web: undefined,
      api: "django",
      store: "nextjs",
      "store-api": "django",
      site: "django",
    });
    // The same apps, by what synthesis makes: their main stack takes the image by digest.
    const stacks = composedStacks(loaded, { environments: ["dev"], apps: [] }, tempDir("out"));
    const declaring = loaded.config.apps
      .filter((app) => declaresImageDigest(stacks.find((s) => s.name === `zonke-dev-${app.name}`)!))
      .map((app) => app.name);
    expect(declaring).toEqual(Object.keys(kinds).filter((name) => kinds[name] !== undefined));
  });

  it("tags with the commit and the time", () => {
    const at = new Date("2026-11-24T09:30:05.123Z");
    expect(
      imageTag(
        { CODEBUILD_RESOLVED_SOURCE_VERSION: "3f2c1a9b7d4e0011223344556677889900aabbcc" },
        "/",
        at,
      ),
    ).toBe("3f2c1a9b7d4e-20261124-093005");
  });

  it("reads ECR's token", () => {
    const token = Buffer.from("AWS:pa:ss").toString("base64");
    expect(
      parseAuthorization(
        { authorizationToken: token, proxyEndpoint: `https://${REGISTRY}` },
        "111111111111",
        "eu-west-1",
      ),
    ).toEqual({ username: "AWS", password: "pa:ss", host: REGISTRY });
    expect(() => parseAuthorization({ authorizationToken: "" }, "1", "eu-west-1")).toThrow(
      "without a user:password token",
    );
  });
});

describe("the image step, with the real image scripts and a stand-in engine", () => {
  const IMAGE_ID = "1".repeat(64);
  const PUSHED = `sha256:${"d".repeat(64)}`;
  const tools = findBuildTools(REPO_ROOT);

  async function imageStep(
    app: string,
    engineName: "docker" | "buildah",
    extraEnv: Record<string, string> = {},
  ) {
    const work = tempDir(`image-${app}`);
    const log = path.join(work, "engine.log");
    const stdin = path.join(work, "engine.stdin");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${fakeBin(engineName)}:${BASE_PATH}`,
      FAKE_ENGINE_LOG: log,
      FAKE_ENGINE_STDIN: stdin,
      FAKE_ENGINE_ROOT: work,
      FAKE_IMAGE_ID: IMAGE_ID,
      FAKE_PUSH_DIGEST: PUSHED,
      ...extraEnv,
    };
    const target: BuildTarget = {
      ...resolveBuildTarget({ env: "dev", app, config: EXAMPLE_CONFIG }, REPO_ROOT),
      // Not the workspace's own files: this test must not touch them.
      digestFile: path.join(work, ".zonke/images/dev", `${app}.digest`),
      staticDir: path.join(work, "staticfiles"),
    };
    const password = secretValue();
    const logins: string[] = [];
    const registryLogin: RegistryLogin = async (region, account) => {
      logins.push(`${region} ${account}`);
      return { username: "AWS", password, host: REGISTRY };
    };
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    };
    const engine = findContainerEngine(env, tools.stacksDir);
    const run = buildAndPushImage(target, {
      engine,
      tools,
      python: target.image === "django" ? findPython(env) : undefined,
      tag: "abc123def456-20261124-093005",
      log: new Steps(io, false),
      cwd: REPO_ROOT,
      env,
      registryLogin,
    });
    const outcome: { value?: Awaited<typeof run>; error?: Error & { exitCode?: number } } =
      await run.then(
        (value) => ({ value }),
        (error: Error) => ({ error }),
      );
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    const given = fs.existsSync(stdin) ? fs.readFileSync(stdin, "utf8") : undefined;
    return { ...outcome, target, calls, given, password, logins, stdout, stderr, work };
  }

  it("Django with docker: builds, logs in on stdin, pushes, records the registry's digest", async () => {
    const run = await imageStep("api", "docker");
    expect(run.error).toBeUndefined();
    const reference = `${REGISTRY}/zonke/dev/api:abc123def456-20261124-093005`;
    expect(run.value).toEqual({ reference, digest: PUSHED });
    // The digest of the push (the manifest's), not the image id the build printed.
    expect(fs.readFileSync(run.target.digestFile, "utf8")).toBe(`${PUSHED}\n`);
    expect(readDigest(run.target.digestFile)).toBe(PUSHED);
    expect(run.logins).toEqual(["eu-west-1 111111111111"]);
    // zonke and build-image each ask whether docker's daemon answers.
    expect(run.calls.slice(0, 2)).toEqual([
      "docker info --format {{.ServerVersion}}",
      "docker info --format {{.ServerVersion}}",
    ]);
    const [build, create, cp, rm, login, push] = run.calls.slice(2);
    expect(build).toMatch(
      new RegExp(
        `^docker build --file \\S+/Dockerfile --tag ${reference} --iidfile \\S+ --build-arg DJANGO_SETTINGS_MODULE=example_django.settings --platform linux/arm64 \\S+$`,
      ),
    );
    expect([create, cp, rm]).toEqual([
      `docker create ${reference}`,
      `docker cp c0ffee:/app/staticfiles/. ${run.target.staticDir}`,
      "docker rm c0ffee",
    ]);
    expect(login).toBe(`docker login --username AWS --password-stdin ${REGISTRY}`);
    expect(push).toBe(`docker push ${reference}`);
    expect(run.calls).toHaveLength(8);
    // The password reached the engine on stdin, and nowhere else.
    expect(run.given).toBe(run.password);
    expect(run.calls.join("\n")).not.toContain(run.password);
    expect(run.stdout + run.stderr).not.toContain(run.password);
    // The static files were copied out of the image for zonke assets upload.
    expect(fs.readFileSync(path.join(run.target.staticDir, "admin/base.css"), "utf8")).toBe(
      "body{}\n",
    );
    // Steps on stderr (a real run), in order, with the script's own output between them.
    const shown = run.stderr.split("\n").filter((line) => line.startsWith("+ "));
    expect(shown.map((line) => line.split(" ").slice(1, 3).join(" "))).toEqual([
      "rm -rf",
      "python3 packages/lambdas/django-runtime/scripts/build-image",
      "aws ecr",
      "docker login",
      "docker push",
      `echo ${PUSHED}`,
    ]);
    expect(run.stderr).toContain(`build-image: ${reference} with docker`);
    expect(run.stdout).toBe("");
  });

  it("Django with buildah: the push's --digestfile", async () => {
    const run = await imageStep("site", "buildah");
    expect(run.error).toBeUndefined();
    expect(fs.readFileSync(run.target.digestFile, "utf8")).toBe(`${PUSHED}\n`);
    const reference = `${REGISTRY}/zonke/dev/site:abc123def456-20261124-093005`;
    expect(run.calls[0]).toMatch(
      /^buildah --storage-driver vfs build --isolation chroot --layers /,
    );
    expect(run.calls.at(-2)).toBe(
      `buildah --storage-driver vfs login --username AWS --password-stdin ${REGISTRY}`,
    );
    expect(run.calls.at(-1)).toMatch(
      new RegExp(
        `^buildah --storage-driver vfs push --digestfile \\S+/digest ${reference} docker://${reference}$`,
      ),
    );
    expect(run.given).toBe(run.password);
  });

  const standalone = fs.existsSync(path.join(REPO_ROOT, "apps/example-next/.next/standalone"));
  (standalone ? it : it.skip)("Next.js on ECS with docker: zonke-next-image", async () => {
    const run = await imageStep("store", "docker");
    expect(run.error).toBeUndefined();
    const reference = `${REGISTRY}/zonke/dev/store:abc123def456-20261124-093005`;
    expect(run.calls.filter((c) => c.startsWith("docker build"))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^docker build --file \\S+/Dockerfile --tag ${reference} --iidfile \\S+ --platform linux/arm64 \\S+$`,
        ),
      ),
    ]);
    expect(run.calls.at(-1)).toBe(`docker push ${reference}`);
    expect(fs.readFileSync(run.target.digestFile, "utf8")).toBe(`${PUSHED}\n`);
  });

  it("a refused push fails the step (exit 1) and records no digest", async () => {
    const run = await imageStep("api", "docker", { FAKE_PUSH_FAIL: "1" });
    const error = run.error!;
    expect(error).toBeDefined();
    expect(error.message).toBe("docker push exited 1 (its output above says why)");
    expect(error.exitCode).toBe(1);
    expect(fs.existsSync(run.target.digestFile)).toBe(false);
    expect(run.stderr).toContain("denied: User is not authorized");
  });
});

it("logs in to ECR through the SDK (moto)", async () => {
  const auth = await ecrLogin("eu-west-1", "123456789012", process.env);
  expect(auth.username).toBe("AWS");
  expect(auth.password.length).toBeGreaterThan(0);
  expect(auth.host).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
});

it("shows words as a shell reads them back", () => {
  expect(shellLine(["echo", "a b", "it's", "--x=1", ""])).toBe(`echo 'a b' 'it'\\''s' --x=1 ''`);
});
