/**
 * Init of the packaged function: secrets from Secrets Manager into the environment before
 * Next.js starts (the real SDK client, found on NODE_PATH as the nodejs22.x runtime provides it,
 * against a local Secrets Manager), the app's calls out (the Django API), and init failures that
 * say why.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { functionUrlEvent } from "./support/events";
import {
  startFakeDjangoApi,
  startFakeSecretsManager,
  type FakeService,
} from "./support/fake-services";
import { fixture } from "./support/fixture";
import { startNextServerInstance } from "./support/next-server-instance";
import { byTestId, listItems } from "./support/html";

const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dev/app-Ab12Cd";
const SECRET_VALUE = "sm-greeting-4f1d";

let secretsManager: FakeService;
let djangoApi: FakeService;

beforeAll(async () => {
  secretsManager = await startFakeSecretsManager({
    [SECRET_ARN]: { GREETING_SECRET: SECRET_VALUE, OTHER_KEY: "other" },
  });
  djangoApi = await startFakeDjangoApi([
    { id: 1, name: "Kettle" },
    { id: 2, name: "Teapot" },
  ]);
});

afterAll(async () => {
  await secretsManager?.close();
  await djangoApi?.close();
});

function awsEnvironment(): Record<string, string> {
  return {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDTEST",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
  };
}

it("loads secrets into the environment before Next.js starts, and never logs their values", async () => {
  const host = await startNextServerInstance("stream", {
    ...awsEnvironment(),
    ZONKE_SECRET_ARNS: SECRET_ARN,
    DJANGO_API_URL: djangoApi.url,
  });
  try {
    const secret = await host.http(functionUrlEvent({ path: "/secret" }));
    expect(byTestId(secret.text, "secret-status")).toBe("configured");
    expect(byTestId(secret.text, "greeting-secret")).toBe(SECRET_VALUE);
    expect(secretsManager.requests).toEqual([`secretsmanager.GetSecretValue ${SECRET_ARN}`]);

    const items = await host.http(functionUrlEvent({ path: "/items" }));
    expect(byTestId(items.text, "api-status")).toBe("ok");
    expect(listItems(items.text, "item-list")).toEqual(["Kettle", "Teapot"]);

    const ready = host.logs.map((line) => (line.startsWith("{") ? JSON.parse(line) : undefined));
    expect(ready).toContainEqual(
      expect.objectContaining({
        message: "next server ready",
        secrets: 1,
        secretVariables: ["GREETING_SECRET", "OTHER_KEY"],
      }),
    );
    expect(host.logs.join("\n")).not.toContain(SECRET_VALUE);
  } finally {
    await host.stop();
  }
});

it("leaves a variable the deployment set itself", async () => {
  const host = await startNextServerInstance("buffered", {
    ...awsEnvironment(),
    ZONKE_SECRET_ARNS: SECRET_ARN,
    GREETING_SECRET: "set-by-deployment",
  });
  try {
    const secret = await host.http(functionUrlEvent({ path: "/secret" }));
    expect(byTestId(secret.text, "greeting-secret")).toBe("set-by-deployment");
    const items = await host.http(functionUrlEvent({ path: "/items" }));
    expect(byTestId(items.text, "api-status")).toBe("not configured");
  } finally {
    await host.stop();
  }
});

it("fails the init, naming the secret and the cause, when a secret cannot be read", async () => {
  const missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dev/missing-Zz99Yy";
  const failure = await startNextServerInstance("stream", {
    ...awsEnvironment(),
    ZONKE_SECRET_ARNS: missing,
  }).catch((error: Error) => error);
  expect(failure).toBeInstanceOf(Error);
  const message = (failure as Error).message;
  expect(message).toMatch(
    new RegExp(
      `init failed: Secrets Manager secret ${missing.replace(/[$.*+?^(){}|[\]\\/]/g, "\\$&")} could not be read \\(ResourceNotFoundException`,
    ),
  );
  expect(message).toContain("deploy the stack that creates it");
  expect(message).toMatch(/"level":"error","message":"next server failed to start"/);
});

describe("the AWS SDK comes from the runtime, not the package", () => {
  it("is not in the package: an instance without the runtime's SDK serves when no secret is configured", async () => {
    const appRequire = createRequire(path.join(fixture().taskRoot, "index.mjs"));
    expect(() => appRequire.resolve("@aws-sdk/client-secrets-manager")).toThrow(
      /Cannot find module/,
    );
    expect(readFileSync(path.join(fixture().taskRoot, "index.mjs"), "utf8")).not.toContain(
      "GetSecretValueCommand=",
    );
    const host = await startNextServerInstance("buffered", {}, { withRuntimeSdk: false });
    try {
      const home = await host.http(functionUrlEvent({ path: "/" }));
      expect(home.statusCode).toBe(200);
    } finally {
      await host.stop();
    }
  });

  it("fails the init, saying the SDK is missing, when a secret is configured and the runtime has no SDK", async () => {
    const before = secretsManager.requests.length;
    const failure = await startNextServerInstance(
      "stream",
      { ...awsEnvironment(), ZONKE_SECRET_ARNS: SECRET_ARN },
      { withRuntimeSdk: false },
    ).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /init failed: Secrets are configured \(ZONKE_SECRET_ARNS\) but the AWS SDK for JavaScript v3 \(@aws-sdk\/client-secrets-manager\) cannot be loaded\. The Lambda Node\.js runtimes provide it in \/var\/runtime\/node_modules/,
    );
    expect(secretsManager.requests.length).toBe(before);
  });
});

it("fails the init on an unknown response mode", async () => {
  const failure = await startNextServerInstance("stream", {
    ZONKE_RESPONSE_MODE: "sideways",
  }).catch((error: Error) => error);
  expect((failure as Error).message).toMatch(
    /ZONKE_RESPONSE_MODE "sideways" is not allowed; use stream .* or buffered/,
  );
});
