/**
 * `zonke plan`'s pipeline options, as the built CLI runs them: `--dry-run` (the steps, nothing
 * run), `--no-synth` (the stacks `zonke build` synthesised, and what it says when they are not
 * there), `--skip-pipeline`, and the image `zonke build` pushed
 * (`.zonke/images/<env>/<app>.digest`) taking precedence over the deployed one. Terraform is the
 * stand-in of test/fixtures/pipeline/fake-terraform.mjs; the workspace is the test's own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig } from "@zonke/stacks";
import { isSelected, stackOwner } from "../src/plan/stacks";
import { tempDir } from "./support/aws";
import { runCli, spawnCli } from "./support/cli";
import { EXAMPLE_CONFIG } from "./support/example-apps";
import {
  callsOf,
  fakeTerraform,
  markStack,
  readCalls,
  synthInto,
  tempWorkspace,
  type Workspace,
} from "./fixtures/pipeline/workspace";

const DIGEST = `sha256:${"be".repeat(32)}`;
const PLACEHOLDER = `sha256:${"0".repeat(64)}`;

function writeDigest(workspace: Workspace, env: string, app: string, text: string): string {
  const file = path.join(workspace.dir, ".zonke/images", env, `${app}.digest`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe("stack owners: the -registry and -pipeline suffixes", () => {
  const { config } = loadConfig(EXAMPLE_CONFIG);

  it.each([
    ["zonke-dev-web", { environment: "dev", app: "web" }],
    ["zonke-dev-web-pipeline", { environment: "dev", app: "web", part: "pipeline" }],
    ["zonke-dev-store-api-pipeline", { environment: "dev", app: "store-api", part: "pipeline" }],
    ["zonke-prod-store-registry", { environment: "prod", app: "store", part: "registry" }],
    ["zonke-dev-delivery", { environment: "dev" }],
    ["zonke-dev-network", { environment: "dev" }],
    ["other-dev-web", {}],
  ])("%s", (stack, owner) => {
    expect(stackOwner(stack, config)).toEqual(owner);
  });

  it("--skip-pipeline leaves out the pipeline stacks only", () => {
    const selection = { environments: ["dev"], apps: ["store"], skipPipeline: true };
    expect(
      [
        "zonke-dev-store",
        "zonke-dev-store-registry",
        "zonke-dev-store-pipeline",
        "zonke-dev-store-api-pipeline",
      ].filter((s) => isSelected(s, config, selection)),
    ).toEqual(["zonke-dev-store", "zonke-dev-store-registry"]);
  });
});

describe("zonke plan --dry-run", () => {
  it("prints the synthesis and each stack's Terraform steps, and runs nothing", async () => {
    const cwd = tempDir("plan-dry");
    const result = await spawnCli(
      ["plan", "--env", "dev", "--app", "site", "--config", EXAMPLE_CONFIG, "--dry-run"],
      // No Terraform anywhere: a dry run does not look for it (finding it runs it).
      { cwd, env: { ...process.env, PATH: cwd, ZONKE_TERRAFORM: "" } },
    );
    expect(result.code).toBe(0);
    const chdir = (stack: string) => `terraform -chdir=cdktf.out/stacks/${stack}`;
    const stack = (name: string) => [
      `+ ${chdir(name)} init -input=false -no-color`,
      `+ ${chdir(name)} plan -input=false -lock=false -no-color -out=zonke.tfplan`,
      `+ ${chdir(name)} show -json zonke.tfplan > cdktf.out/plans/${name}.json`,
    ];
    expect(result.stdout.trimEnd().split("\n")).toEqual([
      `+ npx zonke-synth --env dev --config ${EXAMPLE_CONFIG} --out cdktf.out --quiet  # in process, with @zonke/stacks`,
      ...stack("zonke-dev-site-registry"),
      `+ ${chdir("zonke-dev-site")} init -input=false -no-color`,
      `+ ${chdir("zonke-dev-site")} show -json`,
      `+ ${chdir("zonke-dev-site")} plan -input=false -lock=false -no-color -out=zonke.tfplan -var 'image_digest=<the digest it runs now, else ${PLACEHOLDER}>'`,
      `+ ${chdir("zonke-dev-site")} show -json zonke.tfplan > cdktf.out/plans/zonke-dev-site.json`,
      ...stack("zonke-dev-site-pipeline"),
    ]);
    expect(result.stderr).toBe("dry run: 3 stacks would be planned; nothing was run or written\n");
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  it("--skip-pipeline leaves the pipeline stack out; a built image is planned with -var", async () => {
    const workspace = tempWorkspace();
    writeDigest(workspace, "dev", "site", `${DIGEST}\n`);
    const result = await spawnCli(
      ["plan", "--env", "dev", "--app", "site", "--skip-pipeline", "--dry-run"],
      { cwd: workspace.dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("zonke-dev-site-pipeline");
    expect(result.stdout).toContain(
      `+ terraform -chdir=cdktf.out/stacks/zonke-dev-site plan -input=false -lock=false -no-color -out=zonke.tfplan -var image_digest=${DIGEST}\n`,
    );
    expect(result.stdout).not.toContain("zonke-dev-site show -json\n");
    expect(result.stderr).toContain("2 stacks would be planned");
  });

  it("says it assumes the deploy role, which must be of the environment's account", async () => {
    const args = ["plan", "--env", "dev", "--app", "web", "--config", EXAMPLE_CONFIG, "--dry-run"];
    const ok = await spawnCli(args, {
      env: {
        ...process.env,
        ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/zonke-dev-deployer",
      },
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      "+ aws sts assume-role --role-arn arn:aws:iam::111111111111:role/zonke-dev-deployer --role-session-name zonke-<unique> --region eu-west-1  # Terraform of dev runs as this role\n",
    );
    const other = await spawnCli(args, {
      env: { ...process.env, ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::999999999999:role/x" },
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      "zonke: ZONKE_DEPLOY_ROLE_ARN is a role of account 999999999999, but environment dev deploys to account 111111111111 (zonke.config.ts)\n",
    );
  });
});

describe("zonke plan --no-synth", () => {
  let workspace: Workspace;
  let terraform: string;

  beforeAll(() => {
    workspace = tempWorkspace();
    synthInto(workspace, "dev");
    terraform = fakeTerraform();
  }, 60_000);

  async function plan(args: readonly string[], extraEnv: Record<string, string> = {}) {
    const log = path.join(tempDir("tf-log"), "calls.log");
    const result = await spawnCli(["plan", ...args], {
      cwd: workspace.dir,
      env: { ...process.env, ZONKE_TERRAFORM: terraform, FAKE_TF_LOG: log, ...extraEnv },
    });
    return { ...result, calls: readCalls(log) };
  }

  it("plans what zonke build synthesised, without synthesising, with the image it pushed", async () => {
    markStack(workspace, "zonke-dev-site");
    markStack(workspace, "zonke-dev-site-registry");
    const digestFile = writeDigest(workspace, "dev", "site", `${DIGEST}\n`);
    try {
      const run = await plan(
        [
          "--env",
          "dev",
          "--app",
          "site",
          "--no-synth",
          "--skip-pipeline",
          "--markdown",
          "--out",
          "plan.md",
        ],
        { FAKE_TF_STATE_DIGEST: `sha256:${"a".repeat(64)}`, FAKE_TF_CHANGES: "zonke-dev-site" },
      );
      expect(run.stderr).not.toContain("zonke: ");
      expect(run.code).toBe(0);
      expect(callsOf(run.calls, "zonke-dev-site")).toEqual([
        "init -input=false -no-color",
        // The image just built, not the one it runs now (no state read for it).
        `plan -input=false -lock=false -no-color -out=zonke.tfplan -var image_digest=${DIGEST}`,
        "show -json zonke.tfplan",
      ]);
      expect(callsOf(run.calls, "zonke-dev-site-registry")).toHaveLength(3);
      expect(new Set(run.calls.map((c) => c.stack))).toEqual(
        new Set(["zonke-dev-site", "zonke-dev-site-registry"]),
      );
      // The folders zonke build left, as they were (a synthesis would have rewritten them).
      expect(run.calls.every((c) => c.marked)).toBe(true);
      const markdown = fs.readFileSync(path.join(workspace.dir, "plan.md"), "utf8");
      expect(markdown).toContain(
        "planned with the image zonke build pushed (sha256:bebebebebebe…, .zonke/images/dev/site.digest)",
      );
      expect(markdown).not.toContain("zonke-dev-site-pipeline");
    } finally {
      fs.rmSync(digestFile);
    }
  });

  it("without a digest file: the deployed image, as before", async () => {
    const run = await plan(["--env", "dev", "--app", "site", "--no-synth", "--skip-pipeline"], {
      FAKE_TF_STATE_DIGEST: DIGEST,
    });
    expect(run.code).toBe(0);
    expect(callsOf(run.calls, "zonke-dev-site")).toEqual([
      "init -input=false -no-color",
      "show -json",
      `plan -input=false -lock=false -no-color -out=zonke.tfplan -var image_digest=${DIGEST}`,
      "show -json zonke.tfplan",
    ]);
  });

  it("refuses a digest file that holds something else (exit 2), before Terraform runs", async () => {
    const file = writeDigest(workspace, "dev", "site", "latest\n");
    try {
      const run = await plan(["--env", "dev", "--app", "site", "--no-synth"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        "zonke: .zonke/images/dev/site.digest does not hold an image digest (sha256: and 64 hex digits); run zonke build again, or delete the file\n",
      );
      expect(run.calls).toEqual([]);
    } finally {
      fs.rmSync(file);
    }
  });

  it.each([
    [
      "an environment that was not synthesised",
      ["--env", "prod", "--app", "web"],
      "zonke: --no-synth: cdktf.out holds no stacks of app web in environment prod: run zonke build --env prod --app web first (or plan without --no-synth)\n",
    ],
  ])("exit 2 for %s", async (_, args, message) => {
    const run = await plan([...args, "--no-synth"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(message);
    expect(run.calls).toEqual([]);
  });

  it("--dry-run does not read cdktf.out: it shows the stacks zonke build would synthesise", async () => {
    // A pipeline's dry run comes before its build: prod was never synthesised here.
    const run = await plan(["--env", "prod", "--app", "web", "--no-synth", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "note: --no-synth --dry-run: the stacks zonke build synthesises for this selection; cdktf.out itself is not read\n" +
        "dry run: 2 stacks would be planned; nothing was run or written\n",
    );
    expect(run.stdout).toContain(
      "+ terraform -chdir=cdktf.out/stacks/zonke-prod-web init -input=false -no-color\n",
    );
    expect(run.calls).toEqual([]);
    expect(fs.existsSync(path.join(workspace.dir, "cdktf.out/stacks/zonke-prod-web"))).toBe(false);
  });

  it("exit 2 when nothing is synthesised, or a selected stack's folder is missing", async () => {
    const empty = tempWorkspace();
    const none = await spawnCli(["plan", "--env", "dev", "--app", "api", "--no-synth"], {
      cwd: empty.dir,
      env: { ...process.env, ZONKE_TERRAFORM: terraform, FAKE_TF_LOG: path.join(empty.dir, "log") },
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "zonke: --no-synth: nothing is synthesised in cdktf.out (no manifest.json): run zonke build --env dev --app api first (or plan without --no-synth)\n",
    );

    synthInto(empty, "dev");
    fs.rmSync(path.join(empty.dir, "cdktf.out/stacks/zonke-dev-api"), { recursive: true });
    const missing = await spawnCli(["plan", "--env", "dev", "--app", "api", "--no-synth"], {
      cwd: empty.dir,
      env: { ...process.env, ZONKE_TERRAFORM: terraform, FAKE_TF_LOG: path.join(empty.dir, "log") },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "zonke: --no-synth: the folder of stack zonke-dev-api (cdktf.out/stacks/zonke-dev-api) is missing or holds no cdk.tf.json: run zonke build --env dev --app api first (or plan without --no-synth)\n",
    );
    expect(fs.existsSync(path.join(empty.dir, "log"))).toBe(false);
  });

  it("--dry-run prints the steps for the synthesised stacks", async () => {
    const run = await plan(["--env", "dev", "--app", "web", "--no-synth", "--dry-run"]);
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([]);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web plan -input=false -lock=false -no-color -out=zonke.tfplan",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web show -json zonke.tfplan > cdktf.out/plans/zonke-dev-web.json",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web-pipeline init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web-pipeline plan -input=false -lock=false -no-color -out=zonke.tfplan",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web-pipeline show -json zonke.tfplan > cdktf.out/plans/zonke-dev-web-pipeline.json",
    ]);
  });
});

describe("zonke plan: option mistakes and help", () => {
  it.each([
    [
      ["--no-synth", "--plans", "x"],
      "zonke: --no-synth plans with Terraform; --plans renders plans made elsewhere\n",
    ],
    [
      ["--dry-run", "--plans", "x"],
      "zonke: --dry-run plans with Terraform; --plans renders plans made elsewhere\n",
    ],
  ])("zonke plan %j", async (args, message) => {
    const result = await runCli(["plan", ...args]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: message });
  });

  it("--skip-pipeline also filters --plans", async () => {
    const dir = tempDir("plans");
    const source = path.join(__dirname, "fixtures/plans/changes/zonke-dev-store-registry.json");
    for (const name of ["zonke-dev-store-pipeline", "zonke-dev-store-registry"]) {
      fs.copyFileSync(source, path.join(dir, `${name}.json`));
    }
    const result = await runCli([
      "plan",
      "--plans",
      dir,
      "--skip-pipeline",
      "--config",
      EXAMPLE_CONFIG,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("zonke-dev-store-registry");
    expect(result.stdout).not.toContain("zonke-dev-store-pipeline");
  });

  it("lists the new options in its help", async () => {
    const { stdout } = await runCli(["plan", "--help"]);
    for (const option of ["--no-synth", "--skip-pipeline", "--dry-run"]) {
      expect(stdout).toContain(`\n  ${option} `);
    }
  });
});
