// Django on Lambda: the real LambdaClient against a fake of the Invoke API that hands the manage
// event to a local Lambda instance (@zonke/lambda-local) running real `manage.py migrate` on a
// real Django project (SQLite), and the real report to a fake CodePipeline.
import {
  createDjangoProject,
  FAILURE_TEXT,
  LEAKED_PASSWORD,
  type DjangoProject,
} from "./support/django-project";
import { depsFor, destroyDeps } from "./support/deps";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import {
  functionAnswer,
  lambdaError,
  startFakeLambdaApi,
  type FakeLambdaApi,
  type Invoke,
} from "./support/fake-lambda-api";
import { captureOutput, type Captured } from "./support/capture";
import { jobEvent, lambdaContext } from "./support/job-event";
import { startManageFunction, type ManageFunction } from "./support/manage-function";
import { expectNoCredentials } from "./support/secrets";
import { runJob, REPORT_RESERVE_MS, type MigratorDeps } from "../src/run";

const FUNCTION = "shop-prod-django";
const PARAMETERS = { kind: "lambda", functionName: FUNCTION, qualifier: "42" };

let codepipeline: FakeCodePipeline;
let lambdaApi: FakeLambdaApi;
let route: Invoke;
let deps: MigratorDeps;
let output: Captured;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  codepipeline = await startFakeCodePipeline();
  lambdaApi = await startFakeLambdaApi((request) => route(request));
  deps = depsFor({ codepipeline: codepipeline.endpoint, lambda: lambdaApi.endpoint });
});
afterAll(async () => {
  destroyDeps(deps);
  await Promise.all([codepipeline.close(), lambdaApi.close()]);
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(async () => {
  output.restore();
  expectNoCredentials([...output.lines, ...codepipeline.calls.map((call) => call.raw)]);
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Publishes `project` as version 42 of the function: a local instance behind the fake API. */
async function deploy(project: DjangoProject): Promise<ManageFunction> {
  const fn = await startManageFunction(project);
  cleanups.push(
    () => project.remove(),
    () => fn.stop(),
  );
  route = async (request) => {
    if (request.functionName !== FUNCTION || request.qualifier !== "42") {
      return lambdaError(
        404,
        "ResourceNotFoundException",
        `Function not found: ${request.functionName}:${request.qualifier}`,
      );
    }
    const { result, functionError } = await fn.invoke(request.payload);
    return functionAnswer(result, functionError, "42");
  };
  return fn;
}

const logStep = (step: string) => output.json().filter((line) => line["step"] === step);

test("success: invokes version 42 with the manage event, reports Django's output", async () => {
  const project = createDjangoProject();
  const fn = await deploy(project);
  const { id, event } = jobEvent(PARAMETERS);
  const report = await runJob(event, lambdaContext(900_000), deps);

  expect(report).toEqual({ jobId: id, result: "succeeded", reported: true });
  expect(lambdaApi.requests.at(-1)).toEqual({
    functionName: FUNCTION,
    qualifier: "42",
    invocationType: "RequestResponse",
    authorization: expect.stringMatching(
      /^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/eu-west-1\/lambda\/aws4_request, /,
    ),
    payload: '{"zonke":"manage","command":"migrate","args":["--noinput"]}',
  });
  expect(fn.events).toEqual([{ zonke: "manage", command: "migrate", args: ["--noinput"] }]);
  const [call] = codepipeline.accepted(id);
  expect(call?.operation).toBe("PutJobSuccessResult");
  expect(call?.input).toEqual({
    jobId: id,
    executionDetails: {
      summary: expect.any(String),
      externalExecutionId: "8f5d1f7e-0000-4000-8000-000000000001",
      percentComplete: 100,
    },
  });
  const summary: string = call?.input["executionDetails"].summary;
  const [first, ...rest] = summary.split("\n");
  expect(first).toMatch(
    /^Migrated: manage\.py migrate --noinput exited 0 on shop-prod-django:42 in \d+\.\d s\.$/,
  );
  expect(rest).toEqual([
    "--- output ---",
    "Operations to perform:",
    "  Apply all migrations: shop",
    "Running migrations:",
    "  Applying shop.0001_initial... OK",
    "  Applying shop.0002_seed... OK",
  ]);
  expect(project.run(["showmigrations", "shop"]).output).toContain("[X] 0002_seed");
  expect(logStep("invoked")).toEqual([
    expect.objectContaining({
      level: "info",
      exitCode: 0,
      output: expect.stringContaining("Applying shop.0002_seed... OK"),
    }),
  ]);
  expect(logStep("reported")).toEqual([
    expect.objectContaining({ level: "info", jobId: id, result: "succeeded", reported: true }),
  ]);
});

test("a retried job runs migrate again: nothing to apply, and the closed job is not an error", async () => {
  const project = createDjangoProject();
  const fn = await deploy(project);
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(900_000), deps);
  const again = await runJob(event, lambdaContext(900_000), deps); // Lambda re-delivers the event
  expect(fn.events).toHaveLength(2);
  expect(again).toEqual({ jobId: id, result: "succeeded", reported: false });
  const calls = codepipeline.calls.filter((call) => call.input["jobId"] === id);
  expect(calls.map((call) => call.answer)).toEqual(["200", "InvalidJobStateException"]);
  expect(calls[1]?.input["executionDetails"].summary).toContain("No migrations to apply.");
  expect(logStep("reported").at(-1)).toMatchObject({
    level: "warn",
    reported: false,
    error: expect.stringMatching(/^InvalidJobStateException/),
  });
});

test("failure: a non-zero exit code fails the job with the traceback, passwords hidden", async () => {
  const project = createDjangoProject({ failing: true });
  await deploy(project);
  const { id, event } = jobEvent(PARAMETERS);
  const report = await runJob(event, lambdaContext(900_000), deps);

  expect(report).toEqual({ jobId: id, result: "failed", failureType: "JobFailed", reported: true });
  const [call] = codepipeline.accepted(id);
  expect(call?.operation).toBe("PutJobFailureResult");
  const details = call?.input["failureDetails"];
  expect(details.type).toBe("JobFailed");
  expect(details.externalExecutionId).toBe("8f5d1f7e-0000-4000-8000-000000000001");
  expect(details.message).toMatch(
    /^Migration failed: manage\.py migrate --noinput exited 1 on shop-prod-django:42\. The release stops here; the old version keeps serving\.\n--- output ---\nOperations to perform:/,
  );
  expect(details.message).toContain("Applying shop.0001_initial... OK");
  expect(details.message).toContain("Traceback (most recent call last):");
  expect(details.message.trimEnd().endsWith(FAILURE_TEXT)).toBe(true);
  expect(details.message).toContain("postgres://app:***@db.internal:5432/shop");
  expect(details.message).not.toContain(LEAKED_PASSWORD);
  expect(output.lines.join("\n")).not.toContain(LEAKED_PASSWORD);
  // Django rolled the failed migration back: it is still to apply.
  expect(project.run(["showmigrations", "shop"]).output).toContain("[ ] 0002_seed");
});

test("a long output is cut to CodePipeline's 5000 characters, keeping the end with the error", async () => {
  const project = createDjangoProject({ failing: true, noiseLines: 600 });
  await deploy(project);
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(900_000), deps);
  const message: string = codepipeline.accepted(id)[0]?.input["failureDetails"].message;
  expect(message.length).toBeLessThanOrEqual(5000);
  expect(message.length).toBeGreaterThan(4900);
  const label = /\n--- output: last (\d+) of (\d+) characters ---\n/.exec(message);
  expect(Number(label?.[2])).toBeGreaterThan(40_000);
  expect(message.startsWith("Migration failed: manage.py migrate --noinput exited 1")).toBe(true);
  expect(message.trimEnd().endsWith(FAILURE_TEXT)).toBe(true);
  expect(message).not.toContain("seeding row 00000"); // the start of the noise is what goes
  const logged: string = logStep("invoked")[0]?.["output"];
  expect(logged.length).toBe(8192);
  expect(logged.trimEnd().endsWith(FAILURE_TEXT)).toBe(true);
});

test("a function error (e.g. the runtime cannot import the app) fails with its type and message", async () => {
  route = () =>
    functionAnswer(
      {
        errorType: "Runtime.ImportModuleError",
        errorMessage:
          "Unable to import module 'zonke_runtime.handler': No module named 'site_config'",
        stackTrace: ['  File "/var/task/zonke_runtime/handler.py", line 3'],
      },
      "Unhandled",
    );
  const { id, event } = jobEvent(PARAMETERS);
  expect(await runJob(event, lambdaContext(900_000), deps)).toMatchObject({
    result: "failed",
    failureType: "JobFailed",
  });
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].message).toBe(
    "The migration on shop-prod-django:42 failed: the function raised Runtime.ImportModuleError (FunctionError Unhandled) instead of answering with the command's exit code.\n" +
      "--- output ---\nUnable to import module 'zonke_runtime.handler': No module named 'site_config'\n" +
      '  File "/var/task/zonke_runtime/handler.py", line 3',
  );
});

test("the function's own timeout is named as such", async () => {
  route = () =>
    functionAnswer(
      { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 300.00 seconds" },
      "Unhandled",
    );
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(900_000), deps);
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].message).toMatch(
    /^The migration on shop-prod-django:42 ran into the Django function's own timeout\. Raise the function's timeout/,
  );
});

test("an answer that is not a manage result is a configuration error and is not quoted", async () => {
  route = () => functionAnswer({ statusCode: 200, body: "private app data" });
  const { id, event } = jobEvent(PARAMETERS);
  expect(await runJob(event, lambdaContext(900_000), deps)).toMatchObject({
    failureType: "ConfigurationError",
  });
  const message: string = codepipeline.accepted(id)[0]?.input["failureDetails"].message;
  expect(message).toMatch(
    /^shop-prod-django:42 did not answer the manage event with a manage result \(it answered a JSON object with keys "statusCode", "body"\): its runtime must handle/,
  );
  expect(message).not.toContain("private app data");
});

test("near the migrator's timeout: the invoke is given up and the failure reported in time", async () => {
  route = () => undefined; // the function never answers
  const { id, event } = jobEvent(PARAMETERS);
  const context = lambdaContext(REPORT_RESERVE_MS + 1500);
  const started = Date.now();
  const report = await runJob(event, context, deps);
  const elapsed = Date.now() - started;
  expect(report).toMatchObject({ result: "failed", failureType: "JobFailed", reported: true });
  expect(elapsed).toBeGreaterThanOrEqual(1400);
  expect(elapsed).toBeLessThan(4000);
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(REPORT_RESERVE_MS - 2500); // time left to report
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].message).toMatch(
    /^The migration on shop-prod-django:42 did not finish within 1\.5 s, the time the migrator had left before its own timeout \(less the time kept to report\)\. The invocation may still be running on the function: its log shows whether migrate finished\. Give the migrator a longer timeout than the Django function's/,
  );
});

test("a migrator started with too little time reports at once, without invoking", async () => {
  const before = lambdaApi.requests.length;
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(REPORT_RESERVE_MS + 500), deps);
  expect(lambdaApi.requests.length).toBe(before);
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"]).toEqual({
    type: "ConfigurationError",
    message: expect.stringMatching(
      /^The migrator started with \d+ ms before its timeout, less than the 11000 ms it needs \(it keeps 10000 ms to report\): raise its timeout/,
    ),
  });
});

test.each([
  [
    lambdaError(
      404,
      "ResourceNotFoundException",
      "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:shop-prod-django:42",
    ),
    "ConfigurationError",
    /^Invoking shop-prod-django:42 failed: ResourceNotFoundException: Function not found: .*\. Is 42 a published version of shop-prod-django\?$/,
  ],
  [
    lambdaError(
      403,
      "AccessDeniedException",
      "User is not authorized to perform: lambda:InvokeFunction",
    ),
    "PermissionError",
    /^Invoking shop-prod-django:42 failed: AccessDeniedException: User is not authorized .*\. The migrator's role needs lambda:InvokeFunction on shop-prod-django:\*$/,
  ],
  [
    lambdaError(429, "TooManyRequestsException", "Rate Exceeded."),
    "JobFailed",
    /^Invoking shop-prod-django:42 failed: TooManyRequestsException: Rate Exceeded\.\. The function's concurrency is used up/,
  ],
])("an Invoke error is reported by type (%#), sent once", async (reply, type, message) => {
  route = () => reply;
  const before = lambdaApi.requests.length;
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(900_000), deps);
  expect(lambdaApi.requests.length - before).toBe(1);
  const details = codepipeline.accepted(id)[0]?.input["failureDetails"];
  expect(details.type).toBe(type);
  expect(details.message).toMatch(message);
});

test("a continuation token on a lambda job is refused without invoking", async () => {
  const before = lambdaApi.requests.length;
  const { id, event } = jobEvent(PARAMETERS, { continuationToken: "something" });
  await runJob(event, lambdaContext(900_000), deps);
  expect(lambdaApi.requests.length).toBe(before);
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].type).toBe("ConfigurationError");
});

test("near the timeout while reporting: a report CodePipeline does not answer is given up before the function's end, and the invocation fails so that Lambda delivers the event again", async () => {
  route = () =>
    functionAnswer({ zonke: "manage", exitCode: 0, output: "No migrations to apply.\n" });
  const short = depsFor({
    codepipeline: codepipeline.endpoint,
    lambda: lambdaApi.endpoint,
    reportReserveMs: 1000,
  });
  cleanups.push(() => destroyDeps(short));
  codepipeline.holdNext(10);
  const { id, event } = jobEvent(PARAMETERS);
  const context = lambdaContext(2500);
  const started = Date.now();
  await expect(runJob(event, context, short)).rejects.toThrow(
    new RegExp(`^could not report job ${id} \\(succeeded\\) to CodePipeline: AbortError: `),
  );
  const elapsed = Date.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(1900); // it waited for CodePipeline ...
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(300); // ... and gave up in time
  expect(logStep("report")).toEqual([
    expect.objectContaining({ level: "error", jobId: id, result: "succeeded" }),
  ]);
  codepipeline.holdNext(0);
  expect(await runJob(event, lambdaContext(900_000), deps)).toEqual({
    jobId: id,
    result: "succeeded",
    reported: true,
  });
});
