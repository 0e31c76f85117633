import { createServer } from "node:net";
import {
  SecretsConfigError,
  SecretsLoadError,
  createSecretsLoader,
  parseSecretSources,
  type SecretsLoaderOptions,
} from "../src";
import { startFakeSecretsManager, type FakeSecretsManager } from "./support/fake-secrets-manager";

const APP_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/app-AbCdEf";
const DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-XyZ123";
const MISSING_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-000000";

let fake: FakeSecretsManager;

beforeEach(async () => {
  fake = await startFakeSecretsManager({
    [APP_ARN]: {
      secretString: JSON.stringify({ GREETING_SECRET: "hello-from-sm", API_KEY: "k1" }),
    },
    [DB_ARN]: {
      secretString: JSON.stringify({ username: "app", password: "p@ss w0rd", port: 5432 }),
    },
  });
});

afterEach(() => fake.close());

function loader(env: NodeJS.ProcessEnv, options: Partial<SecretsLoaderOptions> = {}) {
  return createSecretsLoader({
    env,
    clientConfig: {
      endpoint: fake.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
    },
    ...options,
  });
}

describe("parseSecretSources", () => {
  it("reads comma-separated ARNs and JSON arrays, with optional prefixes", () => {
    expect(parseSecretSources(` ${APP_ARN} , DB_=${DB_ARN},`)).toEqual([
      { secretId: APP_ARN, prefix: "" },
      { secretId: DB_ARN, prefix: "DB_" },
    ]);
    expect(parseSecretSources(JSON.stringify([APP_ARN, `DB_=${DB_ARN}`]))).toEqual([
      { secretId: APP_ARN, prefix: "" },
      { secretId: DB_ARN, prefix: "DB_" },
    ]);
  });

  it("means no secrets when unset or blank", () => {
    expect(parseSecretSources(undefined)).toEqual([]);
    expect(parseSecretSources("  ")).toEqual([]);
    expect(parseSecretSources("[]")).toEqual([]);
  });

  it("keeps an = inside a secret name as part of the ARN", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a=b-AbCdEf";
    expect(parseSecretSources(arn)).toEqual([{ secretId: arn, prefix: "" }]);
  });

  it("refuses malformed lists with a message that says what to write", () => {
    expect(() => parseSecretSources("[not json")).toThrow(SecretsConfigError);
    expect(() => parseSecretSources("[1, 2]")).toThrow(/JSON array of strings/);
    expect(() => parseSecretSources(`${APP_ARN},${APP_ARN}`)).toThrow(/twice/);
    expect(() => parseSecretSources(`${APP_ARN} ${DB_ARN}`)).toThrow(/comma-separated/);
  });
});

describe("createSecretsLoader", () => {
  it("puts every key into the environment with the real SDK client", async () => {
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: `${APP_ARN},DB_=${DB_ARN}` };
    const result = await loader(env).load();
    expect(env).toMatchObject({
      GREETING_SECRET: "hello-from-sm",
      API_KEY: "k1",
      DB_USERNAME: "app",
      DB_PASSWORD: "p@ss w0rd",
      DB_PORT: "5432",
    });
    expect(result).toEqual({
      secretCount: 2,
      applied: ["GREETING_SECRET", "API_KEY", "DB_USERNAME", "DB_PASSWORD", "DB_PORT"],
      kept: [],
      removed: [],
      fromCache: false,
    });
    expect(fake.requests).toEqual(
      expect.arrayContaining([
        { target: "secretsmanager.GetSecretValue", secretId: APP_ARN, signed: true },
        { target: "secretsmanager.GetSecretValue", secretId: DB_ARN, signed: true },
      ]),
    );
  });

  it("leaves variables the deployment set, unless ZONKE_SECRETS_OVERRIDE=1", async () => {
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN, API_KEY: "from-deployment" };
    const result = await loader(env).load();
    expect(env["API_KEY"]).toBe("from-deployment");
    expect(env["GREETING_SECRET"]).toBe("hello-from-sm");
    expect(result.kept).toEqual(["API_KEY"]);

    const overriding: NodeJS.ProcessEnv = {
      ZONKE_SECRET_ARNS: APP_ARN,
      API_KEY: "from-deployment",
      ZONKE_SECRETS_OVERRIDE: "1",
    };
    await loader(overriding).load();
    expect(overriding["API_KEY"]).toBe("k1");
  });

  it("reuses a load for the TTL; reload() reads now and updates what it set", async () => {
    let clock = 1_000_000;
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN, API_KEY: "from-deployment" };
    const secrets = loader(env, { ttlMs: 60_000, now: () => clock });
    await secrets.load();
    expect(fake.requests).toHaveLength(1);

    clock += 59_999;
    await expect(secrets.load()).resolves.toMatchObject({ fromCache: true });
    expect(fake.requests).toHaveLength(1);

    fake.set(APP_ARN, {
      secretString: JSON.stringify({ GREETING_SECRET: "rotated", API_KEY: "k2" }),
    });
    await expect(secrets.reload()).resolves.toMatchObject({ fromCache: false });
    expect(fake.requests).toHaveLength(2);
    expect(env["GREETING_SECRET"]).toBe("rotated");
    expect(env["API_KEY"]).toBe("from-deployment");

    fake.set(APP_ARN, { secretString: JSON.stringify({ API_KEY: "k3" }) });
    clock += 60_000;
    await expect(secrets.load()).resolves.toMatchObject({ removed: ["GREETING_SECRET"] });
    expect(fake.requests).toHaveLength(3);
    expect(env).not.toHaveProperty("GREETING_SECRET");
  });

  it("shares one read between concurrent loads", async () => {
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN };
    const secrets = loader(env);
    await Promise.all([secrets.load(), secrets.load(), secrets.reload()]);
    expect(fake.requests).toHaveLength(1);
  });

  it("reads nothing when no secret is configured", async () => {
    const env: NodeJS.ProcessEnv = {};
    await expect(loader(env).load()).resolves.toMatchObject({ secretCount: 0, applied: [] });
    expect(fake.requests).toHaveLength(0);
  });

  it("names a missing secret and says it may not be deployed or written yet", async () => {
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: `${APP_ARN},${MISSING_ARN}` };
    const error = await loader(env)
      .load()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsLoadError);
    expect(error).toMatchObject({ secretId: MISSING_ARN });
    expect((error as Error).message).toMatch(
      new RegExp(`${escape(MISSING_ARN)} could not be read \\(ResourceNotFoundException: .*deploy`),
    );
    // All or nothing: the secret that could be read was not applied either.
    expect(env).not.toHaveProperty("GREETING_SECRET");
  });

  it("says which permission is missing on AccessDenied", async () => {
    fake.set(APP_ARN, {
      error: "AccessDeniedException",
      message: "User is not authorized to perform: secretsmanager:GetSecretValue",
    });
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN };
    await expect(loader(env).load()).rejects.toThrow(
      /AccessDeniedException.*secretsmanager:GetSecretValue on this secret/,
    );
  });

  it("gives up quickly when Secrets Manager does not answer, and points at the VPC route", async () => {
    fake.set(APP_ARN, { hang: true });
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN };
    const started = Date.now();
    const error = (await loader(env, { requestTimeoutMs: 300 })
      .load()
      .catch((e: unknown) => e)) as Error;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.message).toMatch(/TimeoutError.*No answer from Secrets Manager.*VPC endpoint/);
    expect(fake.requests).toHaveLength(2); // maxAttempts 2
  });

  it("explains a connection that is refused", async () => {
    const closedPort = await unusedPort();
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN };
    const secrets = createSecretsLoader({
      env,
      clientConfig: {
        endpoint: `http://127.0.0.1:${closedPort}`,
        region: "eu-west-1",
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test-secret" },
      },
    });
    await expect(secrets.load()).rejects.toThrow(/ECONNREFUSED.*NAT gateway/);
  });

  it.each([
    ["a JSON string", JSON.stringify("s3cr3t-value"), /not a JSON object/],
    ["not JSON", "s3cr3t-value", /not a JSON object/],
    ["an array", JSON.stringify(["s3cr3t-value"]), /not a JSON object/],
    [
      "a nested object",
      JSON.stringify({ NESTED: { v: "s3cr3t-value" } }),
      /NESTED holds an object/,
    ],
    ["a bad key", JSON.stringify({ "bad key": "s3cr3t-value" }), /"bad key".*not a valid/],
  ])("refuses %s without quoting the secret", async (_label, secretString, expected) => {
    fake.set(APP_ARN, { secretString });
    const env: NodeJS.ProcessEnv = { ZONKE_SECRET_ARNS: APP_ARN };
    const error = (await loader(env)
      .load()
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(expected);
    expect(error.message).toContain(APP_ARN);
    expect(error.message).not.toContain("s3cr3t-value");
  });

  it("refuses a binary secret", async () => {
    fake.set(APP_ARN, { binary: true });
    await expect(loader({ ZONKE_SECRET_ARNS: APP_ARN }).load()).rejects.toThrow(/no SecretString/);
  });

  it("refuses two secrets that define the same variable", async () => {
    fake.set(DB_ARN, { secretString: JSON.stringify({ API_KEY: "other" }) });
    await expect(loader({ ZONKE_SECRET_ARNS: `${APP_ARN},${DB_ARN}` }).load()).rejects.toThrow(
      /both define API_KEY; give one of them a prefix/,
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\!]/g, "\\$&");
}

/** A port with nothing listening: bound, then released. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
