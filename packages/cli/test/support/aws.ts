/**
 * What Terraform would have created, made directly in moto with the real SDK: secrets without a
 * value, IAM principals in other accounts, a server function with its `live` alias.
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
import { awsQuery, xmlText, type Credentials } from "../../src/aws/query";

/** moto's account for the default test credentials. */
export const DEFAULT_ACCOUNT = "123456789012";
export const REGION = "eu-west-1";

export const testCredentials = (): Credentials => ({
  accessKeyId: process.env["AWS_ACCESS_KEY_ID"]!,
  secretAccessKey: process.env["AWS_SECRET_ACCESS_KEY"]!,
});

export function secretsManager(region = REGION, credentials?: Credentials): SecretsManagerClient {
  return new SecretsManagerClient({ region, ...(credentials ? { credentials } : {}) });
}

export function lambda(region = REGION): LambdaClient {
  return new LambdaClient({ region });
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
 * Credentials of a new IAM user in `account`: moto answers GetCallerIdentity with the account of
 * the access key's user, and keeps that account's resources apart.
 */
export async function accountCredentials(account: string): Promise<Credentials> {
  const call = (params: Record<string, string>) =>
    awsQuery({
      service: "iam",
      region: "us-east-1",
      credentials: testCredentials(),
      params: { Version: "2010-05-08", ...params },
      headers: { "x-moto-account-id": account },
    });
  const userName = `zonke-test-${randomBytes(4).toString("hex")}`;
  await call({ Action: "CreateUser", UserName: userName });
  const answer = await call({ Action: "CreateAccessKey", UserName: userName });
  return {
    accessKeyId: xmlText(answer, "AccessKeyId")!,
    secretAccessKey: xmlText(answer, "SecretAccessKey")!,
  };
}

/** The Next.js server function as the stack deploys it: published, with the `live` alias. */
export async function createServerFunction(
  functionName: string,
  variables: Record<string, string>,
  region = REGION,
): Promise<{ version: string }> {
  const roleName = `${functionName}-role`;
  await awsQuery({
    service: "iam",
    region: "us-east-1",
    credentials: testCredentials(),
    params: {
      Version: "2010-05-08",
      Action: "CreateRole",
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
    },
  });
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
