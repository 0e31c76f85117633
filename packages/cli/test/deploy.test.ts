/**
 * `zonke deploy` and what every pipeline command shares: the arguments, `--dry-run`, the
 * `--exports` file, the deploy role; deploys against a stand-in terraform (a script that records
 * its calls), and against the real Terraform of scripts/terraform-toolchain when it is on this
 * machine (a stack of outputs only: no provider, nothing to download).
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { CreateRoleCommand } from "@aws-sdk/client-iam";
import { renderExports, shellQuote } from "../src/deploy/exports";
import { terraformEnvironment } from "../src/aws/deploy-role";
import { iam, tempDir } from "./support/aws";
import { spawnCli } from "./support/cli";
import { EXAMPLE_CONFIG } from "./support/example-apps";
import {
  fakeTerraform,
  offlineDryRun,
  offlineEnv,
  stackFolders,
  standInStacks,
  terraformCalls,
  zonke,
} from "./fixtures/deploy/harness";

/** The example config's dev stacks, as synthesis writes them (the pipeline stack included). */
const DEV_STACKS = [
  "zonke-dev-network",
  "zonke-dev-web",
  "zonke-dev-web-pipeline",
  "zonke-dev-api-registry",
  "zonke-dev-api",
  "zonke-dev-site-registry",
  "zonke-dev-site",
];

function bashValueOf(file: string, name: string): string {
  return execFileSync("bash", ["-c", `set -eu; . "$1"; printf '%s' "$${name}"`, "bash", file], {
    encoding: "utf8",
  });
}

let terraform: string;
beforeAll(() => {
  terraform = fakeTerraform();
});

describe("arguments", () => {
  const cwd = os.tmpdir();
  it.each([
    [["deploy"], "zonke: missing --env <name>\n"],
    [["deploy", "--env", "dev"], "zonke: missing --app <name>\n"],
    [["release", "--env", " ", "--app", "web"], "zonke: missing --env <name>\n"],
    [
      ["deploy", "now", "--env", "dev", "--app", "web"],
      'zonke: deploy takes no arguments, only options (got "now")\n',
    ],
    [
      ["assets", "--env", "dev", "--app", "web"],
      "zonke: missing assets command: zonke assets upload\n",
    ],
    [
      ["assets", "sync", "--env", "dev", "--app", "web"],
      'zonke: unknown assets command "sync"; the only one is upload\n',
    ],
    [
      ["release", "--env", "dev", "--app", "web", "--exports", "x.env"],
      "zonke: --exports applies to zonke deploy only\n",
    ],
    [
      ["deploy", "--env", "dev", "--app", "web", "--timeout", "5"],
      "zonke: --timeout applies to zonke release only\n",
    ],
    [
      ["release", "--env", "dev", "--app", "web", "--timeout", "soon"],
      'zonke: --timeout "soon" is not allowed; use a number of minutes above 0, at most 1440\n',
    ],
    [
      ["release", "--env", "dev", "--app", "web", "--timeout", "0"],
      'zonke: --timeout "0" is not allowed; use a number of minutes above 0, at most 1440\n',
    ],
    [
      ["deploy", "--env", "dev", "--app", "web", "--exports", ""],
      "zonke: --exports <file> needs a path\n",
    ],
  ])("zonke %j: exit 2, %j", async (args, stderr) => {
    const result = await zonke(args, { cwd });
    expect(result).toEqual({ code: 2, stdout: "", stderr });
  });

  it("refuses an unknown option with the usual hint", async () => {
    const result = await zonke(["release", "--env", "dev", "--app", "web", "--wait"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke: Unknown option '--wait'.*\nrun `zonke --help` for usage\n$/,
    );
  });

  it.each([
    ["deploy", "usage: zonke deploy --env <name> --app <name> [--exports <file>]"],
    ["assets", "usage: zonke assets upload --env <name> --app <name>"],
    ["release", "usage: zonke release --env <name> --app <name> [--timeout <minutes>]"],
  ])("zonke %s --help prints its usage", async (command, first) => {
    const result = await zonke([command, "--help"], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith(first)).toBe(true);
    expect(result.stdout).toContain("--dry-run");
    expect((await zonke(["--help"], { cwd })).stdout).toContain(
      "zonke deploy|release|assets upload",
    );
  });

  it.each(["deploy", "release", "assets upload"])(
    "zonke %s: an unknown environment or app is exit 2, with --dry-run as without",
    async (command) => {
      const cwd = stackFolders(DEV_STACKS);
      for (const dryRun of [[], ["--dry-run"]]) {
        const base = [...command.split(" "), "--config", EXAMPLE_CONFIG, ...dryRun];
        const env = await zonke([...base, "--env", "qa", "--app", "web"], { cwd });
        expect(env).toEqual({
          code: 2,
          stdout: "",
          stderr: `zonke: environment "qa" is not in ${path.relative(cwd, EXAMPLE_CONFIG)}; it defines dev, prod\n`,
        });
        const app = await zonke([...base, "--env", "dev", "--app", "shop"], { cwd });
        expect(app.code).toBe(2);
        expect(app.stderr).toMatch(
          /^zonke: app "shop" is not in .*zonke\.config\.ts; it defines web, api, store, store-api, site\n$/,
        );
      }
    },
  );

  it("refuses a ZONKE_DEPLOY_ROLE_ARN that is not a role, or of another account", async () => {
    const cwd = stackFolders(DEV_STACKS);
    const args = [
      "deploy",
      "--env",
      "dev",
      "--app",
      "web",
      "--config",
      EXAMPLE_CONFIG,
      "--dry-run",
    ];
    const notArn = await zonke(args, {
      cwd,
      env: { ...process.env, ZONKE_DEPLOY_ROLE_ARN: "zonke-dev-deployer" },
    });
    expect(notArn).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'zonke: ZONKE_DEPLOY_ROLE_ARN is not an IAM role ARN (got "zonke-dev-deployer"); use arn:aws:iam::<account>:role/<name>, or unset it to use the credentials in use\n',
    });
    const other = await zonke(args, {
      cwd,
      env: {
        ...process.env,
        ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::222222222222:role/zonke-prod-deployer",
      },
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      `zonke: ZONKE_DEPLOY_ROLE_ARN is a role of account 222222222222, but environment dev deploys to account 111111111111 (${path.relative(cwd, EXAMPLE_CONFIG)})\n`,
    );
  });
});

describe("zonke deploy --dry-run", () => {
  async function dryRun(
    app: string,
    cwd: string,
    extra: string[] = [],
    env: NodeJS.ProcessEnv = {},
  ) {
    return offlineDryRun(["deploy"], app, { cwd, terraform, extra, env });
  }

  it("web (Next.js on Lambda): init and apply of its stack, then its outputs", async () => {
    const result = await dryRun("web", stackFolders(DEV_STACKS), ["--exports", "deploy.env"]);
    expect(result).toEqual({
      code: 0,
      stdout: [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web apply -input=false -no-color zonke.tfplan",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web output -json",
        "+ read output migration of zonke-dev-web",
        "+ write deploy.env: MIGRATION_PARAMETERS='<output migration as compact JSON; empty without one>'",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("api (Django on ECS): its registry stack first; never the pipeline stack", async () => {
    const result = await dryRun("api", stackFolders(DEV_STACKS), ["--exports", "out/deploy.env"], {
      ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/zonke-dev-deployer",
    });
    // --exports names a folder that does not exist: refused even in a dry run.
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "zonke: --exports out/deploy.env: the folder out does not exist\n",
    });
    const cwd = stackFolders(DEV_STACKS);
    fs.mkdirSync(path.join(cwd, "out"));
    const ok = await dryRun("api", cwd, ["--exports", "out/deploy.env"], {
      ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/zonke-dev-deployer",
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout.split("\n")).toEqual([
      "+ aws sts assume-role --role-arn arn:aws:iam::111111111111:role/zonke-dev-deployer --role-session-name zonke-<unique>",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api-registry init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api-registry apply -input=false -no-color zonke.tfplan",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api init -input=false -no-color",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api apply -input=false -no-color zonke.tfplan",
      "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api output -json",
      "+ read output migration of zonke-dev-api",
      "+ write out/deploy.env: MIGRATION_PARAMETERS='<output migration as compact JSON; empty without one>'",
      "",
    ]);
  });

  it("site (Django on Lambda) without saved plans: the same steps, and a note per missing plan", async () => {
    const cwd = stackFolders(DEV_STACKS, ["zonke-dev-site-registry"]);
    const result = await dryRun("site", cwd);
    expect(result).toEqual({
      code: 0,
      stdout: [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-site-registry init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-site-registry apply -input=false -no-color zonke.tfplan",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-site init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-site apply -input=false -no-color zonke.tfplan",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-site output -json",
        "",
      ].join("\n"),
      stderr:
        "note: no saved plan for zonke-dev-site (cdktf.out/stacks/zonke-dev-site/zonke.tfplan): run `zonke plan --env dev --app site` first\n",
    });
  });

  it("with nothing synthesised: notes, and the app stack's steps", async () => {
    const result = await dryRun("web", tempDir("empty"));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web apply -input=false -no-color zonke.tfplan",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web output -json",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      "note: cdktf.out/stacks/zonke-dev-web does not exist here: the build and plan stages have not run (with an image registry stack, zonke-dev-web-registry is applied first)\n" +
        "note: no saved plan for zonke-dev-web (cdktf.out/stacks/zonke-dev-web/zonke.tfplan): run `zonke plan --env dev --app web` first\n",
    );
  });

  it("works the same in the built CLI", async () => {
    const cwd = stackFolders(DEV_STACKS);
    const log = path.join(cwd, "..", `${path.basename(cwd)}-calls.log`);
    const result = await spawnCli(
      ["deploy", "--env", "dev", "--app", "web", "--config", EXAMPLE_CONFIG, "--dry-run"],
      { cwd, env: offlineEnv(terraform, log) },
    );
    expect(result).toEqual({
      code: 0,
      stdout: [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web apply -input=false -no-color zonke.tfplan",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web output -json",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(terraformCalls(log)).toEqual([]);
  });
});

describe("the --exports file", () => {
  it("gives back every value exactly when bash sources it", () => {
    const dir = tempDir("exports");
    const file = path.join(dir, "deploy.env");
    // Any text a shell variable can hold (no NUL), biased towards what shells treat specially.
    const special = fc.constantFrom(
      "'",
      "''",
      '"',
      "\\",
      "$",
      "$(id)",
      "`id`",
      "${HOME}",
      "!",
      "\n",
      "\r\n",
      "\t",
      " ",
      "#",
      ";",
      "&&",
      "*",
      "~",
      "'\\''",
      "é",
      "😀",
    );
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc
        .array(fc.oneof(special, fc.string({ maxLength: 3 })), { maxLength: 12 })
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(
        text.filter((value) => !value.includes("\0") && !/\p{Cs}/u.test(value)),
        (value) => {
          fs.writeFileSync(file, renderExports({ MIGRATION_PARAMETERS: value, OTHER: "x" }));
          expect(bashValueOf(file, "MIGRATION_PARAMETERS")).toBe(value);
          expect(bashValueOf(file, "OTHER")).toBe("x");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("quotes with single quotes only, and refuses what a shell variable cannot hold", () => {
    expect(shellQuote(`it's "$HOME"`)).toBe(`'it'\\''s "$HOME"'`);
    expect(renderExports({ A: "", B: "{}" })).toBe("A=''\nB='{}'\n");
    expect(() => shellQuote("a\0b")).toThrow("a shell variable cannot hold a NUL character");
    expect(() => renderExports({ "MIGRATION-PARAMETERS": "x" })).toThrow(
      '"MIGRATION-PARAMETERS" is not a shell variable name',
    );
  });
});

describe("zonke deploy (stand-in terraform)", () => {
  const MIGRATION = {
    kind: "ecs",
    cluster: "zonke-dev-api",
    taskDefinition: "zonke-dev-api:7",
    container: "web",
    subnets: ["subnet-0123456789abcdef0"],
    securityGroups: ["sg-0123456789abcdef0"],
    command: ["migrate", "--note", "it's $HOME"],
  };

  function setup(planned?: readonly string[]) {
    const { cwd, log, env } = standInStacks(terraform, DEV_STACKS, {
      planned,
      outputs: {
        "zonke-dev-api": {
          migration: MIGRATION,
          secret_arn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:zonke/dev/api-AbCdEf",
        },
        "zonke-dev-web": {
          url: "https://d111111abcdef8.cloudfront.net",
          assets_bucket: "zonke-dev-web-assets-111111111111",
        },
      },
    });
    const deploy = (app: string, extra: string[] = [], more: NodeJS.ProcessEnv = {}) =>
      zonke(["deploy", "--env", "dev", "--app", app, "--config", EXAMPLE_CONFIG, ...extra], {
        cwd,
        env: { ...env, ...more },
      });
    return { cwd, log, deploy };
  }

  it("applies the registry, then the app stack, and writes MIGRATION_PARAMETERS", async () => {
    const { cwd, log, deploy } = setup();
    const result = await deploy("api", ["--exports", "deploy.env"]);
    expect(result.code).toBe(0);
    expect(terraformCalls(log).map((c) => `${c.stack}: ${c.args.join(" ")}`)).toEqual([
      "zonke-dev-api-registry: init -input=false -no-color",
      "zonke-dev-api-registry: apply -input=false -no-color zonke.tfplan",
      "zonke-dev-api: init -input=false -no-color",
      "zonke-dev-api: apply -input=false -no-color zonke.tfplan",
      "zonke-dev-api: output -json",
    ]);
    const file = path.join(cwd, "deploy.env");
    expect(bashValueOf(file, "MIGRATION_PARAMETERS")).toBe(JSON.stringify(MIGRATION));
    expect(fs.readFileSync(file, "utf8")).toBe(
      `MIGRATION_PARAMETERS='${JSON.stringify(MIGRATION).replace("'", "'\\''")}'\n`,
    );
    // Terraform's output streamed through (stdout to stdout, stderr to stderr), steps on stderr.
    expect(result.stdout).toBe(
      [
        "zonke-dev-api-registry: Modifying... [id=zonke-dev-api-registry]",
        "",
        "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.",
        "zonke-dev-api: Modifying... [id=zonke-dev-api]",
        "",
        "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.",
        "deployed zonke-dev-api-registry, zonke-dev-api",
        `wrote deploy.env: MIGRATION_PARAMETERS (${JSON.stringify(MIGRATION).length} characters)`,
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(
      [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api-registry init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api-registry apply -input=false -no-color zonke.tfplan",
        "Warning: Argument is deprecated",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api init -input=false -no-color",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api apply -input=false -no-color zonke.tfplan",
        "Warning: Argument is deprecated",
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-api output -json",
        "+ read output migration of zonke-dev-api",
        "+ write deploy.env: MIGRATION_PARAMETERS='<output migration as compact JSON; empty without one>'",
        "",
      ].join("\n"),
    );
  });

  it("writes an empty MIGRATION_PARAMETERS for an app without a migration output", async () => {
    const { cwd, deploy } = setup();
    fs.writeFileSync(path.join(cwd, "deploy.env"), "MIGRATION_PARAMETERS='stale'\n");
    const result = await deploy("web", ["--exports", "deploy.env"]);
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(cwd, "deploy.env"), "utf8")).toBe("MIGRATION_PARAMETERS=''\n");
    expect(result.stdout).toContain(
      "deployed zonke-dev-web\nurl: https://d111111abcdef8.cloudfront.net\n",
    );
    expect(result.stdout).toContain(
      "wrote deploy.env: MIGRATION_PARAMETERS is empty (zonke-dev-web has no migration output)\n",
    );
  });

  it("refuses to start without a saved plan for every stack, before running Terraform", async () => {
    const { cwd, log, deploy } = setup(["zonke-dev-api-registry"]);
    const result = await deploy("api", ["--exports", "deploy.env"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "zonke: no saved plan for zonke-dev-api: run `zonke plan --env dev --app api` first\n",
    });
    expect(terraformCalls(log)).toEqual([]);
    expect(fs.existsSync(path.join(cwd, "deploy.env"))).toBe(false);
  });

  it("refuses an app whose stack was never synthesised", async () => {
    const cwd = tempDir("nothing");
    const result = await zonke(
      ["deploy", "--env", "dev", "--app", "web", "--config", EXAMPLE_CONFIG],
      {
        cwd,
        env: { ...process.env, ZONKE_TERRAFORM: terraform },
      },
    );
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "zonke: no synthesised stack zonke-dev-web in cdktf.out/stacks: run `zonke plan --env dev --app web` first (it synthesises the stacks and saves their plans)\n",
    });
  });

  it("stops at a failed apply: exit 1 with Terraform's error, nothing after it applied", async () => {
    const { cwd, log, deploy } = setup();
    const result = await deploy("api", ["--exports", "deploy.env"], {
      FAKE_TF_FAIL_APPLY: "zonke-dev-api-registry",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /\nzonke: terraform apply failed in zonke-dev-api-registry: Error: updating Lambda Function \(zonke-dev-api-registry-server\): operation error Lambda: UpdateFunctionCode, https response error StatusCode: 403, AccessDeniedException: denied; Terraform's output is above\n$/,
    );
    // The diagnostics were streamed as Terraform printed them.
    expect(result.stderr).toContain("  with aws_lambda_function.Server,\n");
    expect(terraformCalls(log).map((c) => `${c.stack}: ${c.args[0]}`)).toEqual([
      "zonke-dev-api-registry: init",
      "zonke-dev-api-registry: apply",
    ]);
    expect(fs.existsSync(path.join(cwd, "deploy.env"))).toBe(false);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("shows Terraform's diagnostics when init fails, and exits 1", async () => {
    const { deploy } = setup();
    const result = await deploy("web", [], { FAKE_TF_FAIL_INIT: "zonke-dev-web" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        "+ terraform -chdir=cdktf.out/stacks/zonke-dev-web init -input=false -no-color",
        "Error: Failed to get existing workspaces: S3 bucket does not exist.",
        "",
        "The referenced S3 bucket must have been previously created.",
        "zonke: terraform init failed in zonke-dev-web: Error: Failed to get existing workspaces: S3 bucket does not exist.",
        "",
      ].join("\n"),
    );
  });

  it("exits 3 when Terraform is missing", async () => {
    const { deploy } = setup();
    const missing = path.join(tempDir("no-tf"), "terraform");
    const result = await deploy("web", [], { ZONKE_TERRAFORM: missing });
    expect(result).toEqual({
      code: 3,
      stdout: "",
      stderr: `zonke: ZONKE_TERRAFORM names ${missing}, which is not a working Terraform (or OpenTofu) executable\n`,
    });
  });

  it("runs Terraform as the deploy role when ZONKE_DEPLOY_ROLE_ARN is set (moto's STS)", async () => {
    const roleName = `zonke-dev-deployer-${path.basename(tempDir("role")).slice(-6)}`;
    await iam({ account: "111111111111" }).send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: "{}" }),
    );
    const { log, deploy } = setup();
    const roleArn = `arn:aws:iam::111111111111:role/${roleName}`;
    const result = await deploy("web", [], {
      ZONKE_DEPLOY_ROLE_ARN: roleArn,
      AWS_PROFILE: "developer",
    });
    expect(result.code).toBe(0);
    expect(result.stderr.split("\n")[0]).toBe(
      `+ aws sts assume-role --role-arn ${roleArn} --role-session-name zonke-<unique>`,
    );
    const calls = terraformCalls(log);
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.env["AWS_ACCESS_KEY_ID"]).toMatch(/^ASIA/);
      expect(call.env["AWS_ACCESS_KEY_ID"]).not.toBe(process.env["AWS_ACCESS_KEY_ID"]);
      expect(call.env["AWS_SESSION_TOKEN"]).toBeTruthy();
      expect(call.env["AWS_PROFILE"]).toBeUndefined();
    }
    // One session for the whole command.
    expect(new Set(calls.map((c) => c.env["AWS_ACCESS_KEY_ID"])).size).toBe(1);
  });
});

describe("terraformEnvironment", () => {
  it("returns the environment unchanged without ZONKE_DEPLOY_ROLE_ARN", async () => {
    const base = { AWS_PROFILE: "dev", PATH: "/bin" };
    expect(await terraformEnvironment(base, "eu-west-1")).toBe(base);
  });

  it("explains a failed AssumeRole (exit 1, one line)", async () => {
    const cwd = stackFolders(DEV_STACKS);
    // The SDK reads its endpoint from the process's environment.
    const endpoint = process.env["AWS_ENDPOINT_URL"];
    process.env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
    let result;
    try {
      result = await zonke(["deploy", "--env", "dev", "--app", "web", "--config", EXAMPLE_CONFIG], {
        cwd,
        env: {
          ...process.env,
          ZONKE_TERRAFORM: terraform,
          FAKE_TF_LOG: path.join(cwd, "calls.log"),
          ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/zonke-dev-unreachable",
        },
      });
    } finally {
      process.env["AWS_ENDPOINT_URL"] = endpoint;
    }
    expect(result.code).toBe(1);
    expect(terraformCalls(path.join(cwd, "calls.log"))).toEqual([]);
    // (In jest, Node's own errors come from another realm, so the SDK wraps them: the wording of
    // the cause differs from the built CLI's "could not reach AWS ... (ECONNREFUSED)".)
    expect(result.stderr).toMatch(/\nzonke: [^\n]*sts:AssumeRole[^\n]*ECONNREFUSED[^\n]*\n$/);
    expect(result.stderr.split("\n").filter((line) => line.startsWith("zonke:"))).toHaveLength(1);
  });
});

/** scripts/terraform-toolchain's Terraform, when it ran on this machine. */
function realTerraform(): string | undefined {
  const file = path.join(os.homedir(), ".cache/zonke/terraform/toolchain.env");
  if (!fs.existsSync(file)) return undefined;
  const cli = /^TERRAFORM_CLI=(.*)$/m.exec(fs.readFileSync(file, "utf8"))?.[1];
  return cli && fs.existsSync(cli) ? cli : undefined;
}

const real = realTerraform();
(real ? describe : describe.skip)(
  "zonke deploy with the real Terraform (a stack of outputs)",
  () => {
    it("applies the saved plan, reads the outputs, and refuses a stale plan", async () => {
      const cwd = tempDir("real-tf");
      const dir = path.join(cwd, "cdktf.out", "stacks", "zonke-dev-api");
      fs.mkdirSync(dir, { recursive: true });
      const migration = {
        kind: "lambda",
        functionName: "zonke-dev-api-manage",
        qualifier: "7",
        note: "it's",
      };
      fs.writeFileSync(
        path.join(dir, "cdk.tf.json"),
        JSON.stringify({
          terraform: {
            backend: { local: { path: path.join(cwd, "state", "zonke-dev-api.tfstate") } },
          },
          output: {
            migration: { value: migration },
            url: { value: "https://d111111abcdef8.cloudfront.net" },
          },
        }),
      );
      const tf = (args: string[]) =>
        spawnSync(real!, args, {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, TF_IN_AUTOMATION: "1" },
        });
      expect(tf(["init", "-input=false", "-no-color"]).status).toBe(0);
      expect(tf(["plan", "-input=false", "-no-color", "-out=zonke.tfplan"]).status).toBe(0);

      const args = [
        "deploy",
        "--env",
        "dev",
        "--app",
        "api",
        "--config",
        EXAMPLE_CONFIG,
        "--exports",
        "deploy.env",
      ];
      const env = { ...process.env, ZONKE_TERRAFORM: real! };
      const result = await zonke(args, { cwd, env });
      expect(result.stderr).not.toContain("zonke:");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Apply complete! Resources: 0 added, 0 changed, 0 destroyed\./);
      expect(result.stdout).toContain(
        "deployed zonke-dev-api\nurl: https://d111111abcdef8.cloudfront.net\n",
      );
      // Terraform gives object keys in its own (sorted) order; the JSON is compact.
      const exported = bashValueOf(path.join(cwd, "deploy.env"), "MIGRATION_PARAMETERS");
      expect(JSON.parse(exported)).toEqual(migration);
      expect(exported).toBe(JSON.stringify(JSON.parse(exported)));

      // The same plan again: the state moved on since it was made.
      const again = await zonke(args, { cwd, env });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /\nzonke: terraform apply failed in zonke-dev-api: Error: Saved plan is stale; the state changed since the plan was made: plan again\n$/,
      );
    });
  },
);
