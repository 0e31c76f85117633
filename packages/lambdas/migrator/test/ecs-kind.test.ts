// Django on ECS: the real ECSClient against a fake of RunTask/DescribeTasks/DescribeTaskDefinition
// that runs the container's command for real through the app image's entry point (`zonke-runtime
// migrate` runs `manage.py migrate --noinput` on a real Django project) and ships what it prints
// to a fake CloudWatch Logs (awslogs), the real CloudWatchLogsClient reading the end of it back,
// and the real report to a fake CodePipeline. The request shapes are also checked against moto in
// ecs-moto.test.ts.
import { runAppImage } from "./support/app-image";
import {
  createDjangoProject,
  FAILURE_TEXT,
  LEAKED_PASSWORD,
  type DjangoProject,
} from "./support/django-project";
import { depsFor, destroyDeps } from "./support/deps";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { startFakeEcs, type FakeEcs } from "./support/fake-ecs-api";
import { startFakeLogs, type FakeLogs } from "./support/fake-logs-api";
import { captureOutput, type Captured } from "./support/capture";
import { jobEvent, lambdaContext } from "./support/job-event";
import { expectNoCredentials } from "./support/secrets";
import { REPORT_RESERVE_MS, runJob, type MigratorDeps } from "../src/run";
import { LOG_PAGE_EVENTS, MAX_LOG_PAGES } from "../src/task-output";
import { MAX_FAILURE_MESSAGE, redactUrlCredentials } from "../src/text";

const PARAMETERS = {
  kind: "ecs",
  cluster: "shop-prod",
  taskDefinition: "shop-prod-api:7",
  container: "web",
  subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroups: ["sg-0123456789abcdef0"],
};
const WITH_LOGS = { ...PARAMETERS, logGroup: "/ecs/shop-prod-api", logStreamPrefix: "django" };
/** The awslogs configuration of shop-prod-api:7's Django container. */
const LOG_GROUP = "/ecs/shop-prod-api";
const AWSLOGS = {
  logDriver: "awslogs",
  options: {
    "awslogs-group": LOG_GROUP,
    "awslogs-region": "eu-west-1",
    "awslogs-stream-prefix": "django",
  },
};
/** Enough time to report, and about a second to watch the task: then it is handed over. */
const SHORT = REPORT_RESERVE_MS + 1200;
const LONG = 900_000;

let codepipeline: FakeCodePipeline;
let ecs: FakeEcs;
let logs: FakeLogs;
let deps: MigratorDeps;
let project: DjangoProject;
let output: Captured;

beforeAll(async () => {
  codepipeline = await startFakeCodePipeline();
  logs = await startFakeLogs();
  logs.createLogGroup(LOG_GROUP);
  const definition = {
    family: "shop-prod-api",
    containers: ["web", "log-router"],
    command: ["web"],
  };
  ecs = await startFakeEcs({
    clusters: ["shop-prod"],
    taskDefinitions: [
      { ...definition, revision: 7, logConfiguration: AWSLOGS },
      {
        ...definition,
        revision: 9,
        logConfiguration: { logDriver: "awsfirelens", options: { Name: "datadog" } },
      },
      { ...definition, revision: 10 },
      {
        ...definition,
        revision: 12,
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": LOG_GROUP } },
      },
      {
        ...definition,
        revision: 11,
        logConfiguration: {
          ...AWSLOGS,
          options: { ...AWSLOGS.options, "awslogs-region": "us-east-1" },
        },
      },
    ],
    run: (command) => runAppImage(command, project.dir),
    logs,
  });
  deps = depsFor({
    codepipeline: codepipeline.endpoint,
    ecs: ecs.endpoint,
    logs: logs.endpoint,
    pollIntervalMs: 20,
  });
});
afterAll(async () => {
  destroyDeps(deps);
  await Promise.all([codepipeline.close(), ecs.close(), logs.close()]);
});
beforeEach(() => {
  project = createDjangoProject();
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  ecs.release();
  logs.allow();
  project.remove();
  expectNoCredentials([...output.lines, ...codepipeline.calls.map((call) => call.raw)]);
});

const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};
const idOf = (arn: string) => arn.split("/").pop() as string;
/** The message's sentence for the task's stream of shop-prod-api:7, with its console link. */
const streamOf = (id: string) =>
  `CloudWatch Logs, group /ecs/shop-prod-api, stream django/web/${id}: ` +
  `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api/log-events/django$252Fweb$252F${id}`;
/** What the message quotes of a task's output: passwords hidden, trailing blank lines dropped. */
const quoted = (output: string) => redactUrlCredentials(output).trimEnd();
/** The failing project's task: migrates on shop-prod-api:<revision> and exits 1. */
async function failingRun(revision = 7, noiseLines = 0) {
  project.remove();
  project = createDjangoProject({ failing: true, noiseLines });
  const { id, event } = jobEvent({ ...PARAMETERS, taskDefinition: `shop-prod-api:${revision}` });
  const requestsBefore = logs.requests.length;
  const report = await runJob(event, lambdaContext(LONG), deps);
  const task = ecs.tasks.at(-1)!;
  return {
    report,
    task,
    taskId: idOf(task.taskArn),
    details: only(codepipeline.accepted(id)).input["failureDetails"],
    logRequests: logs.requests.slice(requestsBefore),
  };
}
/** The head of the failing project's message, up to the sentence about its output. */
const failedHead = (taskId: string, revision = 7) =>
  `Migration failed: \`migrate\` exited 1 in ECS task ${taskId} (shop-prod-api:${revision}) on cluster shop-prod. ` +
  `Task stopped: EssentialContainerExited: Essential container in task exited. The release stops here; the old version keeps serving.\n`;

test("first call starts the task and hands it over; the next call (continuation token) reports success", async () => {
  ecs.hold(); // the task stays PROVISIONING through the first call
  const first = jobEvent(WITH_LOGS);
  const tasksBefore = ecs.tasks.length;
  const handedOver = await runJob(first.event, lambdaContext(SHORT), deps);

  const task = ecs.tasks.at(-1)!;
  expect(ecs.tasks.length - tasksBefore).toBe(1);
  expect(handedOver).toEqual({
    jobId: first.id,
    result: "in-progress",
    continuationToken: task.taskArn,
    reported: true,
  });
  expect(ecs.runTaskRequests.at(-1)).toEqual({
    cluster: "shop-prod",
    taskDefinition: "shop-prod-api:7",
    count: 1,
    launchType: "FARGATE",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        securityGroups: ["sg-0123456789abcdef0"],
        assignPublicIp: "DISABLED",
      },
    },
    overrides: { containerOverrides: [{ name: "web", command: ["migrate"] }] },
    startedBy: "zonke-migrator",
    clientToken: first.id,
  });
  expect(only(codepipeline.accepted(first.id)).input).toEqual({
    jobId: first.id,
    continuationToken: task.taskArn,
    executionDetails: {
      summary: `Migration task ${idOf(task.taskArn)} is PROVISIONING on cluster shop-prod; CodePipeline calls the migrator again to check it.`,
      externalExecutionId: task.taskArn,
    },
  });

  ecs.release();
  const second = jobEvent(WITH_LOGS, { continuationToken: task.taskArn });
  const runsBefore = ecs.runTaskRequests.length;
  expect(await runJob(second.event, lambdaContext(LONG), deps)).toEqual({
    jobId: second.id,
    result: "succeeded",
    reported: true,
  });
  expect(ecs.runTaskRequests.length).toBe(runsBefore); // no second task
  const id = idOf(task.taskArn);
  expect(only(codepipeline.accepted(second.id)).input).toEqual({
    jobId: second.id,
    executionDetails: {
      summary:
        `Migrated: \`migrate\` exited 0 in ECS task ${id} (shop-prod-api:7) on cluster shop-prod. ` +
        `Its output is in CloudWatch Logs, group /ecs/shop-prod-api, stream django/web/${id}: ` +
        `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api/log-events/django$252Fweb$252F${id}`,
      externalExecutionId: task.taskArn,
      percentComplete: 100,
    },
  });
  expect(task.output).toContain("Applying shop.0002_seed... OK");
  expect(project.run(["showmigrations", "shop"]).output).toContain("[X] 0002_seed");
  const steps = output.json().map((line) => line["step"]);
  expect(steps).toEqual(
    expect.arrayContaining([
      "job",
      "target",
      "task-started",
      "task-handover",
      "task-resume",
      "task-stopped",
      "task-output",
      "reported",
    ]),
  );
  // The log has a short summary of the output; the job's summary does not quote it.
  expect(output.json().find((line) => line["step"] === "task-output")).toEqual({
    level: "info",
    step: "task-output",
    taskArn: task.taskArn,
    logGroup: LOG_GROUP,
    logStream: `django/web/${id}`,
    partial: false,
    applied: 2,
    migrations: ["shop.0001_initial", "shop.0002_seed"],
    lastLine: "Applying shop.0002_seed... OK",
  });
});

test("failure: the exit code fails the job, and the message quotes the output from CloudWatch Logs", async () => {
  const { report, task, taskId, details, logRequests } = await failingRun();
  expect(report).toEqual({
    jobId: expect.any(String),
    result: "failed",
    failureType: "JobFailed",
    reported: true,
  });
  expect(task.output.trimEnd().endsWith(FAILURE_TEXT)).toBe(true);
  expect(task.output).toContain(LEAKED_PASSWORD);
  expect(details).toEqual({
    type: "JobFailed",
    message:
      `${failedHead(taskId)}Its output is in ${streamOf(taskId)}\n` +
      `--- output ---\n${quoted(task.output)}`,
    externalExecutionId: task.taskArn,
  });
  expect(details.message).toContain("postgres://app:***@db.internal");
  expect(details.message).not.toContain(LEAKED_PASSWORD);
  // The whole (short) log was read from its end: one page, then the token back at its start.
  expect(logRequests).toEqual([
    {
      logGroupName: "/ecs/shop-prod-api",
      logStreamName: `django/web/${taskId}`,
      startFromHead: false,
      limit: LOG_PAGE_EVENTS,
    },
    expect.objectContaining({ nextToken: "b/0", startFromHead: false }),
  ]);
  const logged = output.json().find((line) => line["step"] === "task-output");
  expect(logged).toMatchObject({
    level: "warn",
    logGroup: "/ecs/shop-prod-api",
    logStream: `django/web/${taskId}`,
    partial: false,
  });
  expect(logged?.["output"].endsWith(FAILURE_TEXT)).toBe(true);
  expect(JSON.stringify(output.json())).not.toContain(LEAKED_PASSWORD);
});

test("a long output is cut to the message's limit, keeping its end (the traceback)", async () => {
  // About 6 KB of output: read whole (under 8 KB), quoted from its end.
  const medium = await failingRun(7, 60);
  const whole = quoted(medium.task.output);
  expect(medium.details.message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
  expect(medium.details.message.length).toBeGreaterThan(MAX_FAILURE_MESSAGE - 20);
  const head = `${failedHead(medium.taskId)}Its output is in ${streamOf(medium.taskId)}\n`;
  expect(medium.details.message.startsWith(`${head}--- output: last `)).toBe(true);
  const [, kept, total] = /--- output: last (\d+) of (\d+) characters ---\n/.exec(
    medium.details.message,
  )!;
  expect(Number(total)).toBe(whole.length);
  expect(medium.details.message.endsWith(`---\n${whole.slice(-Number(kept))}`)).toBe(true);
  expect(medium.details.message.endsWith(FAILURE_TEXT)).toBe(true);

  // About 32 KB: only the end is read (a bounded number of pages), so the total is not known.
  const long = await failingRun(7, 400);
  expect(long.task.output.length).toBeGreaterThan(30_000);
  const message = long.details.message as string;
  expect(message.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
  expect(message.length).toBeGreaterThan(MAX_FAILURE_MESSAGE - 20);
  const cut = /\n--- output: last (\d+) characters \(earlier output not read\) ---\n/.exec(message);
  expect(cut).not.toBeNull();
  expect(message.endsWith(quoted(long.task.output).slice(-Number(cut![1])))).toBe(true);
  expect(message.endsWith(FAILURE_TEXT)).toBe(true);
  expect(message).not.toContain("seeding row 00000"); // the start of the output is what goes
  expect(message).not.toContain(LEAKED_PASSWORD);
  // Newest page first, each the one before the last, and far fewer than the log's 400+ lines.
  expect(long.logRequests.length).toBeGreaterThan(1);
  expect(long.logRequests.length).toBeLessThanOrEqual(MAX_LOG_PAGES);
  expect(long.logRequests.map((request) => request["nextToken"])).toEqual(
    long.logRequests.map((_, page) =>
      page === 0
        ? undefined
        : `b/${logs.stream(LOG_GROUP, `django/web/${long.taskId}`)!.length - page * LOG_PAGE_EVENTS}`,
    ),
  );
});

test.each([
  [
    "AccessDeniedException, as CloudWatch Logs answers a role without logs:GetLogEvents",
    400,
    "AccessDeniedException",
    "User: arn:aws:sts::123456789012:assumed-role/shop-prod-migrator/shop-prod-migrator is not authorized to perform: logs:GetLogEvents",
    (taskId: string) =>
      `Its output could not be read (AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/shop-prod-migrator/shop-prod-migrator ` +
      `is not authorized to perform: logs:GetLogEvents): the migrator's role needs logs:GetLogEvents on log group /ecs/shop-prod-api. ` +
      `Look in ${streamOf(taskId)}`,
  ],
  [
    "a bare 403 without an error type (a proxy, a policy outside the role)",
    403,
    undefined,
    "Forbidden",
    (taskId: string) =>
      `Its output could not be read (CloudWatch Logs answered HTTP 403, which is not an AWS error: ` +
      `SyntaxError: Unexpected token 'F', "Forbidden" is not valid JSON). Look in ${streamOf(taskId)}`,
  ],
])(
  "logs that cannot be read (%s) still fail the job with the exit code, and say so",
  async (_case, status, type, message, sentence) => {
    logs.refuse(status, type, message);
    const { report, taskId, details } = await failingRun();
    expect(report).toMatchObject({ result: "failed", failureType: "JobFailed", reported: true });
    const [head, note, ...rest] = (details.message as string).split("\n");
    expect(`${head}\n`).toBe(failedHead(taskId));
    expect(note).toEqual(sentence(taskId));
    expect(rest).toEqual([]); // nothing quoted
  },
);

test.each([
  [
    "an awsfirelens container",
    9,
    "The container web logs with the awsfirelens driver, not awslogs, so the migrator cannot quote its output: look for task <id> where that driver sends it.",
  ],
  [
    "a container without logConfiguration",
    10,
    "The container web has no logConfiguration in task definition shop-prod-api:10, so its output was not kept: give it the awslogs log driver to see the output here.",
  ],
  [
    "an awslogs container logging to another region",
    11,
    "Its output is in region us-east-1 (the migrator reads logs only in its own region, eu-west-1), CloudWatch Logs, group /ecs/shop-prod-api, stream django/web/<id>: " +
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api/log-events/django$252Fweb$252F<id>",
  ],
])("%s: the failure says why the output is not quoted", async (_case, revision, sentence) => {
  const { taskId, details, logRequests } = await failingRun(revision);
  expect(details.message).toBe(
    `${failedHead(taskId, revision)}${sentence.replaceAll("<id>", taskId)}`,
  );
  expect(logRequests).toEqual([]);
});

test("a container that printed nothing: the failure says its log is empty", async () => {
  const { id, event } = jobEvent({
    ...PARAMETERS,
    command: ["manage", "shell", "-v", "0", "-c", "import sys; sys.exit(3)"],
  });
  await runJob(event, lambdaContext(LONG), deps);
  const task = ecs.tasks.at(-1)!;
  const taskId = idOf(task.taskArn);
  expect(task.output).toBe("");
  expect(logs.stream(LOG_GROUP, `django/web/${taskId}`)).toEqual([]); // made, never written
  const [head, ...rest] = only(codepipeline.accepted(id)).input["failureDetails"].message.split(
    "\n",
  );
  expect(head).toMatch(
    /^Migration failed: `manage shell -v 0 -c import sys; sys\.exit\(3\)` exited 3 in /,
  );
  expect(rest).toEqual([`Its log is empty (the container printed nothing): ${streamOf(taskId)}`]);
});

test("awslogs without a stream prefix (EC2): the stream is the container's runtimeId", async () => {
  const { task, taskId, details, logRequests } = await failingRun(12);
  const runtimeId = `${taskId}-1000`;
  expect(logRequests[0]).toMatchObject({ logGroupName: LOG_GROUP, logStreamName: runtimeId });
  expect(details.message).toBe(
    `${failedHead(taskId, 12)}Its output is in CloudWatch Logs, group /ecs/shop-prod-api, stream ${runtimeId}: ` +
      `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-prod-api/log-events/${runtimeId}\n` +
      `--- output ---\n${quoted(task.output)}`,
  );
});

test("a role without ecs:DescribeTaskDefinition: the failure says so, and where UserParameters put the log", async () => {
  ecs.refuseNextDescribeTaskDefinition(
    400,
    "AccessDeniedException",
    "User: arn:aws:sts::123456789012:assumed-role/shop-prod-migrator/x is not authorized to perform: ecs:DescribeTaskDefinition",
  );
  project.remove();
  project = createDjangoProject({ failing: true });
  const { id, event } = jobEvent(WITH_LOGS);
  await runJob(event, lambdaContext(LONG), deps);
  const taskId = idOf(ecs.tasks.at(-1)!.taskArn);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toBe(
    `${failedHead(taskId)}Its output could not be read: DescribeTaskDefinition shop-prod-api:7 failed ` +
      `(AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/shop-prod-migrator/x is not authorized to perform: ecs:DescribeTaskDefinition); ` +
      `the migrator's role needs ecs:DescribeTaskDefinition (resource "*"). Its output is in ${streamOf(taskId)}`,
  );
});

test("a task that cannot start fails with ECS's stop reason and the container's reason", async () => {
  const reason =
    "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:missing: not found";
  ecs.failNextStart(reason, reason);
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(LONG), deps);
  const taskId = idOf(ecs.tasks.at(-1)!.taskArn);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toBe(
    `The migration task ${taskId} stopped before \`migrate\` ran to an exit code: TaskFailedToStart: ${reason}. ` +
      `Container web: ${reason}. The release stops here; the old version keeps serving.\n` +
      `No output to quote (ResourceNotFoundException: The specified log stream does not exist.): the container printed nothing, or did not start. ` +
      `Its log would be in ${streamOf(taskId)}`,
  );
});

test("a killed container (exit 137) is explained", async () => {
  const kill = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)";
  const { id, event } = jobEvent({ ...PARAMETERS, command: ["manage", "shell", "-c", kill] });
  await runJob(event, lambdaContext(LONG), deps);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toMatch(
    /^Migration failed: `manage shell -c import os, signal; .*` exited 137 in ECS task \w+ \(shop-prod-api:7\) on cluster shop-prod\. Exit code 137: the container was killed \(out of memory, or stopped\)\. Task stopped: /,
  );
});

test("a command the image's entry point refuses (exit 2) points at UserParameters.command", async () => {
  const { id, event } = jobEvent({ ...PARAMETERS, command: ["migrat"] });
  await runJob(event, lambdaContext(LONG), deps);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toMatch(
    /^Migration failed: `migrat` exited 2 in ECS task \w+ \(shop-prod-api:7\) on cluster shop-prod\. Exit code 2: the command line was refused \(an unknown command or option for the image's entry point or for manage\.py\); check UserParameters\.command\. /,
  );
  expect(ecs.tasks.at(-1)!.output).toContain('zonke-runtime: unknown command "migrat"');
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toMatch(
    /\n--- output ---\nzonke-runtime: unknown command "migrat"\n\nusage: zonke-runtime <command> \[args\.\.\.\]$/,
  );
  expect(project.run(["showmigrations", "shop"]).output).toContain("[ ] 0001_initial");
});

test("a re-delivered first job gets its task back (client token) and starts no second one", async () => {
  ecs.hold();
  const { id, event } = jobEvent(PARAMETERS);
  const tasksBefore = ecs.tasks.length;
  const first = await runJob(event, lambdaContext(SHORT), deps);
  const again = await runJob(event, lambdaContext(SHORT), deps); // Lambda delivers the same event again
  expect(ecs.tasks.length - tasksBefore).toBe(1);
  const requests = ecs.runTaskRequests.slice(-2);
  expect(requests.map((request) => request["clientToken"])).toEqual([id, id]);
  expect(again.continuationToken).toBe(first.continuationToken);
  expect(again.reported).toBe(false); // CodePipeline already had this job's result
  ecs.release();
  await ecs.tasks.at(-1)!.stopped;
  expect(ecs.tasks.at(-1)!.exitCode).toBe(0);
});

test("a re-delivered continuation job whose task has finished reports the result and starts nothing", async () => {
  ecs.hold();
  const first = jobEvent(PARAMETERS);
  const { continuationToken } = await runJob(first.event, lambdaContext(SHORT), deps);
  ecs.release();
  await ecs.tasks.at(-1)!.stopped;
  const runsBefore = ecs.runTaskRequests.length;
  const next = jobEvent(PARAMETERS, { continuationToken: continuationToken! });
  expect(await runJob(next.event, lambdaContext(LONG), deps)).toMatchObject({
    result: "succeeded",
    reported: true,
  });
  expect(await runJob(next.event, lambdaContext(LONG), deps)).toMatchObject({
    result: "succeeded",
    reported: false,
  });
  expect(ecs.runTaskRequests.length).toBe(runsBefore);
  expect(
    codepipeline.calls.filter((call) => call.input["jobId"] === next.id).map((call) => call.answer),
  ).toEqual(["200", "InvalidJobStateException"]);
});

test("a task ECS no longer knows (MISSING) fails the job with what to do", async () => {
  const first = jobEvent(PARAMETERS);
  ecs.hold();
  const { continuationToken } = await runJob(first.event, lambdaContext(SHORT), deps);
  ecs.forget(continuationToken!);
  const next = jobEvent(PARAMETERS, { continuationToken: continuationToken! });
  await runJob(next.event, lambdaContext(LONG), deps);
  expect(only(codepipeline.accepted(next.id)).input["failureDetails"]).toEqual({
    type: "JobFailed",
    message:
      `ECS does not know the migration task ${continuationToken} (MISSING) on cluster shop-prod. ECS keeps stopped tasks ` +
      `for about an hour, so this job may be older than that. Run the stage again to start a new migration (migrate is idempotent).`,
    externalExecutionId: continuationToken,
  });
});

test("a continuation token that is not a task ARN is refused without calling ECS", async () => {
  const runs = ecs.runTaskRequests.length;
  const describes = ecs.describeCount();
  const { id, event } = jobEvent(PARAMETERS, { continuationToken: "not-a-task" });
  await runJob(event, lambdaContext(LONG), deps);
  expect([ecs.runTaskRequests.length, ecs.describeCount()]).toEqual([runs, describes]);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toBe(
    'The continuation token "not-a-task" is not an ECS task ARN: it does not come from this migrator. Run the stage again to start a new migration.',
  );
});

test("a capacity provider and a custom command go into RunTask as given", async () => {
  const { id, event } = jobEvent({
    ...PARAMETERS,
    capacityProvider: "FARGATE_SPOT",
    command: ["migrate", "shop"],
  });
  await runJob(event, lambdaContext(LONG), deps);
  const request = ecs.runTaskRequests.at(-1)!;
  expect(request["capacityProviderStrategy"]).toEqual([
    { capacityProvider: "FARGATE_SPOT", weight: 1 },
  ]);
  expect(request).not.toHaveProperty("launchType");
  expect(only(codepipeline.accepted(id)).input["executionDetails"].summary).toMatch(
    /^Migrated: `migrate shop` exited 0 in ECS task /,
  );
  expect(ecs.tasks.at(-1)!.output).toContain("Apply all migrations: shop");
});

test.each([
  [
    { container: "django" },
    "ConfigurationError",
    /^Starting the migration task \(RunTask shop-prod-api:7 on cluster shop-prod\) failed: InvalidParameterException: Override for container named django is not a container in the TaskDefinition\.$/,
  ],
  [
    { cluster: "shop-stage" },
    "ConfigurationError",
    /^Starting the migration task \(RunTask shop-prod-api:7 on cluster shop-stage\) failed: ClusterNotFoundException: Cluster not found\.$/,
  ],
  [
    { taskDefinition: "shop-prod-api:8" },
    "ConfigurationError",
    /failed: ClientException: Unable to find task definition\.$/,
  ],
])("RunTask refusing %j is reported as a %s", async (change, type, message) => {
  const { id, event } = jobEvent({ ...PARAMETERS, ...change });
  await runJob(event, lambdaContext(LONG), deps);
  const details = only(codepipeline.accepted(id)).input["failureDetails"];
  expect(details.type).toBe(type);
  expect(details.message).toMatch(message);
});

test("RunTask placing no task (a capacity failure) fails the job with ECS's reason", async () => {
  ecs.refuseNextRun("RESOURCE:ENI", "no free IP addresses in subnet-0123456789abcdef0");
  const { id, event } = jobEvent(PARAMETERS);
  await runJob(event, lambdaContext(LONG), deps);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toBe(
    "ECS did not start the migration task (shop-prod-api:7 on cluster shop-prod): RESOURCE:ENI: no free IP addresses in subnet-0123456789abcdef0. Run the stage again once the cluster has capacity.",
  );
});

test("near the timeout: a RunTask ECS does not answer is given up, and the failure reported in time", async () => {
  ecs.stallNextRun();
  const { id, event } = jobEvent(PARAMETERS);
  const context = lambdaContext(SHORT);
  const report = await runJob(event, context, deps);
  expect(report).toMatchObject({ result: "failed", failureType: "JobFailed", reported: true });
  expect(context.getRemainingTimeInMillis()).toBeGreaterThan(REPORT_RESERVE_MS - 1000);
  expect(only(codepipeline.accepted(id)).input["failureDetails"].message).toBe(
    "ECS did not answer RunTask (shop-prod-api:7 on cluster shop-prod) before the migrator's own " +
      "timeout. A migration task may have started anyway: before running the stage again, check " +
      "the cluster for a task started by zonke-migrator and let it finish.",
  );
});
