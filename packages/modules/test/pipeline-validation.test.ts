import { TerraformStack, Testing } from "cdktf";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { Pipeline, ValidationError, isValidationError, type PipelineProps } from "../src";
import { ACCOUNT, pipelineProps } from "./pipeline-fixtures";

function build(overrides: Partial<PipelineProps>, scope?: TerraformStack): Pipeline {
  const stack = scope ?? new TerraformStack(Testing.app(), "test");
  return new Pipeline(stack, "Pipeline", pipelineProps(overrides));
}

/** The ValidationError `overrides` cause (fails the test when there is none). */
function problem(overrides: Partial<PipelineProps>): string {
  try {
    build(overrides);
  } catch (error) {
    expect(isValidationError(error)).toBe(true);
    return (error as ValidationError).message;
  }
  throw new Error("no ValidationError");
}

const source = (changes: Partial<PipelineProps["source"]>): Partial<PipelineProps> => ({
  source: { ...pipelineProps().source, ...changes },
});

describe("Pipeline validation", () => {
  it("accepts the composer's props", () => {
    expect(() => build({})).not.toThrow();
  });

  it.each([
    ["feature branch", "the branch name"],
    ["main..old", ".."],
    ["release/*", "glob"],
    ["-main", "start"],
    ["main.lock", ".lock"],
    ["feature/{a,b}", "{}"],
    ["main/", "end"],
    ["", "1 to 255"],
  ])("refuses the branch %j", (branch) => {
    expect(problem(source({ branch }))).toMatch(
      new RegExp(`^pipeline shop-prod-web: branch "${branch.replace(/[.*{}]/g, "\\$&")}"`),
    );
  });

  it("names the branch alone when given a ref", () => {
    expect(problem(source({ branch: "refs/heads/main" }))).toContain('(e.g. "main")');
  });

  it.each(["main", "release/2024.1", "feature/JIRA-42_fix", "v1"])(
    "accepts the branch %j",
    (branch) => {
      expect(() => build(source({ branch }))).not.toThrow();
    },
  );

  it.each(["acme", "https://github.com/acme/shop", "acme//shop", "acme/shop name", "acme/.."])(
    "refuses the repository %j",
    (repository) => {
      expect(problem(source({ repository }))).toContain(
        `repository "${repository}" is not allowed`,
      );
    },
  );

  it("refuses a repository id ending in .git, and accepts GitLab subgroups", () => {
    expect(problem(source({ repository: "acme/shop.git" }))).toContain("without it");
    expect(() => build(source({ repository: "acme/platform/shop" }))).not.toThrow();
  });

  it.each([
    [["/apps/web/**"], "can never match"],
    [["./apps/web/**"], "can never match"],
    [["apps/../web/**"], "can never match"],
    [["apps\\web\\**"], "can never match"],
    [[" apps/web/**"], "spaces"],
    [[""], "1 to 255"],
    [["a/**", "a/**"], 'lists "a/**" twice'],
    [[], "has 0 patterns"],
    [
      Array.from({ length: 9 }, (_, i) => `apps/${i}/**`),
      "has 9 patterns; CodePipeline allows 1 to 8",
    ],
  ])("refuses the file paths %j", (filePaths, message) => {
    expect(problem(source({ filePaths }))).toContain(message);
    expect(problem(source({ excludedFilePaths: filePaths }))).toContain("source.excludedFilePaths");
  });

  it("refuses a connection name over 32 characters, and a malformed connection ARN", () => {
    expect(
      problem({ name: "shop-production-storefront-web-app" }), // 34 characters, the default name
    ).toContain("must be 1 to 32 characters; set source.connection.name");
    expect(
      problem(source({ connection: { kind: "existing", connectionArn: "arn:aws:iam::1:role/x" } })),
    ).toContain('connectionArn "arn:aws:iam::1:role/x" is not a connection ARN');
    const newArn = `arn:aws:codeconnections:eu-west-1:${ACCOUNT}:connection/abc-123`;
    expect(() =>
      build(source({ connection: { kind: "existing", connectionArn: newArn } })),
    ).not.toThrow();
  });

  it("refuses names that do not fit AWS's limits, naming the resource", () => {
    expect(
      problem({
        name: "Shop-Prod-Web",
        source: {
          ...pipelineProps().source,
          connection: { kind: "create", providerType: "GitHub", name: "shop" },
        },
      }),
    ).toContain("S3 bucket");
    const long = "shop-" + "x".repeat(55);
    expect(
      problem({
        name: long,
        source: {
          ...pipelineProps().source,
          connection: { kind: "create", providerType: "GitHub", name: "shop" },
        },
      }),
    ).toMatch(/AWS allows at most (63|64)/);
  });

  it("refuses a malformed account or region, and an empty name", () => {
    expect(problem({ name: "" })).toContain("name is empty");
    expect(problem({ accountId: "1234" })).toContain('accountId "1234"');
    expect(problem({ region: "Ireland" })).toContain('region "Ireland"');
  });

  it.each<[Partial<PipelineProps>, string]>([
    [
      { build: { buildspec: { version: "0.1" as never, phases: {} } } },
      'build.buildspec: buildspec version "0.1"',
    ],
    [
      { plan: { buildspec: { version: 0.2 } as never } },
      "plan.buildspec: a buildspec object needs `phases`",
    ],
    [
      { deploy: { buildspec: "/etc/buildspec.yml" } },
      'deploy.buildspec: buildspec "/etc/buildspec.yml"',
    ],
    [{ deploy: { buildspec: "npm run deploy" } }, "neither inline YAML nor a .yml/.yaml path"],
    [
      { release: { buildspec: "phases:\n  build:\n    commands: [x]\n" } },
      "needs a top-level `version: 0.2`",
    ],
    [{ release: { buildspec: "release.yml", timeoutMinutes: 3 } }, "release.timeoutMinutes 3"],
    [{ plan: { buildspec: "plan.yml", computeType: "HUGE" as never } }, 'plan.computeType "HUGE"'],
    [
      { plan: { buildspec: "plan.yml", environment: { CODEBUILD_X: "1" } } },
      'environment name "CODEBUILD_X"',
    ],
    [
      { plan: { buildspec: "plan.yml", environment: { "NODE-ENV": "1" } } },
      'environment name "NODE-ENV"',
    ],
  ])("refuses a stage's bad settings (%#)", (overrides, message) => {
    expect(problem(overrides)).toContain(message);
  });

  it("refuses malformed ARNs, but lets references to other resources through", () => {
    expect(problem({ deployRoleArn: "terraform" })).toContain(
      'deployRoleArn "terraform" is not allowed',
    );
    expect(
      problem({ build: { buildspec: "b.yml", imageRepositoryArn: "shop/prod/web" } }),
    ).toContain('build.imageRepositoryArn "shop/prod/web"');
    expect(problem({ approvalBeforeDeploy: { notificationTopicArn: "approvals" } })).toContain(
      'notificationTopicArn "approvals"',
    );
    const stack = new TerraformStack(Testing.app(), "refs");
    const role = new DataAwsIamRole(stack, "Deploy", { name: "shop-prod-terraform" });
    expect(() => build({ deployRoleArn: role.arn }, stack)).not.toThrow();
  });

  it.each<[PipelineProps["migration"], string]>([
    [
      { functionName: "m", userParameters: "{kind: lambda}" },
      "migration.userParameters is not JSON",
    ],
    [{ functionName: "m", userParameters: "[1]" }, "use a JSON object"],
    [
      { functionName: "m", userParameters: { functionName: "x" } },
      'kind undefined is not allowed; use "lambda" or "ecs"',
    ],
    [
      { functionName: "m", userParameters: { kind: "lambda", functionName: "x".repeat(1000) } },
      "CodePipeline allows at most 1000",
    ],
    [
      { functionName: "m", userParameters: { kind: "lambda", qualifier: "#{ReleaseVariables.V}" } },
      'names the variable namespace "ReleaseVariables"',
    ],
    [
      { functionName: "arn:aws:lambda:eu-west-1:1:function:m", userParameters: { kind: "lambda" } },
      "migration.functionName",
    ],
  ])("refuses a migration the migrator or CodePipeline would refuse (%#)", (migration, message) => {
    expect(problem({ migration })).toContain(message);
  });

  it("accepts variables of the actions before Migrate and of the pipeline", () => {
    const userParameters = {
      kind: "ecs",
      taskDefinition: "#{DeployVariables.TASK_DEFINITION}",
      container: "#{BuildVariables.CONTAINER}",
      note: "#{SourceVariables.CommitId} #{codepipeline.PipelineExecutionId}",
    };
    expect(() => build({ migration: { functionName: "m", userParameters } })).not.toThrow();
  });

  it("refuses retention CloudWatch Logs does not offer, and artifacts that never expire", () => {
    expect(problem({ logRetentionDays: 42 })).toContain("logRetentionDays 42 is not allowed");
    expect(problem({ artifactExpirationDays: 0 })).toContain("artifactExpirationDays 0");
  });
});
