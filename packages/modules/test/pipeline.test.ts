import { ofType, ref } from "./helpers";
import {
  ACCOUNT,
  CONNECTION_ARN,
  MIGRATE_PARAMETERS,
  REPOSITORY_ARN,
  onlyPipeline,
  pipelineProps,
  pipelineStack,
  project,
  stageAction,
  stageNames,
  type Json,
} from "./pipeline-fixtures";
import { Pipeline } from "../src";
import { synth } from "./helpers";

describe("Pipeline source and trigger", () => {
  const json = pipelineStack({
    source: {
      connection: { kind: "create", providerType: "GitLab", name: "acme-gitlab" },
      repository: "acme/platform/shop",
      branch: "release/prod",
      filePaths: ["apps/web/**", "packages/ui/**"],
      excludedFilePaths: ["**/*.md"],
    },
  });
  const pipeline = onlyPipeline(json);
  const [[connectionName, connection]] = ofType(json, "aws_codestarconnections_connection") as [
    [string, Json],
  ];

  it("starts only on pushes to the environment's branch that change the app's paths", () => {
    expect(pipeline.trigger).toEqual([
      {
        provider_type: "CodeStarSourceConnection",
        git_configuration: {
          source_action_name: "Source",
          push: [
            {
              branches: { includes: ["release/prod"] },
              file_paths: {
                includes: ["apps/web/**", "packages/ui/**"],
                excludes: ["**/*.md"],
              },
            },
          ],
        },
      },
    ]);
  });

  it("creates the connection for the provider and clones the branch with git metadata", () => {
    expect(connection).toMatchObject({ name: "acme-gitlab", provider_type: "GitLab" });
    expect(stageAction(json, "Source")).toMatchObject({
      name: "Source",
      category: "Source",
      owner: "AWS",
      provider: "CodeStarSourceConnection",
      output_artifacts: ["Source"],
      configuration: {
        ConnectionArn: ref("aws_codestarconnections_connection", connectionName, "arn"),
        FullRepositoryId: "acme/platform/shop",
        BranchName: "release/prod",
        OutputArtifactFormat: "CODEBUILD_CLONE_REF",
      },
    });
  });

  it("is a V2 pipeline that queues executions instead of superseding them", () => {
    expect(pipeline).toMatchObject({ pipeline_type: "V2", execution_mode: "QUEUED" });
  });

  it("filters on the branch alone when no paths are given, and uses an existing connection by ARN", () => {
    const plain = pipelineStack({
      source: {
        connection: { kind: "existing", connectionArn: CONNECTION_ARN },
        repository: "acme/shop",
        branch: "main",
      },
    });
    expect(onlyPipeline(plain).trigger[0].git_configuration.push).toEqual([
      { branches: { includes: ["main"] } },
    ]);
    expect(ofType(plain, "aws_codestarconnections_connection")).toEqual([]);
    expect(stageAction(plain, "Source").configuration.ConnectionArn).toBe(CONNECTION_ARN);
  });

  it("names the created connection after the pipeline by default and exposes its ARN", () => {
    let connectionArn = "";
    const named = synth((stack) => {
      connectionArn = new Pipeline(stack, "Pipeline", pipelineProps()).connectionArn;
    });
    const [[name, created]] = ofType(named, "aws_codestarconnections_connection") as [
      [string, Json],
    ];
    expect(created).toMatchObject({ name: "shop-prod-web", provider_type: "GitHub" });
    expect(connectionArn).toMatch(/^\$\{TfToken/);
    expect(stageAction(named, "Source").configuration.ConnectionArn).toBe(
      ref("aws_codestarconnections_connection", name, "arn"),
    );
  });
});

describe("Pipeline stages", () => {
  it("runs Source, Build, Plan, Deploy, Migrate, Release in that order", () => {
    expect(stageNames(pipelineStack())).toEqual([
      "Source",
      "Build",
      "Plan",
      "Deploy",
      "Migrate",
      "Release",
    ]);
  });

  it("waits for a manual approval between Plan and Deploy when asked", () => {
    const json = pipelineStack({
      approvalBeforeDeploy: {
        notificationTopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:approvals`,
      },
    });
    expect(stageNames(json)).toEqual([
      "Source",
      "Build",
      "Plan",
      "Approval",
      "Deploy",
      "Migrate",
      "Release",
    ]);
    expect(stageAction(json, "Approval")).toMatchObject({
      category: "Approval",
      provider: "Manual",
      configuration: { NotificationArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:approvals` },
    });
    expect(stageNames(pipelineStack({ approvalBeforeDeploy: true }))).toContain("Approval");
    expect(stageNames(pipelineStack({ approvalBeforeDeploy: false }))).not.toContain("Approval");
  });

  it("migrates by invoking the given migrator with the given UserParameters, alone in its stage", () => {
    const json = pipelineStack();
    const migrate = stageAction(json, "Migrate");
    expect(migrate).toEqual({
      name: "Migrate",
      category: "Invoke",
      owner: "AWS",
      provider: "Lambda",
      version: "1",
      configuration: {
        FunctionName: "shop-prod-web-migrator",
        UserParameters: JSON.stringify(MIGRATE_PARAMETERS),
      },
    });
    const names = stageNames(json);
    expect(names.indexOf("Migrate")).toBe(names.indexOf("Deploy") + 1);
    expect(names.indexOf("Release")).toBe(names.indexOf("Migrate") + 1);
  });

  it("passes UserParameters given as a JSON string unchanged", () => {
    const userParameters =
      '{"kind":"ecs","cluster":"shop-prod","taskDefinition":"#{DeployVariables.TASK}"}';
    const json = pipelineStack({
      migration: { functionName: "shop-prod-web-migrator", userParameters },
    });
    expect(stageAction(json, "Migrate").configuration.UserParameters).toBe(userParameters);
  });

  it("has no Migrate stage for an app without a migrator", () => {
    expect(stageNames(pipelineStack({ migration: undefined }))).toEqual([
      "Source",
      "Build",
      "Plan",
      "Deploy",
      "Release",
    ]);
  });

  it("runs each build stage on its own project, in the latest workspace: Build's, then Plan's", () => {
    const json = pipelineStack();
    const build = (stage: string) => stageAction(json, stage);
    expect(build("Build")).toMatchObject({
      provider: "CodeBuild",
      input_artifacts: ["Source"],
      output_artifacts: ["Build"],
      namespace: "BuildVariables",
      configuration: { ProjectName: "shop-prod-web-build" },
    });
    expect(build("Plan")).toMatchObject({
      input_artifacts: ["Build", "Source"],
      output_artifacts: ["Plan"],
      configuration: { ProjectName: "shop-prod-web-plan", PrimarySource: "Build" },
    });
    expect(build("Deploy")).toMatchObject({
      input_artifacts: ["Plan", "Source", "Build"],
      namespace: "DeployVariables",
      configuration: { ProjectName: "shop-prod-web-deploy", PrimarySource: "Plan" },
    });
    expect(build("Release")).toMatchObject({
      input_artifacts: ["Build", "Source"],
      configuration: { ProjectName: "shop-prod-web-release", PrimarySource: "Build" },
    });
    expect(ofType(json, "aws_codebuild_project").map(([, p]) => p.name)).toHaveLength(4);
  });

  it("waits for every role's grants before the pipeline (and its first run) exists", () => {
    const json = pipelineStack();
    const policies = ofType(json, "aws_iam_role_policy").map(
      ([name]) => `aws_iam_role_policy.${name}`,
    );
    expect(policies).toHaveLength(5);
    expect([...onlyPipeline(json).depends_on].sort()).toEqual(policies.sort());
  });
});

describe("Pipeline artifact store", () => {
  const json = pipelineStack({ artifactExpirationDays: 14 });
  const [[keyName, key]] = ofType(json, "aws_kms_key") as [[string, Json]];
  const [[bucketName, bucket]] = ofType(json, "aws_s3_bucket") as [[string, Json]];
  const forBucket = (type: string) =>
    ofType(json, type).find(([, r]) => r.bucket === ref("aws_s3_bucket", bucketName))?.[1] as Json;

  it("encrypts artifacts with the pipeline's own rotated KMS key, in the bucket and the store", () => {
    expect(key.enable_key_rotation).toBe(true);
    expect(bucket.bucket).toBe(`shop-prod-web-artifacts-${ACCOUNT}`);
    expect(forBucket("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: ref("aws_kms_key", keyName, "arn"),
        },
        bucket_key_enabled: true,
      },
    ]);
    expect(onlyPipeline(json).artifact_store).toEqual([
      {
        location: ref("aws_s3_bucket", bucketName, "bucket"),
        type: "S3",
        encryption_key: { id: ref("aws_kms_key", keyName, "arn"), type: "KMS" },
      },
    ]);
  });

  it("keeps the bucket private, versioned and TLS-only", () => {
    expect(forBucket("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(forBucket("aws_s3_bucket_versioning").versioning_configuration).toEqual({
      status: "Enabled",
    });
    const policy = Object.values(json.data!.aws_iam_policy_document!).find((document) =>
      (document.statement as Json[]).some((s) => s.sid === "DenyInsecureTransport"),
    );
    expect(policy).toBeDefined();
  });

  it("expires artifacts after the given days, and their old versions after a week", () => {
    const rules = forBucket("aws_s3_bucket_lifecycle_configuration").rule as Json[];
    expect(rules.find((rule) => rule.id === "expire-artifacts")).toMatchObject({
      status: "Enabled",
      expiration: [{ days: 14 }],
    });
    expect(rules.find((rule) => rule.id === "expire-noncurrent-versions")).toMatchObject({
      noncurrent_version_expiration: [{ noncurrent_days: 7 }],
    });
    expect(rules.map((rule) => rule.id)).toContain("abort-incomplete-multipart-uploads");
  });

  it("exposes the bucket name, the key and the names of the pipeline and projects", () => {
    let pipeline: Pipeline | undefined;
    synth((stack) => {
      pipeline = new Pipeline(stack, "Pipeline", pipelineProps());
    });
    expect(pipeline!.artifactBucketName).toBe(`shop-prod-web-artifacts-${ACCOUNT}`);
    expect(pipeline!.pipelineName).toBe("shop-prod-web-pipeline");
    expect(pipeline!.projectNames).toEqual({
      build: "shop-prod-web-build",
      plan: "shop-prod-web-plan",
      deploy: "shop-prod-web-deploy",
      release: "shop-prod-web-release",
    });
    expect(pipeline!.terraformRoleArns).toHaveLength(3);
  });
});

describe("Pipeline CodeBuild projects", () => {
  const json = pipelineStack({
    build: { ...pipelineProps().build, imageRepositoryArn: REPOSITORY_ARN },
  });
  const [[keyName]] = ofType(json, "aws_kms_key") as [[string, Json]];
  const logGroups = Object.fromEntries(
    ofType(json, "aws_cloudwatch_log_group").map(([name, group]) => [name, group]),
  );

  it("logs each project to its own log group, encrypted with the artifact key, kept a year", () => {
    const used = new Set<string>();
    for (const stage of ["build", "plan", "deploy", "release"]) {
      const [, p] = project(json, `shop-prod-web-${stage}`);
      expect(p.logs_config).toEqual({
        cloudwatch_logs: { status: "ENABLED", group_name: expect.any(String) },
        s3_logs: { status: "DISABLED" },
      });
      const groupName = /^\$\{aws_cloudwatch_log_group\.([^.]+)\.name\}$/.exec(
        p.logs_config.cloudwatch_logs.group_name,
      )![1]!;
      used.add(groupName);
      expect(logGroups[groupName]).toEqual({
        name: `/aws/codebuild/shop-prod-web-${stage}`,
        retention_in_days: 365,
        kms_key_id: ref("aws_kms_key", keyName, "arn"),
      });
      expect(p.encryption_key).toBe(ref("aws_kms_key", keyName, "arn"));
    }
    expect(used.size).toBe(4);
  });

  it("uses the given logs key and retention instead", () => {
    const logsKey = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/logs`;
    const custom = pipelineStack({ logsKmsKeyArn: logsKey, logRetentionDays: 731 });
    for (const [, group] of ofType(custom, "aws_cloudwatch_log_group")) {
      expect(group).toMatchObject({ kms_key_id: logsKey, retention_in_days: 731 });
    }
  });

  it("runs privileged only in the build project, and only when it builds an image", () => {
    const privileged = (ofType(json, "aws_codebuild_project") as [string, Json][])
      .filter(([, p]) => p.environment.privileged_mode === true)
      .map(([, p]) => p.name);
    expect(privileged).toEqual(["shop-prod-web-build"]);
    for (const [, p] of ofType(pipelineStack(), "aws_codebuild_project") as [string, Json][]) {
      expect(p.environment.privileged_mode).toBe(false);
    }
  });

  it("builds on arm64 by default, with a larger machine for the build stage", () => {
    expect(project(json, "shop-prod-web-build")[1].environment).toMatchObject({
      type: "ARM_CONTAINER",
      image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
      compute_type: "BUILD_GENERAL1_LARGE",
    });
    expect(project(json, "shop-prod-web-plan")[1].environment.compute_type).toBe(
      "BUILD_GENERAL1_SMALL",
    );
    const x86 = pipelineStack({ buildArchitecture: "x86_64" });
    expect(project(x86, "shop-prod-web-deploy")[1].environment).toMatchObject({
      type: "LINUX_CONTAINER",
      image: "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
    });
  });

  it("takes each stage's buildspec: objects as JSON, strings as given", () => {
    expect(JSON.parse(project(json, "shop-prod-web-build")[1].source.buildspec)).toEqual(
      pipelineProps().build.buildspec,
    );
    expect(project(json, "shop-prod-web-plan")[1].source).toEqual({
      type: "CODEPIPELINE",
      buildspec: pipelineProps().plan.buildspec,
    });
    expect(project(json, "shop-prod-web-deploy")[1].source.buildspec).toBe("deploy/buildspec.yml");
  });

  it("sets a stage's plain-text environment and timeout", () => {
    const custom = pipelineStack({
      deploy: { buildspec: "deploy.yml", environment: { ZONKE_ENV: "prod" }, timeoutMinutes: 30 },
    });
    const [, deploy] = project(custom, "shop-prod-web-deploy");
    expect(deploy.build_timeout).toBe(30);
    expect(deploy.environment.environment_variable).toEqual([
      { name: "ZONKE_ENV", value: "prod", type: "PLAINTEXT" },
    ]);
  });
});
