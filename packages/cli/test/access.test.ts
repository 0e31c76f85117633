/**
 * Access denied, against a moto server of its own that enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT:
 * the setup requests pass, every later one is checked against the caller's policies).
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Credentials } from "../src/aws/session";
import { iam, writeConfig } from "./support/aws";
import { secretValue, spawnCli } from "./support/cli";
import { startMotoServer, type MotoServer } from "@zonke/lambda-local";

const ADMIN: Credentials = { accessKeyId: "AKIAADMIN", secretAccessKey: "admin" };
/** CreateUser, CreateAccessKey, PutUserPolicy, CreateSecret. */
const SETUP_REQUESTS = 4;

describe("a caller without write permission", () => {
  let moto: MotoServer;
  let reader: Credentials;
  let readerArn: string;
  const project = "shop";

  beforeAll(async () => {
    moto = await startMotoServer({ INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_REQUESTS) });
    const admin = iam({ endpoint: moto.endpoint, credentials: ADMIN });
    const user = await admin.send(new CreateUserCommand({ UserName: "reader" }));
    readerArn = user.User!.Arn!;
    const { AccessKey } = await admin.send(new CreateAccessKeyCommand({ UserName: "reader" }));
    reader = { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
    await admin.send(
      new PutUserPolicyCommand({
        UserName: "reader",
        PolicyName: "read-secrets",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: [
                "sts:GetCallerIdentity",
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
              ],
              Resource: "*",
            },
          ],
        }),
      }),
    );
    await new SecretsManagerClient({
      region: "eu-west-1",
      endpoint: moto.endpoint,
      credentials: ADMIN,
    }).send(new CreateSecretCommand({ Name: `${project}/dev/web`, SecretString: "{}" }));
  });

  afterAll(() => moto?.stop());

  it("is told which action on which secret was denied, and who was refused", async () => {
    const { file } = writeConfig(project);
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: reader.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reader.secretAccessKey,
    };
    const target = ["--app", "web", "--env", "dev", "--config", file];

    const list = await spawnCli(["secrets", "list", ...target], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${project}/dev/web (eu-west-1, account 123456789012)`);

    const set = await spawnCli(["secrets", "set", `API_KEY=${secretValue()}`, ...target], { env });
    expect(set).toEqual({
      code: 1,
      stdout: "",
      stderr: `zonke: access denied: ${readerArn} may not secretsmanager:PutSecretValue on secret ${project}/dev/web in eu-west-1; ask an administrator for that permission\n`,
    });
  });
});
