// Django on ECS: the real ECSClient against a fake of RunTask/DescribeTasks that runs the
// container's command for real through the app image's entry point (`zonke-runtime migrate` runs
// `manage.py migrate --noinput` on a real Django project), and the real report to a fake
// CodePipeline. The request shape is also checked against moto in ecs-moto.test.ts.
import { runAppImage } from "./support/app-image";
import { createDjangoProject, FAILURE_TEXT, type DjangoProject } from "./support/django-project";
import { depsFor, destroyDeps } from "./support/deps";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { startFakeEcs, type FakeEcs } from "./support/fake-ecs-api";
import { captureOutput, type Captured } from "./support/capture";
import { jobEvent, lambdaContext } from "./support/job-event";
import { expectNoCredentials } from "./support/secrets";
import { REPORT_RESERVE_MS, runJob, type MigratorDeps } from "../src/run";

const PARAMETERS = {
  kind: "ecs",
  cluster: "shop-prod",
  taskDefinition: "shop-prod-api:7",
  container: "web",
  subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
  securityGroups: ["sg-0123456789abcdef0"],
};
const WITH_LOGS = { ...PARAMETERS, logGroup: "/ecs/shop-prod-api", logStreamPrefix: "django" };
/** Enough time to report, and about a second to watch the task: then it is handed over. */
const SHORT = REPORT_RESERVE_MS + 1200;
const LONG = 900_000;

let codepipeline: FakeCodePipeline;
let ecs: FakeEcs;
let deps: MigratorDeps;
let project: DjangoProject;
let output: Captured;

beforeAll(async () => {
  codepipeline = await startFakeCodePipeline();
  ecs = await startFakeEcs({
    clusters: ["shop-prod"],
    taskDefinitions: [
      {
        family: "shop-prod-api",
        revision: 7,
        containers: ["web", "log-router"],
        command: ["web"],
      },
    ],
    run: (command) => runAppImage(command, project.dir),
  });
  deps = depsFor({ codepipeline: codepipeline.endpoint, ecs: ecs.endpoint, pollIntervalMs: 20 });
});
afterAll(async () => {
  destroyDeps(deps);
  await Promise.all([codepipeline.close(), ecs.close()]);
});
beforeEach(() => {
  project = createDjangoProject();
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  ecs.release();
  project.remove();
  expectNoCredentials([...output.lines, ...codepipeline.calls.map((call) => call.raw)]);
});

const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};
const idOf = (arn: string) => arn.split("/").pop() as string;

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
      "reported",
    ]),
  );
});

test("failure: the exit code and stop reason fail the job, and the message says where the output is", async () => {
  project.remove();
  project = createDjangoProject({ failing: true });
  const { id, event } = jobEvent(PARAMETERS);
  expect(await runJob(event, lambdaContext(LONG), deps)).toEqual({
    jobId: id,
    result: "failed",
    failureType: "JobFailed",
    reported: true,
  });
  const task = ecs.tasks.at(-1)!;
  const taskId = idOf(task.taskArn);
  expect(only(codepipeline.accepted(id)).input["failureDetails"]).toEqual({
    type: "JobFailed",
    message:
      `Migration failed: \`migrate\` exited 1 in ECS task ${taskId} (shop-prod-api:7) on cluster shop-prod. ` +
      `Task stopped: EssentialContainerExited: Essential container in task exited. The release stops here; the old version keeps serving.\n` +
      `Its output is in the container's log for task ${taskId} (see the task definition's logConfiguration).`,
    externalExecutionId: task.taskArn,
  });
  expect(task.output.trimEnd().endsWith(FAILURE_TEXT)).toBe(true); // ... and it is there
  expect(output.json().find((line) => line["step"] === "task-stopped")).toMatchObject({
    level: "warn",
    exitCode: 1,
    stopCode: "EssentialContainerExited",
  });
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
      `Its output is in the container's log for task ${taskId} (see the task definition's logConfiguration).`,
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
