// The Lambda entry as the runtime loads it: clients from the environment (endpoints from
// AWS_ENDPOINT_URL_<SERVICE>, credentials from the default chain), one job per invocation, every
// job reported, nothing secret in the logs.
import type { Context } from "aws-lambda";
import { captureOutput, type Captured } from "./support/capture";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { functionAnswer, startFakeLambdaApi, type FakeLambdaApi } from "./support/fake-lambda-api";
import { ARTIFACT_CREDENTIALS, jobEvent } from "./support/job-event";
import { expectNoCredentials } from "./support/secrets";

type HandlerModule = typeof import("../src/handler");

let codepipeline: FakeCodePipeline;
let lambdaApi: FakeLambdaApi;
let output: Captured;
const savedEnv = { ...process.env };

beforeAll(async () => {
  codepipeline = await startFakeCodePipeline();
  lambdaApi = await startFakeLambdaApi(() =>
    functionAnswer({
      zonke: "manage",
      exitCode: 0,
      output: "Operations to perform:\n  No migrations to apply.\n",
    }),
  );
});
afterAll(async () => {
  await Promise.all([codepipeline.close(), lambdaApi.close()]);
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  process.env = { ...savedEnv };
  expectNoCredentials([...output.lines, ...codepipeline.calls.map((call) => call.raw)]);
});

/** Loads src/handler.ts afresh with this environment, as Lambda initialises the function. */
function loadHandler(env: Record<string, string> = {}): HandlerModule {
  process.env = {
    ...savedEnv,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDFAKE",
    AWS_SECRET_ACCESS_KEY: "fake-secret",
    AWS_ENDPOINT_URL_LAMBDA: lambdaApi.endpoint,
    AWS_ENDPOINT_URL_ECS: "http://127.0.0.1:9",
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
    ...env,
  };
  let module: HandlerModule | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    module = require("../src/handler");
  });
  return module as HandlerModule;
}

const context = (remainingMs = 900_000) =>
  ({ getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
const failureOf = (jobId: string) => codepipeline.accepted(jobId)[0]?.input["failureDetails"];

test("a lambda job: invoked, reported as a success, one JSON log line per step", async () => {
  const { handler } = loadHandler();
  const { id, event } = jobEvent({
    kind: "lambda",
    functionName: "shop-prod-django",
    qualifier: "42",
  });
  expect(await handler(event, context())).toEqual({
    jobId: id,
    result: "succeeded",
    reported: true,
  });
  expect(codepipeline.accepted(id)[0]?.operation).toBe("PutJobSuccessResult");
  const logs = output.json();
  expect(logs.map((line) => line["step"])).toEqual([
    "job",
    "target",
    "invoke",
    "invoked",
    "reported",
  ]);
  expect(logs[0]).toEqual({
    level: "info",
    step: "job",
    jobId: id,
    accountId: "123456789012",
    continuationToken: null,
    inputArtifacts: ["BuildOutput"],
    artifactCredentials: "redacted",
    remainingMs: 900_000,
  });
  // Nothing but JSON lines (apart from the SDK's warning about Node 20, which Lambda's 22 does not print).
  const other = output.lines.filter(
    (line) => !line.startsWith("{") && !line.includes("NodeVersionSupportWarning"),
  );
  expect(other).toEqual([]);
});

test.each([
  [undefined, /^UserParameters is not set: /],
  ["{not json", /^UserParameters is not valid JSON \(/],
  [
    { kind: "lambda", functionName: "shop-prod-django", qualifier: "live" },
    /^UserParameters\.qualifier is "live"/,
  ],
  [{ kind: "ecs", cluster: "shop-prod" }, /^UserParameters\.taskDefinition is undefined/],
])(
  "malformed UserParameters %j: a ConfigurationError is reported, nothing is run",
  async (parameters, message) => {
    const { handler } = loadHandler();
    const invokes = lambdaApi.requests.length;
    const { id, event } = jobEvent(parameters);
    expect(await handler(event, context())).toEqual({
      jobId: id,
      result: "failed",
      failureType: "ConfigurationError",
      reported: true,
    });
    expect(failureOf(id)).toEqual({
      type: "ConfigurationError",
      message: expect.stringMatching(message),
    });
    expect(lambdaApi.requests.length).toBe(invokes);
  },
);

test("a bad MIGRATOR_POLL_INTERVAL_MS does not fail the init: each job is reported failed with it", async () => {
  const { handler } = loadHandler({ MIGRATOR_POLL_INTERVAL_MS: "5s" });
  const { id, event } = jobEvent({
    kind: "lambda",
    functionName: "shop-prod-django",
    qualifier: "42",
  });
  await handler(event, context());
  expect(failureOf(id)).toEqual({
    type: "ConfigurationError",
    message:
      'The migrator\'s MIGRATOR_POLL_INTERVAL_MS is "5s": use a whole number of milliseconds from 10 to 60000 (default 5000).',
  });
});

test("an SDK error (ECS unreachable) is reported as the job's failure", async () => {
  const { handler } = loadHandler();
  const { id, event } = jobEvent({
    kind: "ecs",
    cluster: "shop-prod",
    taskDefinition: "shop-prod-api:7",
    container: "web",
    subnets: ["subnet-0123456789abcdef0"],
    securityGroups: ["sg-0123456789abcdef0"],
  });
  expect(await handler(event, context())).toMatchObject({
    result: "failed",
    failureType: "JobFailed",
  });
  expect(failureOf(id)?.message).toMatch(
    /^Starting the migration task \(RunTask shop-prod-api:7 on cluster shop-prod\) failed: \w+: .*ECONNREFUSED/,
  );
});

test("an event that is not a job is refused (nothing to report to), credentials not echoed", async () => {
  const { handler } = loadHandler();
  const calls = codepipeline.calls.length;
  const event = {
    artifactCredentials: ARTIFACT_CREDENTIALS,
    detail: { secret: ARTIFACT_CREDENTIALS.secretAccessKey },
  };
  const error = await handler(event, context()).catch((thrown: Error) => thrown);
  expect(error).toMatchObject({ name: "NotAJobError" });
  expectNoCredentials([String((error as Error).message)]);
  expect(codepipeline.calls.length).toBe(calls);
  expect(output.json()).toEqual([
    {
      level: "error",
      step: "job",
      error: expect.stringMatching(/^NotAJobError: the event is not a CodePipeline job/),
    },
  ]);
});

test("when CodePipeline cannot be told, the invocation fails so that Lambda delivers the event again", async () => {
  const { handler } = loadHandler();
  codepipeline.failNext(3, 503, "ServiceUnavailableException", "try later");
  const { id, event } = jobEvent({
    kind: "lambda",
    functionName: "shop-prod-django",
    qualifier: "42",
  });
  await expect(handler(event, context())).rejects.toThrow(
    `could not report job ${id} (succeeded) to CodePipeline: ServiceUnavailableException: try later`,
  );
  expect(output.json().at(-1)).toEqual({
    level: "error",
    step: "report",
    jobId: id,
    result: "succeeded",
    error: "ServiceUnavailableException: try later",
  });
  // The re-delivered event runs migrate again (idempotent) and gets through.
  expect(await handler(event, context())).toMatchObject({ result: "succeeded", reported: true });
});

test("credentials from the event appear in no log line and no report, whatever the path", async () => {
  const { handler } = loadHandler();
  const events = [
    jobEvent({ kind: "lambda", functionName: "shop-prod-django", qualifier: "42" }).event,
    jobEvent("{bad").event,
    jobEvent(
      { kind: "lambda", functionName: "shop-prod-django", qualifier: "42" },
      { continuationToken: "x" },
    ).event,
  ];
  for (const event of events) await handler(event, context());
  expect(output.lines.length).toBeGreaterThan(8);
  expect(output.lines.join("\n")).toContain('"artifactCredentials":"redacted"');
  // expectNoCredentials runs after each test over every captured line and report body.
});
