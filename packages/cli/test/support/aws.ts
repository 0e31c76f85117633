/**
 * What Terraform would have created, made directly in moto with the real SDK: secrets without a
 * value, IAM principals in other accounts, a server function with its `live` alias, an ECS
 * service.
 */
import { randomBytes } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
} from "@aws-sdk/client-iam";
import type { Credentials } from "../../src/aws/session";

/** moto's account for the default test credentials. */
export const DEFAULT_ACCOUNT = "123456789012";
export const REGION = "eu-west-1";

export function secretsManager(region = REGION, credentials?: Credentials): SecretsManagerClient {
  return new SecretsManagerClient({ region, ...(credentials ? { credentials } : {}) });
}

export function lambda(region = REGION): LambdaClient {
  return new LambdaClient({ region });
}

export function ecs(region = REGION): ECSClient {
  return new ECSClient({ region });
}

/**
 * An app's ECS service as its stack deploys it: the environment's cluster, a Fargate task
 * definition that reads the declared keys from the app's secret (`secrets[].valueFrom`), and the
 * service (moto counts `desiredCount` tasks as pending, none running: only 0 is ever stable).
 */
export async function createEcsService(options: {
  readonly cluster: string;
  readonly service: string;
  readonly secret: string;
  readonly keys: readonly string[];
  /** @default 1 */
  readonly desiredCount?: number;
  /** @default "ECS" */
  readonly deploymentController?: "ECS" | "CODE_DEPLOY" | "EXTERNAL";
  /** Create the cluster too. @default true */
  readonly createCluster?: boolean;
}): Promise<Service> {
  const client = ecs();
  if (options.createCluster ?? true) {
    await client.send(new CreateClusterCommand({ clusterName: options.cluster }));
  }
  const secretArn = `arn:aws:secretsmanager:${REGION}:${DEFAULT_ACCOUNT}:secret:${options.secret}`;
  const { taskDefinition } = await client.send(
    new RegisterTaskDefinitionCommand({
      family: options.service,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        {
          name: "web",
          image: `${DEFAULT_ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${options.service}:1`,
          essential: true,
          secrets: options.keys.map((key) => ({ name: key, valueFrom: `${secretArn}:${key}::` })),
        },
      ],
    }),
  );
  const { service } = await client.send(
    new CreateServiceCommand({
      cluster: options.cluster,
      serviceName: options.service,
      taskDefinition: taskDefinition!.taskDefinitionArn!,
      desiredCount: options.desiredCount ?? 1,
      launchType: "FARGATE",
      deploymentController: { type: options.deploymentController ?? "ECS" },
    }),
  );
  return service!;
}

/** The service as DescribeServices answers now. */
export async function describeEcsService(cluster: string, service: string): Promise<Service> {
  const answer = await ecs().send(new DescribeServicesCommand({ cluster, services: [service] }));
  return answer.services![0]!;
}

/** A project name no other test uses, so that tests share moto without meeting. */
export function uniqueProject(): string {
  return `t${randomBytes(6).toString("hex")}`;
}

/** The secret as Terraform creates it: a container without a value. */
export async function createEmptySecret(
  name: string,
  region = REGION,
  credentials?: Credentials,
): Promise<void> {
  await secretsManager(region, credentials).send(new CreateSecretCommand({ Name: name }));
}

/** The AWSCURRENT version id and value, read directly (undefined: no value yet). */
export async function currentValue(
  name: string,
  region = REGION,
  credentials?: Credentials,
): Promise<{ versionId: string; values: Record<string, string>; createdDate: Date } | undefined> {
  const client = secretsManager(region, credentials);
  const described = await client.send(new DescribeSecretCommand({ SecretId: name }));
  const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes("AWSCURRENT"),
  );
  if (!current) return undefined;
  const value = await client.send(
    new GetSecretValueCommand({ SecretId: name, VersionId: current[0] }),
  );
  return {
    versionId: value.VersionId!,
    values: JSON.parse(value.SecretString!) as Record<string, string>,
    createdDate: value.CreatedDate!,
  };
}

/** Every version of the secret and its labels. */
export async function versionStages(
  name: string,
  region = REGION,
): Promise<Record<string, string[]>> {
  const described = await secretsManager(region).send(
    new DescribeSecretCommand({ SecretId: name }),
  );
  return described.VersionIdsToStages ?? {};
}

/**
 * IAM (global: signed for us-east-1). `account` sends moto's `x-moto-account-id` header, which
 * makes moto act in that account.
 */
export function iam(
  options: { account?: string; endpoint?: string; credentials?: Credentials } = {},
) {
  const client = new IAMClient({
    region: "us-east-1",
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const { account } = options;
  if (account !== undefined) {
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers["x-moto-account-id"] =
          account;
        return next(args);
      },
      { step: "build", name: "motoAccountId" },
    );
  }
  return client;
}

/**
 * Credentials of a new IAM user in `account`: moto answers GetCallerIdentity with the account of
 * the access key's user, and keeps that account's resources apart.
 */
export async function accountCredentials(account: string): Promise<Credentials> {
  const client = iam({ account });
  const userName = `zonke-test-${randomBytes(4).toString("hex")}`;
  await client.send(new CreateUserCommand({ UserName: userName }));
  const { AccessKey } = await client.send(new CreateAccessKeyCommand({ UserName: userName }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

/** The Next.js server function as the stack deploys it: published, with the `live` alias. */
export async function createServerFunction(
  functionName: string,
  variables: Record<string, string>,
  region = REGION,
): Promise<{ version: string }> {
  const roleName = `${functionName}-role`;
  await iam().send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    }),
  );
  const client = lambda(region);
  const created = await client.send(
    new CreateFunctionCommand({
      FunctionName: functionName,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::${DEFAULT_ACCOUNT}:role/${roleName}`,
      Handler: "index.handler",
      Code: { ZipFile: zip("index.js", "exports.handler = async () => ({ statusCode: 200 });") },
      Environment: { Variables: variables },
      Publish: true,
    }),
  );
  await client.send(
    new CreateAliasCommand({
      FunctionName: functionName,
      Name: "live",
      FunctionVersion: created.Version!,
    }),
  );
  return { version: created.Version! };
}

/** A zip archive holding one file (deflated), enough for Lambda's CreateFunction. */
export function zip(fileName: string, content: string): Buffer {
  const data = Buffer.from(content);
  const deflated = deflateRawSync(data);
  const name = Buffer.from(fileName);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + deflated.length, 16);
  return Buffer.concat([local, name, deflated, central, name, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A new folder under the run's temporary folder (removed when the run ends). */
export function tempDir(prefix: string): string {
  const parent = process.env["ZONKE_TEST_TMPDIR"] ?? os.tmpdir();
  return fs.mkdtempSync(path.join(parent, `zonke-cli-${prefix}-`));
}

/** A folder with a zonke.config.ts for one project (no imports: it needs no node_modules). */
export function writeConfig(
  project: string,
  options: {
    account?: string;
    region?: string;
    apps?: Record<string, unknown>[];
  } = {},
): { dir: string; file: string } {
  const region = options.region ?? REGION;
  const config = {
    project,
    environments: {
      dev: {
        account: options.account ?? DEFAULT_ACCOUNT,
        region,
        availabilityZones: [`${region}a`, `${region}b`],
      },
      prod: {
        account: options.account ?? DEFAULT_ACCOUNT,
        region,
        availabilityZones: [`${region}a`, `${region}b`],
      },
    },
    apps: options.apps ?? [
      {
        name: "web",
        kind: "nextjs",
        path: "web",
        architecture: "next-lambda-django-ecs",
        branches: { dev: "main", prod: "release" },
        secrets: ["API_KEY", "GREETING_SECRET"],
      },
      {
        name: "api",
        kind: "django",
        path: "api",
        architecture: "next-lambda-django-ecs",
        branches: { dev: "main", prod: "release" },
        secrets: ["DJANGO_SECRET_KEY"],
      },
    ],
  };
  const dir = tempDir(project);
  const file = path.join(dir, "zonke.config.ts");
  fs.writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  return { dir, file };
}
