/**
 * `zonke pipeline dry-run` and `zonke pipeline deploy`.
 *
 * - Reading a synthesised pipeline stack and its buildspecs, on a small hand-made stack
 *   (test/fixtures/pipeline/cdk.tf.json), and the dry-run runner on it with a stand-in zonke.
 * - The dry run of the example's real pipelines (synthesised by @zonke/stacks), every buildspec
 *   command run by the built CLI with --dry-run.
 * - pipeline deploy with the stand-in terraform (test/fixtures/pipeline/fake-terraform.mjs): the
 *   rounds, the question, --yes, --self-update (no change, a change and its restart), failures.
 * - The restart's two CodePipeline calls, as the SDK sends them, to a local HTTP server.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { PipelineDeployCommand } from "../src/pipeline/args";
import { parseBuildspec } from "../src/pipeline/buildspec";
import { parsePipelineStack, readPipelineStack } from "../src/pipeline/definition";
import { runPipelineDeploy, type PipelineRunOptions } from "../src/pipeline/deploy";
import { DRY_RUN_EXECUTION_ID, showRun } from "../src/pipeline/dry-run";
import { restartPipeline, type RestartRequest } from "../src/pipeline/restart";
import { splitCommand } from "../src/pipeline/words";
import { loadConfig } from "@zonke/stacks";
import { tempDir } from "./support/aws";
import { runCli, spawnCli } from "./support/cli";
import { EXAMPLE_CONFIG } from "./support/example-apps";
import {
  callsOf,
  fakeTerraform,
  readCalls,
  tempWorkspace,
  type Workspace,
} from "./fixtures/pipeline/workspace";

const FIXTURE = path.join(__dirname, "fixtures/pipeline/cdk.tf.json");
const FAKE_ZONKE = [process.execPath, path.join(__dirname, "fixtures/pipeline/fake-zonke.mjs")];
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

describe("reading a synthesised pipeline stack", () => {
  const definition = readPipelineStack(FIXTURE, "fixture");

  it("has the stages and actions in order (actions by run_order)", () => {
    expect(definition.name).toBe("shop-prod-web-pipeline");
    expect(definition.stages.map((s) => [s.name, s.actions.map((a) => a.name)])).toEqual([
      ["Source", ["Source"]],
      ["UpdatePipeline", ["UpdatePipeline"]],
      ["Build", ["Build", "Check"]],
      ["Approval", ["Approve"]],
      ["Deploy", ["Deploy"]],
      ["Migrate", ["Migrate"]],
    ]);
  });

  it("finds each CodeBuild action's project, by name or by reference", () => {
    const build = definition.stages[2]!.actions;
    expect(build.map((a) => a.project?.name)).toEqual([
      "shop-prod-web-build",
      "shop-prod-web-check",
    ]);
    expect(build[0]!.project).toMatchObject({
      resource: "Pipeline_Build_9D009F66",
      privileged: true,
    });
    expect(definition.stages[1]!.actions[0]!.project?.environment).toEqual({
      ZONKE_DEPLOY_ROLE_ARN: "arn:aws:iam::111111111111:role/shop-prod-deployer",
    });
    expect(definition.stages[0]!.actions[0]!.project).toBeUndefined();
  });

  it("reads the trigger and the connections", () => {
    expect(definition.triggers).toEqual([
      {
        sourceAction: "Source",
        branches: ["release"],
        includes: ["apps/web/**", "packages/**"],
        excludes: ["**/*.md"],
      },
    ]);
    expect(definition.connections).toEqual({
      Pipeline_Connection_5D6C298F: { name: "shop-prod", providerType: "GitHub" },
    });
  });

  it("refuses a stack without exactly one pipeline", () => {
    expect(() => parsePipelineStack({ resource: {} }, "x.json")).toThrow(
      "x.json: expected one aws_codepipeline, found 0",
    );
    expect(() => readPipelineStack(path.join(tempDir("none"), "cdk.tf.json"), "y.json")).toThrow(
      "y.json: no such file",
    );
  });
});

describe("buildspecs", () => {
  it("reads a JSON buildspec's phases in CodeBuild's order, variables and artifacts", () => {
    const spec = parseBuildspec(
      JSON.stringify({
        version: 0.2,
        env: { variables: { A: 1 }, "exported-variables": ["OUT"] },
        phases: {
          post_build: { commands: ["echo post"] },
          build: { commands: ["npx zonke build"], finally: ["echo done"] },
          install: { "runtime-versions": { nodejs: 22 }, commands: "npm ci" },
        },
        artifacts: { files: ["**/*"], "exclude-paths": [".git/**/*"], "base-directory": "out" },
      }),
    );
    expect(spec.phases).toEqual([
      { name: "install", commands: ["npm ci"], finally: [], runtimeVersions: { nodejs: "22" } },
      { name: "build", commands: ["npx zonke build"], finally: ["echo done"] },
      { name: "post_build", commands: ["echo post"], finally: [] },
    ]);
    expect(spec.variables).toEqual({ A: "1" });
    expect(spec.exportedVariables).toEqual(["OUT"]);
    expect(spec.artifacts).toEqual({
      files: ["**/*"],
      baseDirectory: "out",
      excludes: [".git/**/*"],
    });
  });

  it("reads YAML, and refuses another version", () => {
    const spec = parseBuildspec("version: 0.2\nphases:\n  build:\n    commands:\n      - make\n");
    expect(spec.phases).toEqual([{ name: "build", commands: ["make"], finally: [] }]);
    expect(() => parseBuildspec('{"version": 0.1, "phases": {}}')).toThrow(
      "buildspec version 0.1; expected 0.2",
    );
  });
});

describe("splitting a buildspec command", () => {
  const env = { NAME: "zonke-dev-web-pipeline", EMPTY: "" };

  it.each([
    ["npx zonke build --env dev", ["npx", "zonke", "build", "--env", "dev"]],
    [
      `npx zonke x --note "a $NAME b" 'it''s' \${NAME}-x`,
      [
        "npx",
        "zonke",
        "x",
        "--note",
        "a zonke-dev-web-pipeline b",
        "its",
        "zonke-dev-web-pipeline-x",
      ],
    ],
    [`a "" \\"q\\" # a comment`, ["a", "", '"q"']],
  ])("%s", (text, words) => {
    expect(splitCommand(text, env)).toEqual({ words, unset: [] });
  });

  it("reports unset variables", () => {
    expect(splitCommand("a $MISSING", env)).toEqual({ words: ["a", ""], unset: ["MISSING"] });
  });

  it.each([
    ["a && b", "the shell operator &&"],
    ["a | b", "the shell operator |"],
    ["a > f", "the shell operator >"],
    ["a $(b)", "command substitution $(...)"],
    ["a `b`", "command substitution `...`"],
    ["a 'b", "an unclosed single quote"],
    ["a *.json", "the file pattern character *"],
  ])("refuses %s", (text, problem) => {
    expect(splitCommand(text, env)).toEqual({ problem });
  });
});

describe("the dry-run runner, on the hand-made stack with a stand-in zonke", () => {
  it("shows each stage, runs zonke commands with --dry-run, and names the one that failed", async () => {
    const lines: string[] = [];
    const failures = await showRun(readPipelineStack(FIXTURE, "fixture"), {
      out: (line = "") => lines.push(line),
      root: path.dirname(FIXTURE),
      options: {
        env: { ...process.env, CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT },
        cwd: tempDir("runner"),
        zonke: FAKE_ZONKE,
      },
    });
    const text = lines.join("\n");
    expect(failures).toEqual([
      "Build/Check: `npx zonke plan --env prod --app web --dry-run-twice` exited 2 (zonke: Unknown option '--dry-run-twice')",
    ]);
    expect(lines.filter((l) => l.startsWith("=="))).toEqual([
      "== 1/6 Source (Source: AWS CodeStarSourceConnection)",
      "== 2/6 UpdatePipeline (CodeBuild project shop-prod-web-update)",
      "== 3/6 Build: Build (CodeBuild project shop-prod-web-build)",
      "== 3/6 Build: Check (CodeBuild project shop-prod-web-check)",
      "== 4/6 Approval: Approve (Approval: AWS Manual)",
      "== 5/6 Deploy (CodeBuild project shop-prod-web-deploy)",
      "== 6/6 Migrate (Invoke: AWS Lambda)",
    ]);
    // Source: the connection, repository, branch and filters.
    expect(text).toContain(
      '   connection   a new GitHub connection "shop-prod" made by this stack (PENDING until someone completes the handshake once in the console)\n' +
        "   repository   acme/shop, branch release\n" +
        "   starts on    pushes to release that change apps/web/**, packages/** (not only **/*.md)\n",
    );
    // UpdatePipeline: the install phase would run; the zonke command ran, with the run's variables.
    const update = lines.slice(
      lines.indexOf("== 2/6 UpdatePipeline (CodeBuild project shop-prod-web-update)"),
    );
    expect(update.slice(1, 15)).toEqual([
      `   variables    ZONKE_DEPLOY_ROLE_ARN=arn:aws:iam::111111111111:role/shop-prod-deployer ZONKE_PIPELINE_NAME=shop-prod-web-pipeline ZONKE_PIPELINE_EXECUTION_ID=${DRY_RUN_EXECUTION_ID}`,
      "   inputs       Source",
      "   install:",
      "     runtime nodejs 22",
      "     would run: npm ci --no-audit --no-fund",
      "     would run: npx turbo run build --filter=@zonke/cli... --output-logs=errors-only",
      "   build:",
      "     $ npx zonke pipeline deploy --env prod --app web --self-update --dry-run",
      '       + zonke ["pipeline","deploy","--env","prod","--app","web","--self-update","--dry-run"]',
      "       + ZONKE_PIPELINE_NAME=shop-prod-web-pipeline",
      `       + ZONKE_PIPELINE_EXECUTION_ID=${DRY_RUN_EXECUTION_ID}`,
      "       + ZONKE_DEPLOY_ROLE_ARN=arn:aws:iam::111111111111:role/shop-prod-deployer",
      `       + CODEBUILD_RESOLVED_SOURCE_VERSION=${COMMIT}`,
      "",
    ]);
    // The failed command's own message, under it; a YAML buildspec's finally commands.
    expect(text).toContain(
      "     $ npx zonke plan --env prod --app web --dry-run-twice --dry-run\n" +
        "       ! zonke: Unknown option '--dry-run-twice'\n",
    );
    expect(text).toContain('     finally: would run: echo "$GREETING"');
    // Deploy: the buildspec's variables reach the command; the shell line is only shown.
    expect(text).toContain(
      '       + zonke ["deploy","--env","prod","--app","web","--note","hi from shop-prod-web-pipeline","--dry-run"]',
    );
    expect(text).toContain("     would run: set -a && . ./deploy.env && set +a");
    expect(text).toContain("   exports      #{DeployVariables.MIGRATION_PARAMETERS}");
    expect(text).toContain("   artifact     Build: **/*, without **/node_modules/**/*, .git/**/*");
    // Approval and Migrate, described.
    expect(text).toContain(
      "   waits for a person to approve: Review the Plan stage's output for commit #{SourceVariables.CommitId}, then approve to apply it.",
    );
    expect(text).toContain(
      "   invokes      Lambda function shop-prod-web-migrator\n" +
        "   with         UserParameters #{DeployVariables.MIGRATION_PARAMETERS}\n",
    );
  });
});

describe("zonke pipeline dry-run of the example's pipelines", () => {
  let workspace: Workspace;
  beforeAll(() => {
    workspace = tempWorkspace();
  });

  // Every app of the example, in both environments (prod adds the approval).
  const runs = ["dev", "prod"].flatMap((env) =>
    ["web", "api", "store", "store-api", "site"].map((app) => [env, app] as const),
  );
  it.each(runs)(
    "%s/%s: every zonke command of its buildspecs runs with --dry-run",
    async (env, app) => {
      const migrates = app !== "web" && app !== "store";
      const result = await spawnCli(["pipeline", "dry-run", "--env", env, "--app", app], {
        cwd: workspace.dir,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const lines = result.stdout.split("\n");
      expect(lines[0]).toBe(
        `pipeline zonke-${env}-${app}-pipeline (synthesised from zonke.config.ts): ${6 + Number(migrates) + Number(env === "prod")} stages, dry run`,
      );
      const stages = lines.filter((l) => l.startsWith("== ")).map((l) => l.split(" ")[2]);
      expect(stages).toEqual([
        "Source",
        "UpdatePipeline",
        "Build",
        "Plan",
        ...(env === "prod" ? ["Approval:"] : []),
        "Deploy",
        ...(migrates ? ["Migrate"] : []),
        "Release",
      ]);
      const commands = lines.filter((l) => l.startsWith("     $ "));
      expect(commands).toEqual(
        expect.arrayContaining([
          `     $ npx zonke pipeline deploy --env ${env} --app ${app} --self-update --dry-run`,
          `     $ npx zonke build --env ${env} --app ${app} --dry-run`,
          `     $ npx zonke plan --env ${env} --app ${app} --no-synth --skip-pipeline --dry-run`,
          `     $ npx zonke deploy --env ${env} --app ${app} --exports deploy.env --dry-run`,
          `     $ npx zonke assets upload --env ${env} --app ${app} --dry-run`,
          `     $ npx zonke release --env ${env} --app ${app} --dry-run`,
        ]),
      );
      expect(commands).toHaveLength(6);
      // Under each command, its own steps.
      for (const command of commands) {
        const next = lines[lines.indexOf(command) + 1]!;
        expect(next).toMatch(/^ {7}(\+ |note: )/);
      }
      // The tools of the workspace (outside it here: shown whole).
      const stacks = path.dirname(require.resolve("@zonke/stacks/package.json"));
      expect(result.stdout).toContain(
        `       + node ${stacks}/dist/build-apps.js --app ${app} --no-next-build\n`,
      );
      expect(result.stdout).toContain("     would run: npm ci --no-audit --no-fund\n");
      expect(lines.at(-2)).toBe(
        `dry run of zonke-${env}-${app}-pipeline done: every zonke command of its buildspecs ran with --dry-run`,
      );
      // The pipeline stack is synthesised in a folder of its own: the workspace's cdktf.out (what
      // zonke build leaves for zonke plan --no-synth) is neither made nor replaced.
      expect(fs.existsSync(path.join(workspace.dir, "cdktf.out"))).toBe(false);
    },
    120_000,
  );

  it("explains an app without a pipeline", async () => {
    const dir = tempDir("no-delivery");
    const { config } = loadConfig(EXAMPLE_CONFIG);
    const withoutDelivery: Partial<typeof config> = { ...config };
    delete withoutDelivery.delivery;
    fs.writeFileSync(
      path.join(dir, "zonke.config.ts"),
      `export default ${JSON.stringify(withoutDelivery)};\n`,
    );
    fs.symlinkSync(path.join(workspace.dir, "apps"), path.join(dir, "apps"));
    const result = await spawnCli(["pipeline", "dry-run", "--env", "dev", "--app", "web"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "zonke: app web has no pipeline stack zonke-dev-web-pipeline in dev: zonke.config.ts has no delivery section (delivery: { repository, connection }), so no app has a pipeline\n",
    );
  });
});

describe("zonke pipeline deploy", () => {
  let workspace: Workspace;
  let terraform: string;

  beforeAll(() => {
    workspace = tempWorkspace();
    terraform = fakeTerraform();
  });

  function command(overrides: Partial<PipelineDeployCommand> = {}): PipelineDeployCommand {
    return {
      name: "deploy",
      env: "dev",
      apps: ["web"],
      config: undefined,
      selfUpdate: false,
      yes: true,
      dryRun: false,
      ...overrides,
    };
  }

  async function deploy(
    overrides: Partial<PipelineDeployCommand>,
    env: Record<string, string> = {},
    options: Partial<PipelineRunOptions> = {},
  ) {
    const log = path.join(tempDir("tf"), "calls.log");
    let stdout = "";
    let stderr = "";
    const io = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    };
    const outcome: { code?: number; error?: Error & { exitCode?: number } } =
      await runPipelineDeploy(command(overrides), io, {
        env: { ...process.env, ZONKE_TERRAFORM: terraform, FAKE_TF_LOG: log, ...env },
        cwd: workspace.dir,
        ask: null,
        ...options,
      }).then(
        (code) => ({ code }),
        (error: Error) => ({ error }),
      );
    return { ...outcome, stdout, stderr, calls: readCalls(log) };
  }

  /** A plan that will be applied: with the state lock (no -lock=false). */
  const planned = [
    "init -input=false -no-color",
    "plan -input=false -no-color -out=zonke.tfplan",
    "show -json zonke.tfplan",
  ];

  it("--dry-run: the delivery stack, then the app's stacks; nothing run", async () => {
    const run = await deploy({ dryRun: true, yes: false, apps: ["site"] });
    expect(run.code).toBe(0);
    expect(run.calls).toEqual([]);
    const chdir = (s: string) => `terraform -chdir=cdktf.out/stacks/${s}`;
    const steps = (s: string) => [
      `+ ${chdir(s)} init -input=false -no-color`,
      `+ ${chdir(s)} plan -input=false -no-color -out=zonke.tfplan`,
      `+ ${chdir(s)} show -json zonke.tfplan > cdktf.out/plans/${s}.json`,
    ];
    const apply = (s: string) =>
      `+ ${chdir(s)} apply -input=false -no-color zonke.tfplan  # if its plan has changes`;
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "+ npx zonke-synth --env dev --pipelines-only --out cdktf.out --quiet  # in process, with @zonke/stacks",
      ...steps("zonke-dev-delivery"),
      apply("zonke-dev-delivery"),
      ...steps("zonke-dev-site-registry"),
      ...steps("zonke-dev-site-pipeline"),
      apply("zonke-dev-site-registry"),
      apply("zonke-dev-site-pipeline"),
    ]);
    expect(fs.existsSync(path.join(workspace.dir, ".zonke"))).toBe(false);
  });

  it("--yes: plans with the lock, applies what changed in two rounds, prints the outputs", async () => {
    const run = await deploy({}, { FAKE_TF_CHANGES: "zonke-dev-delivery,zonke-dev-web-pipeline" });
    expect(run.error).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.calls.map((c) => `${c.stack} ${c.args[0]}`)).toEqual([
      "zonke-dev-delivery init",
      "zonke-dev-delivery plan",
      "zonke-dev-delivery show",
      "zonke-dev-delivery apply",
      "zonke-dev-web-pipeline init",
      "zonke-dev-web-pipeline plan",
      "zonke-dev-web-pipeline show",
      "zonke-dev-web-pipeline apply",
      "zonke-dev-web-pipeline output",
    ]);
    expect(callsOf(run.calls, "zonke-dev-web-pipeline").slice(0, 3)).toEqual(planned);
    expect(callsOf(run.calls, "zonke-dev-web-pipeline")[3]).toBe(
      "apply -input=false -no-color zonke.tfplan",
    );
    expect(run.stdout).toMatch(/^zonke-dev-delivery +1 +0 +0 +0$/m);
    expect(run.stdout).toMatch(/^zonke-dev-web-pipeline +1 +0 +0 +0$/m);
    expect(run.stdout).toContain(
      'zonke-dev-web-pipeline:\n  pipeline_name = "zonke-dev-web-pipeline"\n  token = "(sensitive)"\n',
    );
    expect(run.stdout).not.toContain("not-for-your-eyes");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      "applied zonke-dev-delivery, zonke-dev-web-pipeline; from now on each pipeline updates itself (its UpdatePipeline stage)",
    );
    expect(run.stderr).toContain(
      "note: zonke-dev-delivery creates aws_codestarconnections_connection.Connection: it stays PENDING",
    );
    expect(run.stderr).toContain("Apply complete!");
  });

  it("asks first, and applies nothing without a yes", async () => {
    const questions: string[] = [];
    const ask = async (question: string) => {
      questions.push(question);
      return "no";
    };
    const run = await deploy(
      { yes: false },
      { FAKE_TF_CHANGES: "zonke-dev-web-pipeline" },
      { ask },
    );
    expect(run.error?.message).toBe('not applied (the answer was not "yes"); nothing was changed');
    expect(run.error?.exitCode).toBe(1);
    expect(questions).toEqual([
      'Apply the changes above to zonke-dev-web-pipeline (the pipelines of web (dev))? Only "yes" applies: ',
    ]);
    expect(run.calls.filter((c) => c.args[0] === "apply")).toEqual([]);

    const yes = await deploy(
      { yes: false },
      { FAKE_TF_CHANGES: "zonke-dev-web-pipeline" },
      {
        ask: async () => "yes",
      },
    );
    expect(yes.code).toBe(0);
    expect(yes.calls.filter((c) => c.args[0] === "apply").map((c) => c.stack)).toEqual([
      "zonke-dev-web-pipeline",
    ]);
  });

  it("nothing to change: no question, nothing applied", async () => {
    const run = await deploy({ yes: false }, {}, { ask: async () => fail("asked") });
    expect(run.code).toBe(0);
    expect(run.calls.filter((c) => c.args[0] === "apply")).toEqual([]);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      "nothing to change: the pipelines are up to date",
    );
  });

  it("a failed apply: exit 1 with Terraform's error", async () => {
    const run = await deploy(
      {},
      { FAKE_TF_CHANGES: "zonke-dev-web-pipeline", FAKE_TF_FAIL_APPLY: "zonke-dev-web-pipeline" },
    );
    expect(run.error?.exitCode).toBe(1);
    expect(run.error?.message).toBe(
      "terraform apply of zonke-dev-web-pipeline failed: Error: creating CodePipeline (x): AccessDeniedException: not allowed",
    );
  });

  describe("--self-update", () => {
    const inPipeline = {
      ZONKE_PIPELINE_NAME: "zonke-dev-api-pipeline",
      ZONKE_PIPELINE_EXECUTION_ID: "11111111-2222-4333-8444-555555555555",
      CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
    };

    function restarter() {
      const requests: RestartRequest[] = [];
      return {
        requests,
        restart: async (request: RestartRequest) => {
          requests.push(request);
          return { newExecutionId: "new-execution", reason: "why" };
        },
      };
    }

    it("no change to the pipeline stack: pipeline up to date, no restart", async () => {
      const { requests, restart } = restarter();
      const run = await deploy(
        { apps: ["api"], selfUpdate: true, yes: false },
        { ...inPipeline, FAKE_TF_CHANGES: "zonke-dev-api-registry" },
        { restart },
      );
      expect(run.code).toBe(0);
      // The repository's change is applied; the delivery stack is never part of a self-update.
      expect(callsOf(run.calls, "zonke-dev-api-registry")).toEqual([
        ...planned,
        "apply -input=false -no-color zonke.tfplan",
      ]);
      expect(callsOf(run.calls, "zonke-dev-api-pipeline")).toEqual(planned);
      expect(new Set(run.calls.map((c) => c.stack))).toEqual(
        new Set(["zonke-dev-api-registry", "zonke-dev-api-pipeline"]),
      );
      expect(run.calls.some((c) => c.stack === "zonke-dev-delivery")).toBe(false);
      expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("pipeline up to date");
      expect(requests).toEqual([]);
    });

    it("a change: applies it, starts the same commit on the new definition, stops this run", async () => {
      const { requests, restart } = restarter();
      const run = await deploy(
        { apps: ["api"], selfUpdate: true, yes: false },
        { ...inPipeline, FAKE_TF_CHANGES: "zonke-dev-api-pipeline" },
        { restart },
      );
      expect(run.code).toBe(0);
      expect(callsOf(run.calls, "zonke-dev-api-pipeline").at(-1)).toBe(
        "apply -input=false -no-color zonke.tfplan",
      );
      expect(requests).toEqual([
        {
          region: "eu-west-1",
          pipelineName: "zonke-dev-api-pipeline",
          executionId: inPipeline.ZONKE_PIPELINE_EXECUTION_ID,
          commit: COMMIT,
        },
      ]);
      expect(run.stdout.trimEnd().split("\n").slice(-2)).toEqual([
        `started execution new-execution of zonke-dev-api-pipeline for commit ${COMMIT}: it runs the new definition`,
        `stopping execution ${inPipeline.ZONKE_PIPELINE_EXECUTION_ID} (after this action): why`,
      ]);
    });

    it("outside the pipeline, or in another app's pipeline: exit 2, nothing run", async () => {
      const outside = await deploy({ apps: ["api"], selfUpdate: true, yes: false });
      expect(outside.error?.exitCode).toBe(2);
      expect(outside.error?.message).toBe(
        "--self-update runs inside the pipeline only: ZONKE_PIPELINE_NAME, ZONKE_PIPELINE_EXECUTION_ID, CODEBUILD_RESOLVED_SOURCE_VERSION are not set (the pipeline's CodeBuild actions set them); to create or update a pipeline from here, run without --self-update",
      );
      const other = await deploy(
        { apps: ["web"], selfUpdate: true, yes: false },
        { ...inPipeline, FAKE_TF_CHANGES: "zonke-dev-web-pipeline" },
      );
      expect(other.error?.exitCode).toBe(2);
      expect(other.error?.message).toBe(
        "ZONKE_PIPELINE_NAME is zonke-dev-api-pipeline, but the pipeline of zonke-dev-web-pipeline is zonke-dev-web-pipeline: --self-update updates only the pipeline it runs in",
      );
      expect([...outside.calls, ...other.calls]).toEqual([]);
    });

    it("--dry-run: the steps, the restart included", async () => {
      const run = await deploy(
        { apps: ["api"], selfUpdate: true, yes: false, dryRun: true },
        inPipeline,
      );
      expect(run.code).toBe(0);
      expect(run.calls).toEqual([]);
      expect(run.stdout.trimEnd().split("\n").slice(-2)).toEqual([
        `+ aws codepipeline start-pipeline-execution --name zonke-dev-api-pipeline --source-revisions actionName=Source,revisionType=COMMIT_ID,revisionValue=${COMMIT}  # AWS SDK call, if the pipeline stack changed`,
        `+ aws codepipeline stop-pipeline-execution --pipeline-name zonke-dev-api-pipeline --pipeline-execution-id ${inPipeline.ZONKE_PIPELINE_EXECUTION_ID} --no-abandon --reason 'the pipeline updated itself; execution <the new execution> runs the new definition'  # AWS SDK call, if the pipeline stack changed`,
      ]);
    });
  });

  it("with no terminal and no --yes: exit 2 saying to pass --yes, before anything runs", async () => {
    const result = await spawnCli(["pipeline", "deploy", "--env", "dev", "--app", "web"], {
      cwd: workspace.dir,
      env: {
        ...process.env,
        ZONKE_TERRAFORM: terraform,
        FAKE_TF_LOG: path.join(workspace.dir, "no.log"),
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "zonke: zonke pipeline deploy asks before it applies, and there is no terminal to ask on: pass --yes to apply without asking\n",
    );
    expect(fs.existsSync(path.join(workspace.dir, "no.log"))).toBe(false);
  });

  it.each([
    [["deploy", "--app", "web"], "zonke: missing --env <name>\n"],
    [
      ["deploy", "--env", "dev", "--self-update"],
      "zonke: --self-update updates the pipeline it runs in: give its one app with --app <name>\n",
    ],
    [
      ["deploy", "--env", "dev", "--app", "web,api", "--self-update"],
      "zonke: --self-update updates the pipeline it runs in: give its one app with --app <name>\n",
    ],
    [
      ["dry-run", "--env", "dev"],
      "zonke: missing --app <name>: pipeline dry-run shows one app's pipeline\n",
    ],
    [
      ["dry-run", "--env", "dev", "--app", "web", "--yes"],
      "zonke: --yes applies to pipeline deploy only (dry-run changes nothing)\n",
    ],
    [["launch"], 'zonke: unknown pipeline command "launch"; use one of deploy, dry-run\n'],
    [[], "zonke: missing pipeline command: one of deploy, dry-run\n"],
  ])("zonke pipeline %j: exit 2", async (args, message) => {
    const result = await runCli(["pipeline", ...args]);
    expect(result).toEqual({ code: 2, stdout: "", stderr: message });
  });

  it("an unknown app or environment: exit 2, as everywhere", async () => {
    const result = await runCli([
      "pipeline",
      "deploy",
      "--env",
      "dev",
      "--app",
      "shop",
      "--dry-run",
      "--config",
      EXAMPLE_CONFIG,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^zonke: app "shop" is not in .*; it defines web, api, store, store-api, site\n$/,
    );
  });

  it("prints its help", async () => {
    const result = await runCli(["pipeline", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: zonke pipeline deploy --env <name>/);
  });
});

describe("the restart's CodePipeline calls", () => {
  it("starts the same commit on the Source action, then stops the running execution", async () => {
    const received: { target: string; body: Record<string, unknown> }[] = [];
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (c: Buffer) => chunks.push(c));
      request.on("end", () => {
        const target = String(request.headers["x-amz-target"]);
        received.push({ target, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        response.setHeader("content-type", "application/x-amz-json-1.1");
        response.end(
          JSON.stringify(
            target.endsWith("StartPipelineExecution")
              ? { pipelineExecutionId: "22222222-3333-4444-8555-666666666666" }
              : { pipelineExecutionId: "11111111-2222-4333-8444-555555555555" },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const saved = process.env["AWS_ENDPOINT_URL_CODEPIPELINE"];
    process.env["AWS_ENDPOINT_URL_CODEPIPELINE"] = endpoint;
    try {
      const result = await restartPipeline({
        region: "eu-west-1",
        pipelineName: "zonke-dev-api-pipeline",
        executionId: "11111111-2222-4333-8444-555555555555",
        commit: COMMIT,
      });
      expect(result).toEqual({
        newExecutionId: "22222222-3333-4444-8555-666666666666",
        reason:
          "the pipeline updated itself; execution 22222222-3333-4444-8555-666666666666 runs the new definition",
      });
      expect(received).toEqual([
        {
          target: "CodePipeline_20150709.StartPipelineExecution",
          body: expect.objectContaining({
            name: "zonke-dev-api-pipeline",
            sourceRevisions: [
              { actionName: "Source", revisionType: "COMMIT_ID", revisionValue: COMMIT },
            ],
          }),
        },
        {
          target: "CodePipeline_20150709.StopPipelineExecution",
          body: {
            pipelineName: "zonke-dev-api-pipeline",
            pipelineExecutionId: "11111111-2222-4333-8444-555555555555",
            abandon: false,
            reason: result.reason,
          },
        },
      ]);
    } finally {
      if (saved === undefined) delete process.env["AWS_ENDPOINT_URL_CODEPIPELINE"];
      else process.env["AWS_ENDPOINT_URL_CODEPIPELINE"] = saved;
      server.close();
    }
  });
});
