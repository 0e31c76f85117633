import { clientTokenFor, jobSummary, NotAJobError, readJob } from "../src/job";
import { ARTIFACT_CREDENTIALS, jobEvent } from "./support/job-event";

test("reads the job id, account, UserParameters and continuation token", () => {
  const { id, event } = jobEvent({ kind: "lambda" }, { continuationToken: "arn:aws:ecs:x" });
  expect(readJob(event)).toEqual({
    id,
    accountId: "123456789012",
    userParameters: '{"kind":"lambda"}',
    continuationToken: "arn:aws:ecs:x",
  });
  expect(readJob(jobEvent(undefined).event)).toMatchObject({
    userParameters: undefined,
    continuationToken: undefined,
  });
});

test("the summary names the job and artifacts and redacts the credentials", () => {
  const { event } = jobEvent({ kind: "lambda" });
  const summary = jobSummary(event, readJob(event));
  expect(summary).toEqual({
    jobId: expect.any(String),
    accountId: "123456789012",
    continuationToken: null,
    inputArtifacts: ["BuildOutput"],
    artifactCredentials: "redacted",
  });
  const text = JSON.stringify(summary);
  for (const secret of Object.values(ARTIFACT_CREDENTIALS))
    expect(text).not.toContain(String(secret));
});

test("an event that is not a job is refused, naming its keys but never its values", () => {
  const event = { source: "aws.events", artifactCredentials: ARTIFACT_CREDENTIALS };
  expect(() => readJob(event)).toThrow(NotAJobError);
  expect(() => readJob(event)).toThrow(
    'the event is not a CodePipeline job (no "CodePipeline.job".id; event keys: "source", "artifactCredentials")',
  );
  expect(() => readJob(null)).toThrow(/event keys: object/);
  expect(() => readJob({ "CodePipeline.job": { id: "../../etc" } })).toThrow(NotAJobError);
});

test("the RunTask client token is the job id, or its hash when too long for ECS", () => {
  expect(clientTokenFor("c0d76431-b0e7-4a1b-97e3-e8ee786eb6f6")).toBe(
    "c0d76431-b0e7-4a1b-97e3-e8ee786eb6f6",
  );
  const long = "a".repeat(100);
  expect(clientTokenFor(long)).toMatch(/^[0-9a-f]{64}$/);
  expect(clientTokenFor(long)).toBe(clientTokenFor(long));
});
