/**
 * The output of an ECS migration task, for the job's message. Where the container's log is comes
 * from the task definition the task ran (DescribeTaskDefinition: the container's awslogs
 * configuration), and the end of the log from CloudWatch Logs (GetLogEvents, newest first, a few
 * pages at most). Reading is best effort: whatever goes wrong becomes a sentence of the message
 * (what could not be read, why, where to look), never the job's outcome.
 */
import { GetLogEventsCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import {
  DescribeTaskDefinitionCommand,
  type Container,
  type ContainerDefinition,
  type ECSClient,
  type Task,
} from "@aws-sdk/client-ecs";
import type { EcsMigration } from "./parameters";
import { describeError, errorName, MAX_LOGGED_OUTPUT, redactUrlCredentials } from "./text";

/** Events asked for per GetLogEvents page (one event is one line of the container's output). */
export const LOG_PAGE_EVENTS = 100;
/** At most this many pages are read, newest first. */
export const MAX_LOG_PAGES = 5;
/** Reading stops once this much of the end of the log is in: a message keeps at most 5000. */
export const MAX_READ_CHARACTERS = MAX_LOGGED_OUTPUT;

export interface TaskOutputRequest {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  readonly target: EcsMigration;
  readonly taskArn: string;
  readonly task: Task;
  /** The container that ran the command (DescribeTasks' view of it). */
  readonly container: Container;
  /** Calls still running then are given up (epoch ms). */
  readonly deadlineAt: number;
}

/** Where an awslogs container's output is. */
export interface LogStream {
  readonly group: string;
  readonly stream: string;
  readonly region: string;
}

export interface TaskOutput {
  /** For the message: where the output is, or why it is not quoted and where to look. */
  readonly where: string;
  /** The end of the output (passwords in URLs hidden), when it could be read. */
  readonly text?: string;
  /** Whether `text` is only the end of the log: reading stopped before the log's start. */
  readonly partial: boolean;
  /** The stream, when the task definition named one. */
  readonly log?: LogStream;
}

/** Finds and reads the end of the container's log; never throws. */
export async function readTaskOutput(request: TaskOutputRequest): Promise<TaskOutput> {
  const found = await findLogStream(request);
  if (typeof found === "string") return { where: found, partial: false };
  const log = found;
  const at = inCloudWatch(log, partitionOf(request.taskArn));
  const ownRegion = await ownRegionOf(request.logs);
  if (ownRegion !== undefined && log.region !== ownRegion) {
    return {
      where:
        `Its output is in region ${log.region} (the migrator reads logs only in its own region, ` +
        `${ownRegion}), ${at}`,
      partial: false,
      log,
    };
  }
  const deadline = AbortSignal.timeout(Math.max(request.deadlineAt - Date.now(), 1));
  try {
    const { text, partial } = await readLogEnd(request.logs, log, deadline);
    if (text.trim() === "") {
      const empty = partial ? "The end of its log is empty" : "Its log is empty";
      return { where: `${empty} (the container printed nothing): ${at}`, partial, log };
    }
    return { where: `Its output is in ${at}`, text: redactUrlCredentials(text), partial, log };
  } catch (error) {
    const reason = describeReadError(error, "CloudWatch Logs");
    let where: string;
    if (deadline.aborted) {
      where = `Its output could not be read before the migrator's own timeout. Look in ${at}`;
    } else if (errorName(error) === "ResourceNotFoundException") {
      where =
        `No output to quote (${reason}): the container printed nothing, or ` +
        `did not start. Its log would be in ${at}`;
    } else if (errorName(error) === "AccessDeniedException") {
      where =
        `Its output could not be read (${reason}): the migrator's role needs ` +
        `logs:GetLogEvents on log group ${log.group}. Look in ${at}`;
    } else {
      where = `Its output could not be read (${reason}). Look in ${at}`;
    }
    return { where, partial: false, log };
  }
}

/** The container's log stream, or a sentence saying why there is none to read. */
async function findLogStream(request: TaskOutputRequest): Promise<LogStream | string> {
  const { target, taskArn, task, container } = request;
  const taskDefinition = task.taskDefinitionArn ?? target.taskDefinition;
  const name = taskDefinition.split("/").pop() ?? taskDefinition;
  const id = taskArn.split("/").pop() ?? taskArn;
  let definition: ContainerDefinition | undefined;
  try {
    const answer = await request.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }), {
      abortSignal: AbortSignal.timeout(Math.max(request.deadlineAt - Date.now(), 1)),
    });
    definition = answer.taskDefinition?.containerDefinitions?.find(
      (candidate) => candidate.name === container.name,
    );
  } catch (error) {
    const hint =
      errorName(error) === "AccessDeniedException"
        ? `; the migrator's role needs ecs:DescribeTaskDefinition (resource "*")`
        : "";
    return (
      `Its output could not be read: DescribeTaskDefinition ${name} failed ` +
      `(${describeReadError(error, "ECS")})${hint}. ${logLocation(target, taskArn)}`
    );
  }
  if (!definition) {
    return (
      `Its output could not be found: task definition ${name} has no container named ` +
      `${container.name}. ${logLocation(target, taskArn)}`
    );
  }
  const config = definition.logConfiguration;
  if (!config) {
    return (
      `The container ${container.name} has no logConfiguration in task definition ${name}, so ` +
      `its output was not kept: give it the awslogs log driver to see the output here.`
    );
  }
  if (config.logDriver !== "awslogs") {
    return (
      `The container ${container.name} logs with the ${config.logDriver} driver, not awslogs, so ` +
      `the migrator cannot quote its output: look for task ${id} where that driver sends it.`
    );
  }
  const options = config.options ?? {};
  const group = options["awslogs-group"];
  if (!group) {
    return `The container ${container.name}'s awslogs options in task definition ${name} name no awslogs-group.`;
  }
  // awslogs names the stream `<prefix>/<container>/<task id>`; without a prefix (EC2 only), after
  // the Docker container id, which DescribeTasks reports as the container's runtimeId.
  const prefix = options["awslogs-stream-prefix"];
  const stream = prefix ? `${prefix}/${container.name}/${id}` : container.runtimeId;
  if (!stream) {
    return (
      `Its output is in CloudWatch Logs, group ${group}, in the stream named after the ` +
      `container's Docker id, which ECS did not report (the task definition sets no awslogs-stream-prefix).`
    );
  }
  return { group, stream, region: options["awslogs-region"] ?? regionOf(taskArn) };
}

/**
 * Reads the log backwards from its end, page by page, until MAX_READ_CHARACTERS are in, the log's
 * start is reached (GetLogEvents then answers the token it was given), or MAX_LOG_PAGES were read.
 */
async function readLogEnd(
  logs: CloudWatchLogsClient,
  log: LogStream,
  abortSignal: AbortSignal,
): Promise<{ text: string; partial: boolean }> {
  const pages: string[][] = [];
  let characters = 0;
  let token: string | undefined;
  for (let page = 0; page < MAX_LOG_PAGES && characters < MAX_READ_CHARACTERS; page += 1) {
    const answer = await logs.send(
      new GetLogEventsCommand({
        logGroupName: log.group,
        logStreamName: log.stream,
        startFromHead: false,
        limit: LOG_PAGE_EVENTS,
        ...(token !== undefined ? { nextToken: token } : {}),
      }),
      { abortSignal },
    );
    const lines = (answer.events ?? []).map((event) => (event.message ?? "").replace(/\r?\n$/, ""));
    pages.unshift(lines);
    characters += lines.reduce((sum, line) => sum + line.length + 1, 0);
    if (answer.nextBackwardToken === undefined || answer.nextBackwardToken === token) {
      return { text: pages.flat().join("\n"), partial: false };
    }
    token = answer.nextBackwardToken;
  }
  return { text: pages.flat().join("\n"), partial: true };
}

/**
 * Where the output is, from UserParameters.logGroup and logStreamPrefix: used when the task
 * definition cannot be read.
 */
function logLocation(target: EcsMigration, taskArn: string): string {
  const id = taskArn.split("/").pop() ?? taskArn;
  if (!target.logGroup) {
    return `Its output is in the container's log for task ${id} (see the task definition's logConfiguration).`;
  }
  if (!target.logStreamPrefix) {
    return `Its output is in CloudWatch Logs, group ${target.logGroup}, the stream ending in /${target.container}/${id}.`;
  }
  const stream = `${target.logStreamPrefix}/${target.container}/${id}`;
  const log = { group: target.logGroup, stream, region: regionOf(taskArn) };
  return `Its output is in ${inCloudWatch(log, partitionOf(taskArn))}`;
}

/** "CloudWatch Logs, group G, stream S: <console link>" (ends a sentence). */
function inCloudWatch(log: LogStream, partition: string | undefined): string {
  const place = `CloudWatch Logs, group ${log.group}, stream ${log.stream}`;
  if (partition !== "aws" || !log.region) return `${place}.`;
  const url =
    `https://${log.region}.console.aws.amazon.com/cloudwatch/home?region=${log.region}#logsV2:` +
    `log-groups/log-group/${consoleEncode(log.group)}/log-events/${consoleEncode(log.stream)}`;
  return `${place}: ${url}`;
}

/** The CloudWatch console's encoding of names in its URL fragment ("/" -> "$252F"). */
function consoleEncode(name: string): string {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, "$");
}

/**
 * One line for the message. An HTTP error that is not an AWS error (no `$fault`: a proxy's 403
 * page, say) reaches here as the SDK's parse error, whose message runs over several lines.
 */
function describeReadError(error: unknown, service: string): string {
  const described = describeError(error).split("\n")[0] ?? "";
  const answer = error as { $fault?: string; $metadata?: { httpStatusCode?: number } };
  const status = answer.$metadata?.httpStatusCode;
  return status !== undefined && status >= 300 && answer.$fault === undefined
    ? `${service} answered HTTP ${status}, which is not an AWS error: ${described}`
    : described;
}

/** The region the logs client reads in (undefined if it has none: its calls then fail). */
async function ownRegionOf(logs: CloudWatchLogsClient): Promise<string | undefined> {
  try {
    return await logs.config.region();
  } catch {
    return undefined;
  }
}

function partitionOf(arn: string): string | undefined {
  return arn.split(":")[1];
}

function regionOf(arn: string): string {
  return arn.split(":")[3] ?? "";
}
