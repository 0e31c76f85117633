import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeTasksCommand,
  RunTaskCommand,
  type DescribeTasksCommandOutput,
  type ECSClient,
  type RunTaskCommandInput,
  type Task,
} from "@aws-sdk/client-ecs";
import { clientTokenFor } from "./job";
import { log } from "./log";
import { failed, failureForError, isPermanentError, type Outcome } from "./outcome";
import type { EcsMigration } from "./parameters";
import { readTaskOutput, type TaskOutput } from "./task-output";
import {
  describeError,
  errorName,
  keepHead,
  keepTail,
  MAX_LOGGED_OUTPUT,
  MAX_SUMMARY,
} from "./text";

/** RunTask's `startedBy`: tells the migration tasks apart in the ECS console and ListTasks. */
export const STARTED_BY = "zonke-migrator";

// Long (`task/<cluster>/<id>`) and old short (`task/<id>`) task ARNs.
const TASK_ARN =
  /^arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\d{12}:task\/([a-zA-Z0-9_-]{1,255}\/)?[a-zA-Z0-9-]{1,64}$/;

export interface EcsRun {
  readonly client: ECSClient;
  /** Reads the end of the task's log for the job's message. */
  readonly logs: CloudWatchLogsClient;
  readonly target: EcsMigration;
  readonly jobId: string;
  /** The task ARN from an earlier call of this action, if CodePipeline passed one. */
  readonly continuationToken: string | undefined;
  /** When to stop waiting and hand the task over to the next call (epoch ms). */
  readonly deadlineAt: number;
  readonly pollIntervalMs: number;
}

/**
 * Starts the migration task (first call) or takes up the one named by the continuation token
 * (later calls), then waits for it to stop until the deadline. A task still running at the
 * deadline is handed back as "in-progress" with its ARN as the continuation token. Never throws.
 */
export async function migrateOnEcs(run: EcsRun): Promise<Outcome> {
  let taskArn: string;
  if (run.continuationToken === undefined) {
    const started = await startTask(run);
    if (typeof started !== "string") return started;
    taskArn = started;
  } else {
    if (!TASK_ARN.test(run.continuationToken)) {
      return failed(
        "JobFailed",
        `The continuation token ${JSON.stringify(keepHead(run.continuationToken, 200))} is not an ECS task ` +
          `ARN: it does not come from this migrator. Run the stage again to start a new migration.`,
      );
    }
    taskArn = run.continuationToken;
    log("info", "task-resume", { taskArn });
  }
  return watchTask(run, taskArn);
}

/** RunTask with the job's client token: a re-delivered job gets the same task back. */
async function startTask(run: EcsRun): Promise<string | Outcome> {
  const { target } = run;
  const input: RunTaskCommandInput = {
    cluster: target.cluster,
    taskDefinition: target.taskDefinition,
    count: 1,
    ...(target.capacityProvider
      ? { capacityProviderStrategy: [{ capacityProvider: target.capacityProvider, weight: 1 }] }
      : { launchType: "FARGATE" }),
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...target.subnets],
        securityGroups: [...target.securityGroups],
        assignPublicIp: "DISABLED",
      },
    },
    overrides: { containerOverrides: [{ name: target.container, command: [...target.command] }] },
    startedBy: STARTED_BY,
    clientToken: clientTokenFor(run.jobId),
  };
  let answer;
  const deadline = AbortSignal.timeout(Math.max(run.deadlineAt - Date.now(), 1));
  try {
    answer = await run.client.send(new RunTaskCommand(input), { abortSignal: deadline });
  } catch (error) {
    if (deadline.aborted) {
      log("warn", "task-start", { error: describeError(error) });
      return failed(
        "JobFailed",
        `ECS did not answer RunTask (${target.taskDefinition} on cluster ${target.cluster}) before ` +
          `the migrator's own timeout. A migration task may have started anyway: before running ` +
          `the stage again, check the cluster for a task started by ${STARTED_BY} and let it finish.`,
      );
    }
    return failureForError(
      `Starting the migration task (RunTask ${target.taskDefinition} on cluster ${target.cluster})`,
      error,
      errorName(error) === "AccessDeniedException"
        ? `The migrator's role needs ecs:RunTask on the task definition family, and iam:PassRole on ` +
            `the task's task role and execution role`
        : undefined,
    );
  }
  const task = answer.tasks?.[0];
  if (!task?.taskArn) {
    const reasons = (answer.failures ?? [])
      .map((failure) => [failure.reason, failure.detail].filter(Boolean).join(": "))
      .join("; ");
    return failed(
      "JobFailed",
      `ECS did not start the migration task (${target.taskDefinition} on cluster ${target.cluster}): ` +
        `${reasons || "RunTask returned no task and no reason"}. Run the stage again once the cluster has capacity.`,
    );
  }
  log("info", "task-started", {
    taskArn: task.taskArn,
    cluster: target.cluster,
    taskDefinition: target.taskDefinition,
    container: target.container,
    command: target.command,
  });
  return task.taskArn;
}

async function watchTask(run: EcsRun, taskArn: string): Promise<Outcome> {
  let lastStatus: string | undefined;
  for (;;) {
    const described = await describe(run, taskArn);
    if (described !== undefined && "result" in described) return described;
    if (described !== undefined) {
      const task = described;
      if (task.lastStatus !== lastStatus) {
        lastStatus = task.lastStatus;
        log("info", "task-status", { taskArn, lastStatus, desiredStatus: task.desiredStatus });
      }
      if (task.lastStatus === "STOPPED") return stoppedOutcome(run, taskArn, task);
    }
    if (Date.now() + run.pollIntervalMs >= run.deadlineAt) {
      log("info", "task-handover", { taskArn, lastStatus: lastStatus ?? "unknown" });
      return {
        result: "in-progress",
        continuationToken: taskArn,
        summary:
          `Migration task ${taskId(taskArn)} is ${lastStatus ?? "starting"} on cluster ${run.target.cluster}; ` +
          `CodePipeline calls the migrator again to check it.`,
        externalExecutionId: taskArn,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, run.pollIntervalMs));
  }
}

/**
 * The task, a final outcome (it is unknown to ECS, or the role may not describe it), or undefined
 * when this check failed for a passing reason (throttling, network): the task runs regardless, so
 * the next check or the next call tries again.
 */
async function describe(run: EcsRun, taskArn: string): Promise<Task | Outcome | undefined> {
  let answer: DescribeTasksCommandOutput;
  try {
    answer = await run.client.send(
      new DescribeTasksCommand({ cluster: run.target.cluster, tasks: [taskArn] }),
      { abortSignal: AbortSignal.timeout(Math.max(run.deadlineAt - Date.now(), 1)) },
    );
  } catch (error) {
    if (isPermanentError(error)) {
      return failureForError(
        `Checking the migration task ${taskId(taskArn)} (DescribeTasks)`,
        error,
        errorName(error) === "AccessDeniedException"
          ? `The migrator's role needs ecs:DescribeTasks on the cluster's tasks`
          : undefined,
      );
    }
    log("warn", "task-check", { taskArn, error: describeError(error) });
    return undefined;
  }
  const task = answer.tasks?.find((candidate) => candidate.taskArn === taskArn);
  if (task) return task;
  const reason = answer.failures?.find((failure) => failure.arn === taskArn)?.reason ?? "not found";
  return failed(
    "JobFailed",
    `ECS does not know the migration task ${taskArn} (${reason}) on cluster ${run.target.cluster}. ECS ` +
      `keeps stopped tasks for about an hour, so this job may be older than that. Run the stage again ` +
      `to start a new migration (migrate is idempotent).`,
    undefined,
    taskArn,
  );
}

async function stoppedOutcome(run: EcsRun, taskArn: string, task: Task): Promise<Outcome> {
  const { target } = run;
  const id = taskId(taskArn);
  const container = task.containers?.find((candidate) => candidate.name === target.container);
  const stop = [task.stopCode, task.stoppedReason].filter(Boolean).join(": ") || "no reason given";
  const command = target.command.join(" ");
  const where = `ECS task ${id} (${task.taskDefinitionArn?.split("/").pop() ?? target.taskDefinition}) on cluster ${target.cluster}`;
  log(container?.exitCode === 0 ? "info" : "warn", "task-stopped", {
    taskArn,
    exitCode: container?.exitCode ?? null,
    containerReason: container?.reason ?? null,
    stopCode: task.stopCode ?? null,
    stoppedReason: task.stoppedReason ?? null,
  });
  if (!container) {
    const names = (task.containers ?? [])
      .map((candidate) => JSON.stringify(candidate.name))
      .join(", ");
    return failed(
      "ConfigurationError",
      `The migration task ${id} stopped (${stop}) without a container named ${JSON.stringify(target.container)} ` +
        `(it has ${names || "none"}): check UserParameters.container.`,
      undefined,
      taskArn,
    );
  }
  const output = await readTaskOutput({
    ecs: run.client,
    logs: run.logs,
    target,
    taskArn,
    task,
    container,
    deadlineAt: run.deadlineAt,
  });
  const succeeded = container.exitCode === 0;
  logOutput(taskArn, output, succeeded);
  if (succeeded) {
    return {
      result: "succeeded",
      summary: keepHead(
        `Migrated: \`${command}\` exited 0 in ${where}. ${output.where}`,
        MAX_SUMMARY,
      ),
      externalExecutionId: taskArn,
    };
  }
  const quoted =
    output.text === undefined ? undefined : { text: output.text, partial: output.partial };
  if (typeof container.exitCode === "number") {
    const containerReason = container.reason ? ` (${container.reason})` : "";
    return failed(
      "JobFailed",
      `Migration failed: \`${command}\` exited ${container.exitCode}${containerReason} in ${where}. ` +
        `${exitCodeHint(container.exitCode)}Task stopped: ${stop}. The release stops here; the old ` +
        `version keeps serving.\n${output.where}`,
      quoted,
      taskArn,
    );
  }
  return failed(
    "JobFailed",
    `The migration task ${id} stopped before \`${command}\` ran to an exit code: ${stop}. ` +
      `Container ${container.name}: ${container.reason ?? `last status ${container.lastStatus ?? "unknown"}`}. ` +
      `The release stops here; the old version keeps serving.\n${output.where}`,
    quoted,
    taskArn,
  );
}

/** How many of the applied migrations a success's log line names. */
const MAX_LISTED_MIGRATIONS = 20;

/**
 * The function log's view of the output: on failure its end (as for Lambda migrations), on
 * success a short summary (the migrations applied, the last line). A success's job summary does
 * not quote the output.
 */
function logOutput(taskArn: string, output: TaskOutput, succeeded: boolean): void {
  const stream = output.log ? { logGroup: output.log.group, logStream: output.log.stream } : {};
  if (output.text === undefined) {
    log(succeeded ? "info" : "warn", "task-output", { taskArn, ...stream, note: output.where });
    return;
  }
  if (!succeeded) {
    log("warn", "task-output", {
      taskArn,
      ...stream,
      partial: output.partial,
      output: keepTail(output.text, MAX_LOGGED_OUTPUT),
    });
    return;
  }
  const applied = [...output.text.matchAll(/^\s*Applying (\S+)\.\.\./gm)].map((match) => match[1]);
  const lines = output.text.trimEnd().split("\n");
  log("info", "task-output", {
    taskArn,
    ...stream,
    partial: output.partial,
    applied: applied.length,
    migrations: applied.slice(0, MAX_LISTED_MIGRATIONS),
    lastLine: keepHead((lines.at(-1) ?? "").trim(), 200),
  });
}

function exitCodeHint(exitCode: number): string {
  if (exitCode === 137)
    return "Exit code 137: the container was killed (out of memory, or stopped). ";
  if (exitCode === 143) return "Exit code 143: the container was asked to stop (SIGTERM). ";
  if (exitCode === 2)
    return (
      "Exit code 2: the command line was refused (an unknown command or option for the image's " +
      "entry point or for manage.py); check UserParameters.command. "
    );
  if (exitCode === 126 || exitCode === 127)
    return `Exit code ${exitCode}: the command could not be run; check UserParameters.command. `;
  return "";
}

export function taskId(taskArn: string): string {
  return taskArn.split("/").pop() ?? taskArn;
}
