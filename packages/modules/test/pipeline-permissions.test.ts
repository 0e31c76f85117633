import { ofType, ref } from "./helpers";
import {
  ACCOUNT,
  CONNECTION_ARN,
  DEPLOY_ROLE,
  REPOSITORY_ARN,
  STATE_KEY,
  allRoleStatements,
  pipelineProps,
  pipelineStack,
  statementsBySid,
  type Json,
} from "./pipeline-fixtures";

const ARTIFACTS = `arn:aws:s3:::shop-prod-web-artifacts-${ACCOUNT}`;
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:approvals`;
const projectArn = (stage: string) =>
  `arn:aws:codebuild:eu-west-1:${ACCOUNT}:project/shop-prod-web-${stage}`;

/** Every option that adds a grant. */
const everything = pipelineStack({
  source: {
    connection: { kind: "existing", connectionArn: CONNECTION_ARN },
    repository: "acme/shop",
    branch: "main",
  },
  build: { ...pipelineProps().build, imageRepositoryArn: REPOSITORY_ARN },
  approvalBeforeDeploy: { notificationTopicArn: TOPIC },
  terraformStateKeyArn: STATE_KEY,
});
const roles = ofType(everything, "aws_iam_role").map(([, role]) => role.name as string);

describe("Pipeline roles", () => {
  it("are one for the pipeline and one per project", () => {
    expect(roles.sort()).toEqual([
      "shop-prod-web-build",
      "shop-prod-web-deploy",
      "shop-prod-web-pipeline",
      "shop-prod-web-plan",
      "shop-prod-web-release",
    ]);
  });

  it("allow no wildcard action and no resource `*` except the registry token", () => {
    const statements = allRoleStatements(everything);
    expect(statements.length).toBeGreaterThan(30);
    for (const { role, statement } of statements) {
      for (const action of statement.actions as string[]) {
        expect(`${role}: ${action}`).not.toMatch(/\*/);
      }
      if (statement.sid !== "ReadRegistryToken") {
        expect(`${role} ${statement.sid}: ${statement.resources}`).not.toMatch(/(^|,|: )\*(,|$)/);
      }
      expect(statement.effect ?? "Allow").toBe("Allow");
    }
  });

  it("never pass a role", () => {
    const actions = allRoleStatements(everything).flatMap(({ statement }) => statement.actions);
    expect(actions).not.toContain("iam:PassRole");
  });

  it("are trusted by their service only", () => {
    const documents = everything.data!.aws_iam_policy_document!;
    for (const [, role] of ofType(everything, "aws_iam_role")) {
      const document = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(
        role.assume_role_policy as string,
      )![1]!;
      const service =
        role.name === "shop-prod-web-pipeline"
          ? "codepipeline.amazonaws.com"
          : "codebuild.amazonaws.com";
      expect(documents[document]!.statement).toEqual([
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: [service] }] },
      ]);
    }
  });
});

describe("Pipeline role", () => {
  const statements = statementsBySid(everything, "shop-prod-web-pipeline");

  it("starts exactly its own projects, invokes exactly its migrator, uses exactly its connection", () => {
    expect(Object.keys(statements).sort()).toEqual([
      "InvokeMigrator",
      "NotifyApprovers",
      "ReadArtifactBucketSettings",
      "ReadWriteOwnArtifacts",
      "RunOwnBuilds",
      "SetOwnArtifactOwnerAcl",
      "UseArtifactKey",
      "UseSourceConnection",
    ]);
    expect(statements.RunOwnBuilds!.resources).toEqual(
      ["build", "plan", "deploy", "release"].map(projectArn),
    );
    expect(statements.InvokeMigrator).toMatchObject({
      actions: ["lambda:InvokeFunction"],
      resources: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:shop-prod-web-migrator`],
    });
    expect(statements.UseSourceConnection!.resources).toEqual([CONNECTION_ARN]);
    expect(statements.NotifyApprovers).toMatchObject({
      actions: ["sns:Publish"],
      resources: [TOPIC],
    });
  });

  it("reads and writes only its own artifacts, with its own key", () => {
    const [[keyName]] = ofType(everything, "aws_kms_key") as [[string, Json]];
    // CodePipeline keeps artifacts under the pipeline's name cut to 20 characters.
    expect(statements.ReadWriteOwnArtifacts!.resources).toEqual([
      `${ARTIFACTS}/shop-prod-web-pipeli*`,
    ]);
    expect(statements.ReadArtifactBucketSettings!.resources).toEqual([ARTIFACTS]);
    expect(statements.SetOwnArtifactOwnerAcl!.resources).toEqual([
      `${ARTIFACTS}/shop-prod-web-pipeli*`,
    ]);
    expect(statements.UseArtifactKey!.resources).toEqual([ref("aws_kms_key", keyName, "arn")]);
  });

  it("has no migrator or approval grant when the pipeline has neither", () => {
    const plain = statementsBySid(
      pipelineStack({ migration: undefined, approvalBeforeDeploy: true }),
      "shop-prod-web-pipeline",
    );
    expect(plain.InvokeMigrator).toBeUndefined();
    expect(plain.NotifyApprovers).toBeUndefined();
  });
});

describe("Pipeline project roles", () => {
  const bySid = (stage: string) => statementsBySid(everything, `shop-prod-web-${stage}`);

  it("write only their own log group, and clone through the connection", () => {
    for (const stage of ["build", "plan", "deploy", "release"]) {
      const statements = bySid(stage);
      expect(statements.WriteOwnLogs!.resources).toEqual([
        `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/codebuild/shop-prod-web-${stage}:*`,
      ]);
      expect(statements.UseSourceConnection!.resources).toEqual([CONNECTION_ARN]);
    }
  });

  it("write this pipeline's artifacts only where the stage has an output, read them elsewhere", () => {
    for (const stage of ["build", "plan"]) {
      expect(bySid(stage).ReadWriteOwnArtifacts).toEqual({
        sid: "ReadWriteOwnArtifacts",
        actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
        resources: [`${ARTIFACTS}/shop-prod-web-pipeli*`],
      });
      expect(bySid(stage).UseArtifactKey!.actions).toContain("kms:GenerateDataKey");
    }
    for (const stage of ["deploy", "release"]) {
      expect(bySid(stage).ReadWriteOwnArtifacts).toBeUndefined();
      expect(bySid(stage).ReadOwnArtifacts).toEqual({
        sid: "ReadOwnArtifacts",
        actions: ["s3:GetObject", "s3:GetObjectVersion"],
        resources: [`${ARTIFACTS}/shop-prod-web-pipeli*`],
      });
      expect(bySid(stage).UseArtifactKey!.actions).toEqual(["kms:Decrypt", "kms:DescribeKey"]);
    }
  });

  it("let only the build push, and only to the app's repository", () => {
    const build = bySid("build");
    expect(build.PushAppImage).toMatchObject({ resources: [REPOSITORY_ARN] });
    expect(build.PushAppImage!.actions).toContain("ecr:PutImage");
    expect(build.ReadRegistryToken).toEqual({
      sid: "ReadRegistryToken",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    });
    expect(build.AssumeDeployRole).toBeUndefined();
    for (const stage of ["plan", "deploy", "release"]) {
      expect(bySid(stage).PushAppImage).toBeUndefined();
    }
    expect(statementsBySid(pipelineStack(), "shop-prod-web-build").PushAppImage).toBeUndefined();
  });

  it("let Plan, Deploy and Release assume exactly the deploy role and use exactly their state", () => {
    for (const stage of ["plan", "deploy", "release"]) {
      const statements = bySid(stage);
      expect(statements.AssumeDeployRole).toEqual({
        sid: "AssumeDeployRole",
        actions: ["sts:AssumeRole"],
        resources: [DEPLOY_ROLE],
      });
      expect(statements.ReadWriteState!.resources).toEqual(["arn:aws:s3:::shop-tfstate/zonke/*"]);
      expect(statements.ListStateBucket!.resources).toEqual(["arn:aws:s3:::shop-tfstate"]);
      expect(statements.UseStateKey!.resources).toEqual([STATE_KEY]);
    }
  });

  it("go through the state backend's role when it has one", () => {
    const stateRole = `arn:aws:iam::${ACCOUNT}:role/shop-state`;
    const json = pipelineStack({
      terraformState: {
        kind: "s3",
        bucket: "shop-tfstate",
        region: "eu-west-1",
        keyPrefix: "shop",
        roleArn: stateRole,
      },
    });
    const plan = statementsBySid(json, "shop-prod-web-plan");
    expect(plan.AssumeStateRole!.resources).toEqual([stateRole]);
    expect(plan.ReadWriteState).toBeUndefined();
    const direct = statementsBySid(
      pipelineStack({
        terraformState: {
          kind: "s3",
          bucket: "shop-tfstate",
          region: "eu-west-1",
          keyPrefix: "shop",
        },
      }),
      "shop-prod-web-deploy",
    );
    expect(direct.ReadWriteState!.resources).toEqual(["arn:aws:s3:::shop-tfstate/shop/*"]);
    expect(direct.UseStateKey).toBeUndefined();
  });

  it("add a stage's own statements to that stage only", () => {
    const json = pipelineStack({
      build: {
        ...pipelineProps().build,
        statements: [
          { sid: "ReadNpmToken", actions: ["secretsmanager:GetSecretValue"], resources: ["arn:x"] },
        ],
      },
    });
    expect(statementsBySid(json, "shop-prod-web-build").ReadNpmToken).toBeDefined();
    expect(statementsBySid(json, "shop-prod-web-plan").ReadNpmToken).toBeUndefined();
  });
});
