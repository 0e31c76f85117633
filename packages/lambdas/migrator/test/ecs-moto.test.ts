// The ECS kind against moto's ECS (a second implementation of the API): the RunTask the migrator
// sends is accepted for a Fargate awsvpc task definition (subnets and security groups created in
// moto's EC2), the task is found again from the continuation token, and a stopped task with exit 0
// is a success. moto runs no container and reports exit code 0 for every stopped task, so failures
// and exit codes are tested against the fake in ecs-kind.test.ts. moto's task states are driven
// through its state manager: "manual" with many ticks keeps a task RUNNING, "immediate" stops it.
// moto's DescribeTaskDefinition and CloudWatch Logs (GetLogEvents read backwards, page by page)
// check how the migrator finds and reads the task's log; the test writes the "container's" lines.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from "@aws-sdk/client-ecs";
import { startMotoServer, type MotoServer } from "@zonke/lambda-local";
import { REPORT_RESERVE_MS, runJob, type MigratorDeps } from "../src/run";
import { captureOutput, type Captured } from "./support/capture";
import { depsFor, destroyDeps } from "./support/deps";
import { startFakeCodePipeline, type FakeCodePipeline } from "./support/fake-codepipeline-api";
import { fakeClientConfig } from "./support/http-fake";
import { jobEvent, lambdaContext } from "./support/job-event";

let moto: MotoServer;
let codepipeline: FakeCodePipeline;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;
let deps: MigratorDeps;
let output: Captured;
let parameters: Record<string, unknown>;

/** moto's EC2 speaks the query protocol; no EC2 client is installed, so setup posts forms. */
async function ec2(action: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(moto.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDFAKE/20250101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ Action: action, Version: "2016-11-15", ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${action}: ${text}`);
  return text;
}

async function setTaskTransition(transition: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: "POST",
    body: JSON.stringify({ model_name: "ecs::task", transition }),
  });
  expect(response.ok).toBe(true);
}

beforeAll(async () => {
  moto = await startMotoServer();
  codepipeline = await startFakeCodePipeline();
  ecs = new ECSClient(fakeClientConfig(moto.endpoint));
  logs = new CloudWatchLogsClient(fakeClientConfig(moto.endpoint));
  await logs.send(new CreateLogGroupCommand({ logGroupName: "/ecs/shop-prod-api" }));
  const vpcId = /<vpcId>(vpc-[0-9a-f]+)<\/vpcId>/.exec(
    await ec2("CreateVpc", { CidrBlock: "10.20.0.0/16" }),
  )?.[1];
  // moto 5.2 needs DNS hostnames on the VPC to attach a task's network interface.
  await ec2("ModifyVpcAttribute", { VpcId: vpcId!, "EnableDnsHostnames.Value": "true" });
  const subnetId = /<subnetId>(subnet-[0-9a-f]+)<\/subnetId>/.exec(
    await ec2("CreateSubnet", {
      VpcId: vpcId!,
      CidrBlock: "10.20.1.0/24",
      AvailabilityZone: "eu-west-1a",
    }),
  )?.[1];
  const groupId = /<groupId>(sg-[0-9a-f]+)<\/groupId>/.exec(
    await ec2("CreateSecurityGroup", {
      GroupName: "migrator",
      GroupDescription: "migration task",
      VpcId: vpcId!,
    }),
  )?.[1];
  await ecs.send(new CreateClusterCommand({ clusterName: "shop-prod" }));
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "shop-prod-api",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      executionRoleArn: "arn:aws:iam::123456789012:role/shop-prod-api-execution",
      taskRoleArn: "arn:aws:iam::123456789012:role/shop-prod-api-task",
      containerDefinitions: [
        {
          name: "web",
          image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:abc123",
          essential: true,
          command: ["web"],
          memory: 512, // moto 5.2 sums container memory and fails without it
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": "/ecs/shop-prod-api",
              "awslogs-region": "eu-west-1",
              "awslogs-stream-prefix": "django",
            },
          },
        },
      ],
    }),
  );
  parameters = {
    kind: "ecs",
    cluster: "shop-prod",
    taskDefinition: `shop-prod-api:${registered.taskDefinition?.revision}`,
    container: "web",
    subnets: [subnetId],
    securityGroups: [groupId],
  };
  deps = depsFor({
    codepipeline: codepipeline.endpoint,
    ecs: moto.endpoint,
    logs: moto.endpoint,
    pollIntervalMs: 50,
  });
}, 60_000);

afterAll(async () => {
  if (deps) destroyDeps(deps);
  ecs?.destroy();
  logs?.destroy();
  await codepipeline?.close();
  await moto?.stop();
});
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

test("moto accepts the RunTask; the task is handed over, found again by its ARN, its exit 0 reported and its log read", async () => {
  await setTaskTransition({ progression: "manual", times: 1_000_000 }); // stays RUNNING
  const first = jobEvent(parameters);
  const handedOver = await runJob(first.event, lambdaContext(REPORT_RESERVE_MS + 1200), deps);
  expect(handedOver).toMatchObject({
    result: "in-progress",
    continuationToken: expect.stringMatching(
      /^arn:aws:ecs:eu-west-1:123456789012:task\/shop-prod\/[0-9a-f-]+$/,
    ),
  });
  const taskArn = handedOver.continuationToken!;
  const { tasks } = await ecs.send(
    new DescribeTasksCommand({ cluster: "shop-prod", tasks: [taskArn] }),
  );
  expect(tasks?.[0]).toMatchObject({
    taskDefinitionArn: expect.stringMatching(/task-definition\/shop-prod-api:\d+$/),
    launchType: "FARGATE",
    startedBy: "zonke-migrator",
    overrides: { containerOverrides: [{ name: "web", command: ["migrate"] }] },
    attachments: [
      expect.objectContaining({
        type: "ElasticNetworkInterface",
        details: expect.arrayContaining([
          { name: "subnetId", value: (parameters["subnets"] as string[])[0] },
        ]),
      }),
    ],
  });
  expect(codepipeline.accepted(first.id)[0]?.input).toMatchObject({ continuationToken: taskArn });

  // What the container printed, as awslogs writes it: one event per line, in the task's stream.
  // 200 lines: the migrator reads them back newest first in pages of 100, to the log's start.
  const taskId = taskArn.split("/").pop();
  const stream = `django/web/${taskId}`;
  const lines = [
    "Operations to perform:",
    "  Apply all migrations: shop",
    "Running migrations:",
    ...Array.from(
      { length: 200 },
      (_, n) => `  Applying shop.${String(n + 1).padStart(4, "0")}_step... OK`,
    ),
  ];
  await logs.send(
    new CreateLogStreamCommand({ logGroupName: "/ecs/shop-prod-api", logStreamName: stream }),
  );
  const now = Date.now();
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: "/ecs/shop-prod-api",
      logStreamName: stream,
      logEvents: lines.map((message, n) => ({ timestamp: now - lines.length + n, message })),
    }),
  );

  await setTaskTransition({ progression: "immediate" }); // the task stops at the next look
  const next = jobEvent(parameters, { continuationToken: taskArn });
  expect(await runJob(next.event, lambdaContext(60_000), deps)).toMatchObject({
    result: "succeeded",
    reported: true,
  });
  expect(codepipeline.accepted(next.id)[0]?.input["executionDetails"]).toMatchObject({
    summary: expect.stringMatching(
      /^Migrated: `migrate` exited 0 in ECS task [0-9a-f-]+ \(shop-prod-api:\d+\) on cluster shop-prod\. Its output is in CloudWatch Logs, group \/ecs\/shop-prod-api, stream django\/web\/[0-9a-f-]+: https:\/\/eu-west-1\.console/,
    ),
    externalExecutionId: taskArn,
  });
  // Every line read once: none skipped or repeated across moto's pages and tokens.
  expect(output.json().find((line) => line["step"] === "task-output")).toEqual({
    level: "info",
    step: "task-output",
    taskArn,
    logGroup: "/ecs/shop-prod-api",
    logStream: stream,
    partial: false,
    applied: 200,
    migrations: Array.from({ length: 20 }, (_, n) => `shop.${String(n + 1).padStart(4, "0")}_step`),
    lastLine: "Applying shop.0200_step... OK",
  });
});

test("a task moto does not know fails the job (moto answers with no task and no failure)", async () => {
  const unknown =
    "arn:aws:ecs:eu-west-1:123456789012:task/shop-prod/00000000000000000000000000000000";
  const { id, event } = jobEvent(parameters, { continuationToken: unknown });
  await runJob(event, lambdaContext(60_000), deps);
  expect(codepipeline.accepted(id)[0]?.input["failureDetails"].message).toMatch(
    /^ECS does not know the migration task arn:aws:ecs:.*\/00000000000000000000000000000000 \(not found\) on cluster shop-prod\./,
  );
});

test("a re-delivered first job: moto ignores the client token, so a second task would start", async () => {
  // This documents the limit of the moto check: idempotency rests on ECS honouring `clientToken`
  // (RunTask docs: same token and parameters within 24 h return the first task). The fake in
  // ecs-kind.test.ts implements that; moto 5.2 does not read the parameter.
  await setTaskTransition({ progression: "manual", times: 1_000_000 });
  const { event } = jobEvent(parameters);
  const first = await runJob(event, lambdaContext(REPORT_RESERVE_MS + 1100), deps);
  const again = await runJob(event, lambdaContext(REPORT_RESERVE_MS + 1100), deps);
  expect(first.continuationToken).toMatch(/^arn:aws:ecs:/);
  expect(again.continuationToken).toMatch(/^arn:aws:ecs:/);
  expect(again.continuationToken).not.toBe(first.continuationToken);
});
