/**
 * A fake of the ECS calls the migrator makes, RunTask, DescribeTasks and DescribeTaskDefinition,
 * on 127.0.0.1 in AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`), used through the
 * real ECSClient. moto accepts the same RunTask (test/ecs-moto.test.ts) but runs nothing and
 * always reports exit code 0; this fake runs the container's command for real:
 *
 * - RunTask validates like ECS (cluster, task definition `family:revision`, awsvpc needs a network
 *   configuration, container overrides must name a container, launch type xor capacity provider
 *   strategy), honours `clientToken` (same token and parameters: the same task, no new start;
 *   other parameters: ConflictException), and starts the task: PROVISIONING, then RUNNING while
 *   the command runs as a child process (the "container"), then STOPPED with the container's exit
 *   code, `stopCode: EssentialContainerExited`, `stoppedReason: Essential container in task exited`.
 * - The running container's log driver is emulated: with `awslogs` in its task definition and a
 *   fake CloudWatch Logs given, each line it prints is an event of the stream
 *   `<awslogs-stream-prefix>/<container>/<task id>` (or its runtimeId without a prefix).
 * - DescribeTaskDefinition answers the registered definitions (`family:revision` or ARN) with
 *   their containers' logConfiguration; `refuseNextDescribeTaskDefinition()` answers one with an
 *   error instead (e.g. AccessDeniedException, as for a role without the permission).
 * - `hold()` keeps new tasks in PROVISIONING until `release()`; `failNextStart()` makes the next task
 *   stop before its container runs (TaskFailedToStart, e.g. CannotPullContainerError); `forget()`
 *   drops a task, as ECS does about an hour after it stopped (DescribeTasks: failure MISSING).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { FakeLogs } from "./fake-logs-api";
import { jsonAnswer, jsonError, listen, type Reply } from "./http-fake";

export interface FakeTaskDefinition {
  readonly family: string;
  readonly revision: number;
  /** Container names; the first is essential and its command the default. */
  readonly containers: readonly string[];
  readonly command: readonly string[];
  /** The first container's logConfiguration. @default - none (output not kept) */
  readonly logConfiguration?: {
    readonly logDriver: string;
    readonly options?: Readonly<Record<string, string>>;
  };
}

/** Starts a "container": the command as a process. */
export type ContainerRunner = (command: readonly string[]) => ChildProcess;

export interface FakeTask {
  readonly taskArn: string;
  readonly request: Record<string, any>;
  readonly definition: FakeTaskDefinition;
  readonly command: readonly string[];
  lastStatus: "PROVISIONING" | "RUNNING" | "STOPPED";
  exitCode?: number;
  containerReason?: string;
  stopCode?: string;
  stoppedReason?: string;
  /** What the container printed (its awslogs stream). */
  output: string;
  readonly stopped: Promise<void>;
}

export interface FakeEcs {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** RunTask requests as received (also the ones answered with an existing task). */
  readonly runTaskRequests: Record<string, any>[];
  readonly describeCount: () => number;
  /** Tasks actually started (a client-token replay starts none). */
  readonly tasks: FakeTask[];
  hold(): void;
  release(): void;
  failNextStart(stoppedReason: string, containerReason: string): void;
  /** RunTask answers the next request with this placement failure and no task. */
  refuseNextRun(reason: string, detail?: string): void;
  /** RunTask never answers the next request (and starts nothing): ECS unreachable. */
  stallNextRun(): void;
  forget(taskArn: string): void;
  refuseNextDescribeTaskDefinition(status: number, type: string, message: string): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

export async function startFakeEcs(options: {
  clusters: readonly string[];
  taskDefinitions: readonly FakeTaskDefinition[];
  run: ContainerRunner;
  /** Where awslogs containers' lines go. @default - nowhere */
  logs?: FakeLogs;
}): Promise<FakeEcs> {
  const region = "eu-west-1";
  const accountId = "123456789012";
  const tasks: FakeTask[] = [];
  const known = new Map<string, FakeTask>();
  const tokens = new Map<string, { request: string; task: FakeTask }>();
  const runTaskRequests: Record<string, any>[] = [];
  let describes = 0;
  let held = false;
  let waiting: (() => void)[] = [];
  let nextStartFailure: { stoppedReason: string; containerReason: string } | undefined;
  let nextRefusal: { reason: string; detail?: string } | undefined;
  let stallNext = false;
  let nextDefinitionRefusal: Reply | undefined;

  const clusterName = (value: string) => value.replace(/^arn:aws:ecs:[^:]+:\d{12}:cluster\//, "");
  const clusterArn = (name: string) => `arn:aws:ecs:${region}:${accountId}:cluster/${name}`;
  const definitionArn = (d: FakeTaskDefinition) =>
    `arn:aws:ecs:${region}:${accountId}:task-definition/${d.family}:${d.revision}`;

  function start(task: FakeTask, done: () => void): void {
    const begin = () => {
      if (nextStartFailure) {
        const failure = nextStartFailure;
        nextStartFailure = undefined;
        Object.assign(task, {
          lastStatus: "STOPPED",
          stopCode: "TaskFailedToStart",
          stoppedReason: failure.stoppedReason,
          containerReason: failure.containerReason,
        });
        done();
        return;
      }
      const child = options.run(task.command);
      task.lastStatus = "RUNNING";
      const driver = awslogsDriver(task);
      const print = (text: string) => {
        task.output += text;
        driver.write(text);
      };
      child.stdout?.on("data", (chunk: Buffer) => print(chunk.toString("utf8")));
      child.stderr?.on("data", (chunk: Buffer) => print(chunk.toString("utf8")));
      // A command that cannot be started (ENOENT) exits 127 as a shell reports it; 'close' follows.
      child.on("error", (error) => print(`${error.message}\n`));
      child.on("close", (code, signal) => {
        driver.flush();
        Object.assign(task, {
          lastStatus: "STOPPED",
          exitCode:
            code !== null && code >= 0
              ? code
              : signal === "SIGKILL"
                ? 137
                : signal === "SIGTERM"
                  ? 143
                  : 127,
          stopCode: "EssentialContainerExited",
          stoppedReason: "Essential container in task exited",
        });
        done();
      });
    };
    if (held) waiting.push(begin);
    else setImmediate(begin);
  }

  /** The container's Docker id (awslogs names the stream after it when there is no prefix). */
  const runtimeId = (task: FakeTask, index: number) =>
    `${task.taskArn.split("/").pop()}-${1000 + index}`;

  /**
   * The awslogs driver: the stream made when the container starts, then one event per complete
   * line, the rest when the container stops.
   */
  function awslogsDriver(task: FakeTask): { write(text: string): void; flush(): void } {
    const config = task.definition.logConfiguration;
    const group = config?.options?.["awslogs-group"];
    if (!options.logs || config?.logDriver !== "awslogs" || !group) {
      return { write: () => {}, flush: () => {} };
    }
    const logs = options.logs;
    const prefix = config.options?.["awslogs-stream-prefix"];
    const stream = prefix
      ? `${prefix}/${task.definition.containers[0]}/${task.taskArn.split("/").pop()}`
      : runtimeId(task, 0);
    logs.put(group, stream, []); // awslogs creates the stream when the container starts
    let pending = "";
    return {
      write: (text) => {
        const lines = (pending + text).split("\n");
        pending = lines.pop() ?? "";
        if (lines.length > 0) logs.put(group, stream, lines);
      },
      flush: () => {
        if (pending !== "") logs.put(group, stream, [pending]);
        pending = "";
      },
    };
  }

  function describeTaskDefinition(request: Record<string, any>) {
    if (nextDefinitionRefusal) {
      const refusal = nextDefinitionRefusal;
      nextDefinitionRefusal = undefined;
      return refusal;
    }
    const name = String(request["taskDefinition"] ?? "").replace(
      /^arn:aws:ecs:[^:]+:\d{12}:task-definition\//,
      "",
    );
    const definition = options.taskDefinitions.find((d) => `${d.family}:${d.revision}` === name);
    if (!definition)
      return jsonError(400, "ClientException", "Unable to describe task definition.");
    return jsonAnswer({
      taskDefinition: {
        taskDefinitionArn: definitionArn(definition),
        family: definition.family,
        revision: definition.revision,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        status: "ACTIVE",
        containerDefinitions: definition.containers.map((name, index) => ({
          name,
          image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:abc123",
          essential: index === 0,
          ...(index === 0 ? { command: definition.command } : {}),
          ...(index === 0 && definition.logConfiguration
            ? { logConfiguration: definition.logConfiguration }
            : {}),
        })),
      },
    });
  }

  function runTask(request: Record<string, any>) {
    const cluster = clusterName(request["cluster"] ?? "default");
    if (!options.clusters.includes(cluster))
      return jsonError(400, "ClusterNotFoundException", "Cluster not found.");
    const name = String(request["taskDefinition"] ?? "").replace(
      /^arn:aws:ecs:[^:]+:\d{12}:task-definition\//,
      "",
    );
    const definition = options.taskDefinitions.find((d) => `${d.family}:${d.revision}` === name);
    if (!definition) return jsonError(400, "ClientException", "Unable to find task definition.");
    if (request["launchType"] && request["capacityProviderStrategy"]) {
      return jsonError(
        400,
        "InvalidParameterException",
        "Specify either a launch type or a capacity provider strategy, but not both.",
      );
    }
    if (!request["networkConfiguration"]?.awsvpcConfiguration?.subnets?.length) {
      return jsonError(
        400,
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      );
    }
    const overrides: any[] = request["overrides"]?.containerOverrides ?? [];
    for (const override of overrides) {
      if (!definition.containers.includes(override.name)) {
        return jsonError(
          400,
          "InvalidParameterException",
          `Override for container named ${override.name} is not a container in the TaskDefinition.`,
        );
      }
    }
    const token = request["clientToken"];
    const signature = JSON.stringify({ ...request, clientToken: undefined });
    if (token !== undefined && tokens.has(token)) {
      const earlier = tokens.get(token)!;
      if (earlier.request !== signature) {
        return jsonError(
          400,
          "ConflictException",
          "The request uses the same client token as a previous, but non-identical request.",
        );
      }
      return jsonAnswer({ tasks: [describeTask(earlier.task)], failures: [] });
    }
    if (nextRefusal) {
      const refusal = nextRefusal;
      nextRefusal = undefined;
      return jsonAnswer({
        tasks: [],
        failures: [
          { reason: refusal.reason, ...(refusal.detail ? { detail: refusal.detail } : {}) },
        ],
      });
    }
    const command =
      overrides.find((override) => override.name === definition.containers[0])?.command ??
      definition.command;
    let done: () => void = () => {};
    const task: FakeTask = {
      taskArn: `arn:aws:ecs:${region}:${accountId}:task/${cluster}/${randomBytes(16).toString("hex")}`,
      request,
      definition,
      command,
      lastStatus: "PROVISIONING",
      output: "",
      stopped: new Promise<void>((resolve) => (done = resolve)),
    };
    tasks.push(task);
    known.set(task.taskArn, task);
    if (token !== undefined) tokens.set(token, { request: signature, task });
    start(task, done);
    return jsonAnswer({ tasks: [describeTask(task)], failures: [] });
  }

  function describeTask(task: FakeTask) {
    const stopped = task.lastStatus === "STOPPED";
    const cluster = task.taskArn.split("/")[1] as string;
    return {
      taskArn: task.taskArn,
      clusterArn: clusterArn(cluster),
      taskDefinitionArn: definitionArn(task.definition),
      lastStatus: task.lastStatus,
      desiredStatus: stopped ? "STOPPED" : "RUNNING",
      launchType: task.request["launchType"],
      startedBy: task.request["startedBy"],
      overrides: task.request["overrides"],
      containers: task.definition.containers.map((name, index) => ({
        containerArn: `arn:aws:ecs:${region}:${accountId}:container/${cluster}/${index}`,
        taskArn: task.taskArn,
        name,
        lastStatus: stopped ? "STOPPED" : task.lastStatus === "RUNNING" ? "RUNNING" : "PENDING",
        ...(task.lastStatus !== "PROVISIONING" && !task.containerReason
          ? { runtimeId: runtimeId(task, index) }
          : {}),
        ...(index === 0 && task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
        ...(index === 0 && task.containerReason ? { reason: task.containerReason } : {}),
      })),
      ...(task.stopCode ? { stopCode: task.stopCode } : {}),
      ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    };
  }

  const server = await listen((request) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    if (!String(request.headers["authorization"] ?? "").includes("/ecs/aws4_request")) {
      return jsonError(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
      );
    }
    const body = JSON.parse(request.body || "{}") as Record<string, any>;
    switch (target.slice(TARGET_PREFIX.length)) {
      case "RunTask":
        runTaskRequests.push(body);
        if (stallNext) {
          stallNext = false;
          return undefined;
        }
        return runTask(body);
      case "DescribeTasks": {
        describes += 1;
        const cluster = clusterName(body["cluster"] ?? "default");
        if (!options.clusters.includes(cluster))
          return jsonError(400, "ClusterNotFoundException", "Cluster not found.");
        const arns: string[] = body["tasks"] ?? [];
        return jsonAnswer({
          tasks: arns.flatMap((arn) => (known.has(arn) ? [describeTask(known.get(arn)!)] : [])),
          failures: arns
            .filter((arn) => !known.has(arn))
            .map((arn) => ({ arn, reason: "MISSING" })),
        });
      }
      case "DescribeTaskDefinition":
        return describeTaskDefinition(body);
      default:
        return jsonError(400, "UnknownOperationException", `unknown operation ${target}`);
    }
  });

  return {
    endpoint: server.endpoint,
    region,
    accountId,
    runTaskRequests,
    describeCount: () => describes,
    tasks,
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
      const starts = waiting;
      waiting = [];
      starts.forEach((begin) => setImmediate(begin));
    },
    failNextStart: (stoppedReason, containerReason) => {
      nextStartFailure = { stoppedReason, containerReason };
    },
    refuseNextRun: (reason, detail) => {
      nextRefusal = { reason, ...(detail ? { detail } : {}) };
    },
    stallNextRun: () => {
      stallNext = true;
    },
    forget: (taskArn) => {
      known.delete(taskArn);
    },
    refuseNextDescribeTaskDefinition: (status, type, message) => {
      nextDefinitionRefusal = jsonError(status, type, message);
    },
    close: () => server.close(),
  };
}
