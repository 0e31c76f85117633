// The CodePipeline client as the migrator makes it (src/clients.ts), against a fake of the job
// result API that checks the wire protocol and the SigV4 signature.
import { randomUUID } from "node:crypto";
import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClient,
} from "@aws-sdk/client-codepipeline";
import { createMigratorCodePipelineClient } from "../src/clients";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { fakeClientConfig } from "./support/http-fake";

let api: FakeCodePipeline;
const clients: CodePipelineClient[] = [];
const savedEnv = { ...process.env };

beforeEach(async () => {
  api = await startFakeCodePipeline();
});
afterEach(async () => {
  process.env = { ...savedEnv };
  clients.splice(0).forEach((client) => client.destroy());
  await api.close();
});

const client = (
  options: { credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
  endpoint = api.endpoint,
) => {
  const made = createMigratorCodePipelineClient({ ...fakeClientConfig(endpoint), ...options });
  clients.push(made);
  return made;
};
const succeed = (jobId: string, target = client()) =>
  target.send(new PutJobSuccessResultCommand({ jobId }));

test("PutJobSuccessResult with a continuation token: signed JSON 1.1, the SDK's input shape", async () => {
  const jobId = randomUUID();
  await client().send(
    new PutJobSuccessResultCommand({
      jobId,
      continuationToken: "arn:aws:ecs:eu-west-1:123456789012:task/shop/abc",
      executionDetails: { summary: "running", externalExecutionId: "arn:aws:ecs:task/shop/abc" },
    }),
  );
  expect(api.calls).toEqual([
    {
      operation: "PutJobSuccessResult",
      answer: "200",
      raw: expect.any(String),
      input: {
        jobId,
        continuationToken: "arn:aws:ecs:eu-west-1:123456789012:task/shop/abc",
        executionDetails: { summary: "running", externalExecutionId: "arn:aws:ecs:task/shop/abc" },
      },
    },
  ]);
});

test("PutJobFailureResult carries the failure details", async () => {
  const jobId = randomUUID();
  await client().send(
    new PutJobFailureResultCommand({
      jobId,
      failureDetails: { type: "ConfigurationError", message: "UserParameters is not set" },
    }),
  );
  expect(api.accepted(jobId)[0]?.input).toEqual({
    jobId,
    failureDetails: { type: "ConfigurationError", message: "UserParameters is not set" },
  });
});

test("a wrong signature is refused by the fake (the check can fail), and not retried", async () => {
  const wrong = client({ credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "other" } });
  await expect(succeed(randomUUID(), wrong)).rejects.toMatchObject({
    name: "InvalidSignatureException",
    $metadata: { httpStatusCode: 403 },
  });
  const stranger = client({ credentials: { accessKeyId: "AKIDOTHER", secretAccessKey: "x" } });
  await expect(succeed(randomUUID(), stranger)).rejects.toMatchObject({
    name: "InvalidSignatureException",
    message: "unknown access key AKIDOTHER",
  });
  expect(api.calls).toEqual([]);
});

test("a 5xx is retried and the third attempt gets through; three throttles are thrown", async () => {
  api.failNext(2, 500, "InternalFailure");
  await succeed(randomUUID());
  expect(api.calls.map((call) => call.answer)).toEqual([
    "InternalFailure",
    "InternalFailure",
    "200",
  ]);
  api.failNext(3, 400, "ThrottlingException");
  await expect(succeed(randomUUID())).rejects.toMatchObject({
    name: "ThrottlingException",
    $metadata: { attempts: 3 },
  });
});

test("CodePipeline's errors surface by name; a second result for a job is InvalidJobStateException", async () => {
  const jobId = randomUUID();
  await succeed(jobId);
  await expect(succeed(jobId)).rejects.toMatchObject({
    name: "InvalidJobStateException",
    message: `Job ${jobId} is not in the InProgress state`,
  });
  // Not retried: a client error is final.
  expect(api.calls.filter((call) => call.input["jobId"] === jobId)).toHaveLength(2);
  await expect(
    client().send(
      new PutJobFailureResultCommand({
        jobId: randomUUID(),
        failureDetails: { type: "JobFailed", message: "x".repeat(5001) },
      }),
    ),
  ).rejects.toMatchObject({ name: "ValidationException" });
});

test("a network error is retried, then thrown", async () => {
  // Under jest, Node's errors come from another realm and the SDK wraps them ("AWS SDK error
  // wrapper for Error: connect ECONNREFUSED ..."); on Lambda it throws them as they are.
  await expect(succeed(randomUUID(), client({}, "http://127.0.0.1:9"))).rejects.toMatchObject({
    message: expect.stringContaining("ECONNREFUSED"),
    $metadata: { attempts: 3 },
  });
});

test("a CodePipeline that never answers is given up on the abort signal", async () => {
  api.holdNext(10);
  const started = Date.now();
  await expect(
    client().send(new PutJobSuccessResultCommand({ jobId: randomUUID() }), {
      abortSignal: AbortSignal.timeout(300),
    }),
  ).rejects.toMatchObject({ name: "AbortError" });
  expect(Date.now() - started).toBeLessThan(2000);
});

test("the endpoint comes from AWS_ENDPOINT_URL_CODEPIPELINE, then AWS_ENDPOINT_URL", async () => {
  const other = await startFakeCodePipeline();
  try {
    const fromEnv = () => {
      const { region, credentials } = fakeClientConfig("");
      const made = createMigratorCodePipelineClient({ region, credentials });
      clients.push(made);
      return made;
    };
    process.env["AWS_ENDPOINT_URL"] = other.endpoint;
    process.env["AWS_ENDPOINT_URL_CODEPIPELINE"] = api.endpoint;
    const specific = randomUUID();
    await succeed(specific, fromEnv());
    delete process.env["AWS_ENDPOINT_URL_CODEPIPELINE"];
    const general = randomUUID();
    await succeed(general, fromEnv());
    expect([api.accepted(specific).length, other.accepted(specific).length]).toEqual([1, 0]);
    expect([api.accepted(general).length, other.accepted(general).length]).toEqual([0, 1]);
  } finally {
    await other.close();
  }
});
