/**
 * The Node loader against moto's server (a real AWS API implementation) through the real SDK:
 * what test/secrets.test.ts checks against a minimal local server, here with Secrets Manager's
 * own behaviour (ARNs, version stages, errors).
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import { startMotoServer, type MotoServer } from "@zonke/lambda-local";
import { SecretsLoadError, createSecretsLoader } from "../src";

let moto: MotoServer;
let admin: SecretsManagerClient;
const clientConfig = () => ({
  endpoint: moto.endpoint,
  region: "eu-west-1",
  credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
});

beforeAll(async () => {
  moto = await startMotoServer();
  admin = new SecretsManagerClient(clientConfig());
});
afterAll(async () => {
  admin?.destroy();
  await moto?.stop();
});

async function secret(name: string, value: Record<string, unknown>): Promise<string> {
  const created = await admin.send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }),
  );
  return created.ARN!;
}

describe("the secrets loader against moto", () => {
  it("loads the app secret and the RDS credentials behind DB_, keeping explicit variables", async () => {
    const app = await secret("shop/dev/web", { GREETING_SECRET: "hello", API_KEY: "k1" });
    const db = await secret("rds!db-shop-dev", { username: "app_admin", password: "p@ss" });
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: `${app},DB_=${db}`, API_KEY: "explicit" };
    await createSecretsLoader({ env, clientConfig: clientConfig() }).load();
    expect(env).toMatchObject({
      GREETING_SECRET: "hello",
      API_KEY: "explicit",
      DB_USERNAME: "app_admin",
      DB_PASSWORD: "p@ss",
    });
  });

  it("reads the value zonke secrets made current (a new version, then AWSCURRENT moved)", async () => {
    const arn = await secret("shop/dev/moved", { TOKEN: "old" });
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: arn };
    const loader = createSecretsLoader({ env, clientConfig: clientConfig() });
    await loader.load();
    expect(env["TOKEN"]).toBe("old");

    const current = await admin.send(
      new PutSecretValueCommand({
        SecretId: arn,
        SecretString: JSON.stringify({ TOKEN: "new" }),
        VersionStages: ["ZONKE_PENDING"],
      }),
    );
    const { VersionIdsToStages } = await admin.send(new DescribeSecretCommand({ SecretId: arn }));
    const previous = Object.entries(VersionIdsToStages!).find(([, stages]) =>
      stages.includes("AWSCURRENT"),
    )![0];
    await admin.send(
      new UpdateSecretVersionStageCommand({
        SecretId: arn,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: current.VersionId,
        RemoveFromVersionId: previous,
      }),
    );
    await loader.reload();
    expect(env["TOKEN"]).toBe("new");
  });

  it("names a missing secret and leaves the environment as it was", async () => {
    const app = await secret("shop/dev/present", { PRESENT: "yes" });
    const missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dev/none-AbCdEf";
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: `${app},${missing}` };
    const failure = createSecretsLoader({ env, clientConfig: clientConfig() }).load();
    await expect(failure).rejects.toThrow(SecretsLoadError);
    await expect(failure).rejects.toThrow(/shop\/dev\/none/);
    expect(env["PRESENT"]).toBeUndefined();
  });
});
