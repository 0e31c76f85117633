import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import {
  ContainerRepository,
  DjangoLambda,
  Migrator,
  ValidationError,
  type EcsMigrationTarget,
  type LambdaArtifact,
} from "../src";
import { ofType, ref, synth, type Synthesized } from "./helpers";

type Json = Record<string, any>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zonke-django-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const zip = path.join(dir, "migrator.zip");
fs.writeFileSync(zip, "migrator");
const migratorArtifact: LambdaArtifact = {
  zip,
  sha256: "ef".repeat(32),
  architecture: "arm64",
  handler: "index.handler",
  runtime: "nodejs22.x",
};
const DIGEST = `sha256:${"a".repeat(64)}`;
const network = {
  region: "eu-west-1",
  accountId: "111111111111",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
};

type WithOutputs = Synthesized & { output: Record<string, { value: any }> };

function djangoStack(trafficShift?: "apply" | "release"): WithOutputs {
  return synth((stack) => {
    const repository = new ContainerRepository(stack, "Images", {
      name: "shop/prod/api",
      lambdaPullAccountId: "111111111111",
    });
    const django = new DjangoLambda(stack, "Server", {
      functionName: "shop-prod-api-server",
      imageUri: `${repository.repositoryUrl}@${DIGEST}`,
      network,
      domains: ["api.shop.example"],
      secrets: [{ arn: "arn:secret:app", keys: ["DJANGO_SECRET_KEY"] }],
      ...(trafficShift ? { trafficShift } : {}),
    });
    const migrator = new Migrator(stack, "Migrator", {
      functionName: "shop-prod-api-migrator",
      artifact: migratorArtifact,
      target: django.migrationTarget,
    });
    new TerraformOutput(stack, "migration", { value: migrator.userParameters });
  }) as WithOutputs;
}

const json = djangoStack();
const functions = Object.fromEntries(
  ofType(json, "aws_lambda_function").map(([, f]) => [f.function_name as string, f as Json]),
);
const statementsNamed = (sid: string) =>
  Object.values(json.data!.aws_iam_policy_document!)
    .flatMap((d) => (d.statement as Json[] | undefined) ?? [])
    .filter((s) => s.sid === sid);

describe("ContainerRepository", () => {
  it("keeps tags immutable, scans on push and expires old images", () => {
    const [[, repository]] = ofType(json, "aws_ecr_repository") as [[string, Json]];
    expect(repository).toMatchObject({
      name: "shop/prod/api",
      image_tag_mutability: "IMMUTABLE",
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: "AES256" }],
    });
    const [[, lifecycle]] = ofType(json, "aws_ecr_lifecycle_policy") as [[string, Json]];
    expect(JSON.parse(lifecycle.policy).rules[0].selection).toMatchObject({ countNumber: 30 });
  });

  it("lets only this account's Lambda functions pull", () => {
    const [[, policy]] = ofType(json, "aws_ecr_repository_policy") as [[string, Json]];
    expect(JSON.parse(policy.policy).Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "lambda.amazonaws.com" },
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Condition: {
          StringLike: { "aws:sourceArn": "arn:aws:lambda:*:111111111111:function:*" },
        },
      }),
    ]);
    const bare = synth((stack) => new ContainerRepository(stack, "R", { name: "shop/api" }));
    expect(ofType(bare, "aws_ecr_repository_policy")).toEqual([]);
  });

  it("refuses a name ECR does not accept", () => {
    expect(() =>
      synth((stack) => new ContainerRepository(stack, "R", { name: "Shop/API" })),
    ).toThrow(/ECR repository name "Shop\/API" is not allowed/);
  });
});

describe("DjangoLambda", () => {
  const web = functions["shop-prod-api-server"]!;
  const manage = functions["shop-prod-api-server-manage"]!;

  it("runs the image by digest in the private subnets, buffered, behind the live alias", () => {
    expect(web).toMatchObject({
      package_type: "Image",
      image_uri: expect.stringMatching(new RegExp(`repository_url\\}@${DIGEST}$`)),
      architectures: ["arm64"],
      image_config: { command: ["lambda"] },
      publish: true,
      vpc_config: { subnet_ids: ["subnet-a", "subnet-b"] },
    });
    expect(web.runtime).toBeUndefined();
    const urls = ofType(json, "aws_lambda_function_url").map(([, u]) => u);
    expect(urls).toEqual([
      expect.objectContaining({ authorization_type: "AWS_IAM", invoke_mode: "BUFFERED" }),
    ]);
  });

  it("trusts its custom names and CloudFront's, and carries secret ARNs only", () => {
    expect(web.environment.variables).toEqual({
      ZONKE_DOMAINS: "api.shop.example,.cloudfront.net",
      ZONKE_SECRET_ARNS: "arn:secret:app",
    });
  });

  it("has a manage function: same image and environment, 15 minutes, no URL", () => {
    expect(manage).toMatchObject({
      image_uri: web.image_uri,
      environment: web.environment,
      vpc_config: web.vpc_config,
      timeout: 900,
      publish: true,
    });
    expect(web.timeout).toBe(30);
  });

  it('keeps the alias where the release step puts it with trafficShift "release"', () => {
    const aliasOf = (synthesized: Synthesized) =>
      ofType(synthesized, "aws_lambda_alias").map(([, alias]) => alias as Json);
    expect(aliasOf(json)).toEqual([expect.not.objectContaining({ lifecycle: expect.anything() })]);
    const released = djangoStack("release");
    // One alias, the web function's: the manage function has none (the migrator runs versions).
    expect(aliasOf(released)).toEqual([
      expect.objectContaining({
        name: "live",
        function_version: expect.stringMatching(/Server_Function_[0-9A-F]+\.version\}$/),
        lifecycle: { ignore_changes: ["function_version"] },
      }),
    ]);
  });

  it("refuses an image by tag", () => {
    expect(() =>
      synth(
        (stack) =>
          new DjangoLambda(stack, "S", {
            functionName: "s",
            imageUri: "111111111111.dkr.ecr.eu-west-1.amazonaws.com/shop:latest",
            network,
          }),
      ),
    ).toThrow(ValidationError);
  });
});

describe("Migrator", () => {
  it("may invoke only the manage function's versions and report job results", () => {
    expect(statementsNamed("InvokeManageVersions")).toEqual([
      expect.objectContaining({
        actions: ["lambda:InvokeFunction"],
        resources: [
          expect.stringMatching(/Server_Manage_[0-9A-F]+\.arn\}$/),
          expect.stringMatching(/Server_Manage_[0-9A-F]+\.arn\}:\*$/),
        ],
      }),
    ]);
    expect(statementsNamed("ReportJobResults")[0]!.actions).toEqual([
      "codepipeline:PutJobSuccessResult",
      "codepipeline:PutJobFailureResult",
    ]);
    expect(functions["shop-prod-api-migrator"]!.vpc_config).toBeUndefined();
  });

  it("tells the pipeline to migrate with the manage function's new version", () => {
    const [manage] = ofType(json, "aws_lambda_function").find(
      ([, f]) => f.function_name === "shop-prod-api-server-manage",
    )!;
    expect(json.output.migration!.value).toEqual({
      kind: "lambda",
      functionName: ref("aws_lambda_function", manage, "function_name"),
      qualifier: ref("aws_lambda_function", manage, "version"),
    });
  });

  it("for ECS, runs only its family on its cluster and passes only its task's roles", () => {
    const ecs = synth(
      (stack) =>
        new Migrator(stack, "M", {
          functionName: "shop-prod-api-migrator",
          artifact: migratorArtifact,
          target: ECS_TARGET,
        }),
    );
    const statements = Object.values(ecs.data!.aws_iam_policy_document!).flatMap(
      (d) => (d.statement as Json[] | undefined) ?? [],
    );
    const byId = (sid: string) => statements.find((s) => s.sid === sid)!;
    expect(byId("RunMigrationTask")).toMatchObject({
      actions: ["ecs:RunTask"],
      resources: ["arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-prod-api:*"],
      condition: [
        {
          test: "ArnEquals",
          variable: "ecs:cluster",
          values: ["arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod"],
        },
      ],
    });
    expect(byId("PassTaskRoles").resources).toEqual([
      "arn:aws:iam::111111111111:role/task",
      "arn:aws:iam::111111111111:role/exec",
    ]);
    expect(byId("ReadMigrationOutput")).toMatchObject({
      actions: ["logs:GetLogEvents"],
      resources: [
        "arn:aws:logs:eu-west-1:111111111111:log-group:/ecs/shop-prod-api",
        "arn:aws:logs:eu-west-1:111111111111:log-group:/ecs/shop-prod-api:*",
      ],
    });
    expect(byId("WatchMigrationTask").resources).toEqual([
      "arn:aws:ecs:eu-west-1:111111111111:task/shop-prod/*",
    ]);
  });
});

const ECS_TARGET: EcsMigrationTarget = {
  kind: "ecs",
  region: "eu-west-1",
  accountId: "111111111111",
  clusterArn: "arn:aws:ecs:eu-west-1:111111111111:cluster/shop-prod",
  clusterName: "shop-prod",
  taskDefinitionFamily: "shop-prod-api",
  passRoleArns: ["arn:aws:iam::111111111111:role/task", "arn:aws:iam::111111111111:role/exec"],
  logGroupName: "/ecs/shop-prod-api",
  logStreamPrefix: "ecs",
  taskDefinitionArn: "arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-prod-api:7",
  containerName: "web",
  subnetIds: ["subnet-0123456789abcdef0"],
  securityGroupIds: ["sg-0123456789abcdef0"],
};

describe("Migrator userParameters for ECS", () => {
  const build = (target: EcsMigrationTarget) => {
    let migrator: Migrator | undefined;
    synth((stack) => {
      migrator = new Migrator(stack, "M", {
        functionName: "shop-prod-api-migrator",
        artifact: migratorArtifact,
        target,
      });
    });
    return migrator!;
  };

  it("names the revision, the container, the network and the log, in the migrator's keys", () => {
    expect(build(ECS_TARGET).userParameters).toEqual({
      kind: "ecs",
      cluster: "shop-prod",
      taskDefinition: "arn:aws:ecs:eu-west-1:111111111111:task-definition/shop-prod-api:7",
      container: "web",
      subnets: ["subnet-0123456789abcdef0"],
      securityGroups: ["sg-0123456789abcdef0"],
      logGroup: "/ecs/shop-prod-api",
      logStreamPrefix: "ecs",
    });
  });

  it("runs on the cluster's capacity provider when it has one", () => {
    const parameters = build({ ...ECS_TARGET, runTaskCapacityProvider: "shop-prod-ec2" })
      .userParameters as Json;
    expect(parameters.capacityProvider).toBe("shop-prod-ec2");
  });

  it.each([
    [
      "subnetIds",
      { subnetIds: [] },
      /target.subnetIds has 0 entries; a migration task needs 1 to 16/,
    ],
    [
      "securityGroupIds",
      { securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"] },
      /target.securityGroupIds has 6 entries; a migration task needs 1 to 5/,
    ],
  ])("refuses a task the migrator could not run (%s)", (_, change, message) => {
    expect(() => build({ ...ECS_TARGET, ...change })).toThrow(ValidationError);
    expect(() => build({ ...ECS_TARGET, ...change })).toThrow(message);
  });
});
