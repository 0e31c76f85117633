/**
 * `zonke plan` as a user runs it: the built CLI in a child process (real argv, exit code, files),
 * or in this process for the quick argument checks.
 *
 * - `--plans <dir>` on the recorded plans (test/fixtures/plans);
 * - synthesis of the example config plus Terraform, with a stand-in `terraform` (a script that
 *   records its arguments and answers `show -json` with a recorded plan): which stacks, which
 *   commands in which folder, image_digest, failures;
 * - the same with the real Terraform of scripts/terraform-toolchain against moto (dev's S3 state
 *   bucket made there), when that toolchain is on this machine (skipped, with a message, when it
 *   is not).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { renderPlanMarkdown } from "../src/plan/render";
import { accountCredentials, tempDir } from "./support/aws";
import { runCli, secretValue, spawnCli } from "./support/cli";
import { ensureAppPackages, EXAMPLE_CONFIG } from "./support/example-apps";

const FIXTURES = path.join(__dirname, "fixtures/plans");
const CHANGES = path.join(FIXTURES, "changes");
const DIGEST = `sha256:${"ab".repeat(32)}`;

function copyFixtures(files: Record<string, string>): string {
  const dir = tempDir("plans");
  for (const [name, source] of Object.entries(files)) {
    fs.copyFileSync(path.join(FIXTURES, source), path.join(dir, name));
  }
  return dir;
}

function rows(markdown: string): string[] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.split(" | ")[0]!.slice(3, -1));
}

function expectNoStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain("internal error");
}

describe("zonke plan --plans <dir>", () => {
  it("prints the Markdown comment of every <stack>.json", async () => {
    const result = await spawnCli(["plan", "--markdown", "--plans", CHANGES]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.startsWith("<!-- zonke-plan -->\n### Terraform plan\n")).toBe(true);
    expect(rows(result.stdout)).toEqual([
      "zonke-dev-api-registry",
      "zonke-dev-site-registry",
      "zonke-dev-store-api-registry",
      "zonke-dev-store-registry",
    ]);
    expect(result.stdout).toContain("| `zonke-dev-store-registry` | 0 | 0 | 1 | 0 | ⚠ replaces");
  });

  it("writes the comment to --out and the table to stdout", async () => {
    const cwd = tempDir("out");
    const result = await spawnCli(["plan", "--markdown", "--plans", CHANGES, "--out", "plan.md"], {
      cwd,
    });
    expect(result.code).toBe(0);
    const written = fs.readFileSync(path.join(cwd, "plan.md"), "utf8");
    expect(written).toBe((await runCli(["plan", "--markdown", "--plans", CHANGES])).stdout);
    expect(written.split("\n")[0]).toBe("<!-- zonke-plan -->");
    expect(result.stdout.split("\n")[0]).toMatch(/^stack +to add +to change +to replace/);
    expect(result.stdout).toContain("⚠ aws_ecr_repository.Images_2D38C313");
    expect(result.stderr).toBe(
      `wrote plan.md (${written.length.toLocaleString("en-US")} characters)\n`,
    );
  });

  it("prints the table without --markdown", async () => {
    const result = await runCli(["plan", "--plans", CHANGES]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stack {2,}to add/);
    expect(result.stdout).not.toContain("<details>");
  });

  it("chooses stacks by --env and --app (store is not store-api)", async () => {
    const config = ["--config", EXAMPLE_CONFIG];
    const store = await runCli([
      "plan",
      "--markdown",
      "--plans",
      CHANGES,
      "--app",
      "store",
      ...config,
    ]);
    expect(store.code).toBe(0);
    expect(rows(store.stdout)).toEqual(["zonke-dev-store-registry"]);
    const both = await runCli([
      "plan",
      "--markdown",
      "--plans",
      CHANGES,
      "--env",
      "dev",
      "--app",
      "store-api,api",
      ...config,
    ]);
    expect(rows(both.stdout)).toEqual(["zonke-dev-api-registry", "zonke-dev-store-api-registry"]);
    expect(both.stdout.split("\n").slice(0, 2)).toEqual([
      "<!-- zonke-plan env=dev -->",
      "### Terraform plan: dev (store-api, api)",
    ]);
  });

  it("exits 1 after writing the comment when a plan stopped on an error", async () => {
    const dir = tempDir("errored");
    const plan = JSON.parse(
      fs.readFileSync(path.join(CHANGES, "zonke-dev-store-registry.json"), "utf8"),
    );
    fs.writeFileSync(
      path.join(dir, "zonke-dev-store-registry.json"),
      JSON.stringify({ ...plan, errored: true }),
    );
    const cwd = tempDir("errored-out");
    const result = await spawnCli(["plan", "--markdown", "--plans", dir, "--out", "plan.md"], {
      cwd,
    });
    expect(result.code).toBe(1);
    expect(fs.readFileSync(path.join(cwd, "plan.md"), "utf8")).toContain(
      "❌ plan stopped on an error: incomplete",
    );
    expect(result.stderr).toContain(
      "zonke: 1 of 1 stacks could not be planned completely: zonke-dev-store-registry\n",
    );
  });

  describe("mistakes: one line, exit 2", () => {
    const file = path.join(CHANGES, "zonke-dev-site-registry.json");

    it.each([
      [["--plans", "no-such-dir"], "zonke: --plans no-such-dir: no such folder\n"],
      [
        ["--plans", file],
        `zonke: --plans ${file}: not a folder (give the folder that holds the <stack>.json files)\n`,
      ],
      [
        ["--plans", CHANGES, "--out", "missing/plan.md"],
        "zonke: --out missing/plan.md: the folder missing does not exist\n",
      ],
      [
        ["--plans", CHANGES, "--out", os.tmpdir()],
        `zonke: --out ${os.tmpdir()}: is a folder; give a file name\n`,
      ],
      [
        ["--plans", CHANGES, "--env", "prod", "--config", EXAMPLE_CONFIG],
        `zonke: --plans ${CHANGES}: none of its 4 plans is a stack of --env prod\n`,
      ],
      [["--plans", CHANGES, "--app", "nope", "--config", EXAMPLE_CONFIG], "is not in"],
      [["extra"], "zonke: plan takes no arguments, only options (got 1)\n"],
      [["--app", ""], "zonke: --app needs a name\n"],
    ])("zonke plan %j", async (args, message) => {
      const result = await spawnCli(["plan", ...args]);
      expect(result.code).toBe(2);
      if (message.startsWith("zonke:")) expect(result.stderr).toBe(message);
      else
        expect(result.stderr).toMatch(
          /^zonke: app "nope" is not in .*zonke\.config\.ts; it defines web, api, store, store-api, site\n$/,
        );
      expectNoStackTrace(result.stderr);
      expect(result.stdout).toBe("");
    });

    it("names a file that is not JSON without quoting it", async () => {
      const dir = tempDir("bad-json");
      const content = secretValue((m) => `{"format_version": "1.2", "x": ${m}`);
      fs.writeFileSync(path.join(dir, "zonke-dev-web.json"), content);
      const result = await runCli(["plan", "--plans", dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `zonke: ${path.join(dir, "zonke-dev-web.json")}: not valid JSON; write it with terraform show -json <planfile> > zonke-dev-web.json\n`,
      );
      // runCli fails the test if the marker in `content` shows up in any output.
    });

    it("refuses a state, an empty folder and an unknown option", async () => {
      const dir = tempDir("state");
      fs.writeFileSync(
        path.join(dir, "s.json"),
        JSON.stringify({ format_version: "1.0", values: {} }),
      );
      const state = await runCli(["plan", "--plans", dir]);
      expect(state.code).toBe(2);
      expect(state.stderr).toContain(
        "s.json: no resource_changes or planned_values: this is a state",
      );
      const empty = await runCli(["plan", "--plans", tempDir("empty")]);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("no <stack>.json files in it");
      const bogus = await runCli(["plan", "--bogus"]);
      expect(bogus).toMatchObject({ code: 2 });
      expect(bogus.stderr).toContain("Unknown option '--bogus'");
    });
  });

  it("prints its help", async () => {
    const result = await runCli(["plan", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: zonke plan \[--markdown\]/);
    expect((await runCli(["--help"])).stdout).toContain("zonke plan [--markdown]");
  });
});

/**
 * A stand-in `terraform`: records each call (folder name and arguments) to $FAKE_TF_LOG; `show
 * -json <planfile>` prints $FAKE_TF_PLANS/<stack>.json (a recorded real plan); `show -json` (the
 * state) names the image $FAKE_TF_STATE_DIGEST when set; $FAKE_TF_FAIL_PLAN=<stack> makes that
 * stack's plan fail as Terraform does.
 */
function fakeTerraform(dir: string): string {
  const file = path.join(dir, "terraform");
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const fs = require("node:fs");
const path = require("node:path");
const stack = path.basename(process.cwd());
const args = process.argv.slice(2);
const env = process.env;
if (args[0] !== "version") fs.appendFileSync(env.FAKE_TF_LOG, JSON.stringify({ stack, args }) + "\\n");
if (args[0] === "plan") {
  if (env.FAKE_TF_FAIL_PLAN === stack) {
    process.stderr.write("\\nError: Unable to find remote state\\n\\n  with data.terraform_remote_state.network,\\n\\nNo stored state was found.\\n");
    process.exit(1);
  }
  fs.writeFileSync(args.find((a) => a.startsWith("-out=")).slice(5), "plan");
}
if (args[0] === "show" && args.length === 2) {
  const resources = env.FAKE_TF_STATE_DIGEST
    ? [{ type: "aws_lambda_function", values: { image_uri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/zonke/dev/site@" + env.FAKE_TF_STATE_DIGEST } }]
    : [];
  process.stdout.write(JSON.stringify(resources.length ? { format_version: "1.0", values: { root_module: { resources } } } : { format_version: "1.0" }));
}
if (args[0] === "show" && args.length === 3) {
  process.stdout.write(fs.readFileSync(path.join(env.FAKE_TF_PLANS, stack + ".json"), "utf8"));
}
`,
    { mode: 0o755 },
  );
  return file;
}

describe("zonke plan: synthesis and Terraform (stand-in terraform)", () => {
  let terraform: string;
  let plans: string;

  beforeAll(() => {
    ensureAppPackages();
    terraform = fakeTerraform(tempDir("fake-tf"));
    plans = copyFixtures({
      "zonke-dev-site-registry.json": "changes/zonke-dev-site-registry.json",
      "zonke-dev-site.json": "first-deploy/zonke-dev-site.json",
      "zonke-dev-site-pipeline.json": "first-deploy/zonke-dev-site-pipeline.json",
    });
  }, 120_000);

  async function plan(extraEnv: Record<string, string>) {
    const cwd = tempDir("synth-plan");
    const log = path.join(cwd, "terraform.log");
    const result = await spawnCli(
      [
        "plan",
        "--markdown",
        "--env",
        "dev",
        "--app",
        "site",
        "--config",
        EXAMPLE_CONFIG,
        "--out",
        "plan.md",
      ],
      {
        cwd,
        env: {
          ...process.env,
          ZONKE_TERRAFORM: terraform,
          FAKE_TF_LOG: log,
          FAKE_TF_PLANS: plans,
          ...extraEnv,
        },
      },
    );
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { stack: string; args: string[] })
      : [];
    const markdown = fs.existsSync(path.join(cwd, "plan.md"))
      ? fs.readFileSync(path.join(cwd, "plan.md"), "utf8")
      : "";
    return { ...result, cwd, calls, markdown };
  }

  const callsOf = (calls: { stack: string; args: string[] }[], stack: string) =>
    calls.filter((c) => c.stack === stack).map((c) => c.args.join(" "));

  it("plans the app's stacks, its pipeline's included, in their synthesised folders, with the deployed image", async () => {
    const run = await plan({ FAKE_TF_STATE_DIGEST: DIGEST });
    expect(run.stderr).not.toContain("zonke: ");
    expect(run.code).toBe(0);
    expect(callsOf(run.calls, "zonke-dev-site-registry")).toEqual([
      "init -input=false -no-color",
      "plan -input=false -lock=false -no-color -out=zonke.tfplan",
      "show -json zonke.tfplan",
    ]);
    expect(callsOf(run.calls, "zonke-dev-site")).toEqual([
      "init -input=false -no-color",
      "show -json",
      `plan -input=false -lock=false -no-color -out=zonke.tfplan -var image_digest=${DIGEST}`,
      "show -json zonke.tfplan",
    ]);
    // The pipeline stack declares no image_digest: nothing is read from its state.
    expect(callsOf(run.calls, "zonke-dev-site-pipeline")).toEqual([
      "init -input=false -no-color",
      "plan -input=false -lock=false -no-color -out=zonke.tfplan",
      "show -json zonke.tfplan",
    ]);
    // Only the app's stacks: not the network, not the delivery stack, not the other apps.
    expect(new Set(run.calls.map((c) => c.stack))).toEqual(
      new Set(["zonke-dev-site-registry", "zonke-dev-site", "zonke-dev-site-pipeline"]),
    );
    expect(
      fs.existsSync(path.join(run.cwd, "cdktf.out/stacks/zonke-dev-network/cdk.tf.json")),
    ).toBe(true);
    expect(fs.readFileSync(path.join(run.cwd, "cdktf.out/plans/zonke-dev-site.json"), "utf8")).toBe(
      fs.readFileSync(path.join(plans, "zonke-dev-site.json"), "utf8"),
    );

    expect(rows(run.markdown)).toEqual([
      "zonke-dev-site-registry",
      "zonke-dev-site",
      "zonke-dev-site-pipeline",
    ]);
    expect(run.markdown).toContain("| `zonke-dev-site-registry` | 0 | 1 | 1 | 1 |");
    expect(run.markdown).toContain("| `zonke-dev-site` | 58 | 0 | 0 | 0 |");
    expect(run.markdown).toContain("| `zonke-dev-site-pipeline` | 32 | 0 | 0 | 0 |");
    expect(run.markdown).toContain("_planned with the image it runs now (sha256:abababababab…)_");
    // dev keeps its state in S3 (zonke.config.ts): no warning about local state files.
    expect(run.markdown).not.toContain("keeps its Terraform state in local files");
    expect(run.markdown.split("\n").slice(0, 2)).toEqual([
      "<!-- zonke-plan env=dev -->",
      "### Terraform plan: dev (site)",
    ]);
    expect(run.stdout).toMatch(/^stack {2,}to add/);
    expect(run.stderr).toContain("planned zonke-dev-site (");
  });

  it("goes on past a stack that fails, shows why, and exits 1", async () => {
    const run = await plan({ FAKE_TF_FAIL_PLAN: "zonke-dev-site" });
    expect(run.code).toBe(1);
    expect(run.markdown).toContain("| `zonke-dev-site` | – | – | – | – | ❌ plan failed |");
    expect(run.markdown).toContain(
      "```text\nterraform plan failed:\nError: Unable to find remote state\n\n  with data.terraform_remote_state.network,\n\nNo stored state was found.\n```",
    );
    expect(run.markdown).toContain("| `zonke-dev-site-registry` | 0 | 1 | 1 | 1 |");
    // Never deployed: a placeholder digest, and the comment says so.
    expect(callsOf(run.calls, "zonke-dev-site")[2]).toBe(
      `plan -input=false -lock=false -no-color -out=zonke.tfplan -var image_digest=sha256:${"0".repeat(64)}`,
    );
    expect(run.markdown).toContain(
      "no image deployed yet: planned with a placeholder image\\_digest",
    );
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe(
      "zonke: 1 of 3 stacks could not be planned completely: zonke-dev-site",
    );
    expectNoStackTrace(run.stderr);
  });

  it("leaves image_digest to TF_VAR_image_digest when it is set", async () => {
    const run = await plan({ TF_VAR_image_digest: DIGEST });
    expect(run.code).toBe(0);
    expect(callsOf(run.calls, "zonke-dev-site")).toEqual([
      "init -input=false -no-color",
      "plan -input=false -lock=false -no-color -out=zonke.tfplan",
      "show -json zonke.tfplan",
    ]);
  });

  it("exits 3 with one line when there is no Terraform", async () => {
    const empty = tempDir("no-tf");
    const env = {
      ...process.env,
      PATH: empty,
      HOME: empty,
      ZONKE_TOOLS_CACHE: empty,
      ZONKE_TERRAFORM: "",
      TERRAFORM_BINARY_NAME: "",
    };
    const missing = await spawnCli(["plan", "--env", "dev", "--config", EXAMPLE_CONFIG], {
      cwd: empty,
      env,
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe(
      "zonke: Terraform not found: no terraform or tofu on PATH; install Terraform (or OpenTofu), or point ZONKE_TERRAFORM at it, or render plans made elsewhere with --plans <dir>\n",
    );
    expect(fs.existsSync(path.join(empty, "cdktf.out"))).toBe(false);

    const wrong = await spawnCli(["plan", "--config", EXAMPLE_CONFIG], {
      cwd: empty,
      env: { ...env, ZONKE_TERRAFORM: path.join(empty, "terraform") },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toBe(
      `zonke: ZONKE_TERRAFORM names ${path.join(empty, "terraform")}, which is not a working Terraform (or OpenTofu) executable\n`,
    );
  });
});

/** scripts/terraform-toolchain's record, if it ran on this machine. */
function toolchain(): Record<string, string> | undefined {
  const cache =
    process.env["ZONKE_TOOLS_CACHE"] ||
    path.join(process.env["XDG_CACHE_HOME"] || path.join(os.homedir(), ".cache"), "zonke");
  const file = path.join(cache, "terraform", "toolchain.env");
  if (!fs.existsSync(file)) return undefined;
  return Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

const tools = toolchain();
const withToolchain = tools ? describe : describe.skip;
if (!tools) {
  console.warn(
    "plan-cli.test.ts: no Terraform toolchain (run scripts/terraform-toolchain): real-Terraform tests skipped",
  );
}

withToolchain("zonke plan with the real Terraform, against moto", () => {
  it("plans the registry stack and reports the missing network and delivery states", async () => {
    ensureAppPackages();
    const cwd = tempDir("real-tf");
    // The stacks pin a provider version the offline mirror may not have (as in validate.mjs).
    const override = path.join(cwd, "override.json");
    fs.writeFileSync(
      override,
      JSON.stringify({
        terraform: {
          required_providers: {
            aws: {
              source: "registry.terraform.io/hashicorp/aws",
              version: tools!["AWS_PROVIDER_VERSION"],
            },
          },
        },
      }),
    );
    // The stacks allow only the environment's account: credentials of a moto user in it.
    const credentials = await accountCredentials("111111111111");
    // dev keeps its state in S3 (zonke.config.ts); the zonke-dev-state stack would make the
    // bucket: here it is made in moto, empty (no stack has been deployed).
    await new S3Client({ region: "eu-west-1", credentials }).send(
      new CreateBucketCommand({
        Bucket: "zonke-dev-tfstate-111111111111",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" },
      }),
    );
    const result = await spawnCli(
      [
        "plan",
        "--markdown",
        "--env",
        "dev",
        "--app",
        "site",
        "--config",
        EXAMPLE_CONFIG,
        "--out",
        "plan.md",
      ],
      {
        cwd,
        env: {
          ...process.env,
          ZONKE_TERRAFORM: tools!["TERRAFORM_CLI"],
          TF_CLI_CONFIG_FILE: tools!["TF_CLI_CONFIG_FILE"],
          ZONKE_TEST_TF_OVERRIDE: override,
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          AWS_REGION: "eu-west-1",
        },
      },
    );
    const markdown = fs.readFileSync(path.join(cwd, "plan.md"), "utf8");
    expect(markdown).toContain("| `zonke-dev-site-registry` | 3 | 0 | 0 | 0 |");
    expect(markdown).toContain("- `aws_ecr_repository.Images_2D38C313`");
    // The app's stack reads the network stack's outputs from its state, and the pipeline stack
    // the delivery stack's: the bucket holds neither.
    expect(markdown).toContain("| `zonke-dev-site` | – | – | – | – | ❌ plan failed |");
    expect(markdown).toContain("| `zonke-dev-site-pipeline` | – | – | – | – | ❌ plan failed |");
    for (const stack of ["zonke-dev-network", "zonke-dev-delivery"]) {
      expect(markdown).toContain(
        `Error: Unable to find remote state\n\n  with data.terraform_remote_state.cross-stack-reference-input-${stack},`,
      );
    }
    expect(result.code).toBe(1);
    const saved = JSON.parse(
      fs.readFileSync(path.join(cwd, "cdktf.out/plans/zonke-dev-site-registry.json"), "utf8"),
    );
    expect(saved.format_version).toMatch(/^1\./);
    expect(renderPlanMarkdown([{ stack: "zonke-dev-site-registry", plan: saved }])).toContain(
      "| `zonke-dev-site-registry` | 3 | 0 | 0 | 0 |",
    );
  }, 180_000);
});
