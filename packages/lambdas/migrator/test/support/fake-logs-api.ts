/**
 * A fake of CloudWatch Logs' GetLogEvents on 127.0.0.1 in AWS JSON 1.1 (`X-Amz-Target:
 * Logs_20140328.GetLogEvents`), used through the real CloudWatchLogsClient. Streams are written
 * by the fake ECS (its awslogs driver: one event per line the container prints) or by `put`.
 * GetLogEvents answers as CloudWatch Logs documents it (and as moto does, see ecs-moto.test.ts):
 *
 * - `startFromHead: false` and no token: the newest `limit` events (default 10000), oldest first;
 *   `startFromHead: true`: the oldest;
 * - `nextBackwardToken` leads to the events before a page, `nextForwardToken` to those after it;
 *   past either end the answer has no events and the token it was given;
 * - a missing group or stream is a ResourceNotFoundException; `refuse()` answers every call with
 *   an error until `allow()` (e.g. AccessDeniedException, as for a role without logs:GetLogEvents).
 */
import { jsonAnswer, jsonError, listen, type Reply } from "./http-fake";

export interface FakeLogs {
  readonly endpoint: string;
  /** GetLogEvents requests as received (refused ones too). */
  readonly requests: Record<string, any>[];
  createLogGroup(group: string): void;
  /** Appends events (one per message) to a stream of an existing group, creating the stream. */
  put(group: string, stream: string, messages: readonly string[]): void;
  /** The stream's messages, oldest first (undefined: no such stream). */
  stream(group: string, stream: string): readonly string[] | undefined;
  /** Answers every call with this error: a typed AWS error, or a bare status without a type. */
  refuse(status: number, type?: string, message?: string): void;
  allow(): void;
  close(): Promise<void>;
}

const TARGET = "Logs_20140328.GetLogEvents";
const MAX_LIMIT = 10_000;

interface Event {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
}

export async function startFakeLogs(): Promise<FakeLogs> {
  const groups = new Map<string, Map<string, Event[]>>();
  const requests: Record<string, any>[] = [];
  let refusal: Reply | undefined;

  function getLogEvents(request: Record<string, any>): Reply {
    const groupName = request["logGroupName"] ?? request["logGroupIdentifier"];
    const limit = request["limit"] ?? MAX_LIMIT;
    if (typeof groupName !== "string" || typeof request["logStreamName"] !== "string") {
      return jsonError(
        400,
        "InvalidParameterException",
        "logGroupName and logStreamName are required.",
      );
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return jsonError(
        400,
        "InvalidParameterException",
        `limit ${limit} is not in 1..${MAX_LIMIT}.`,
      );
    }
    const group = groups.get(groupName);
    if (!group)
      return jsonError(400, "ResourceNotFoundException", "The specified log group does not exist.");
    const events = group.get(request["logStreamName"]);
    if (!events) {
      return jsonError(
        400,
        "ResourceNotFoundException",
        "The specified log stream does not exist.",
      );
    }
    const token: unknown = request["nextToken"];
    let from: number;
    let to: number; // events[from, to)
    if (token === undefined) {
      [from, to] = request["startFromHead"]
        ? [0, Math.min(limit, events.length)]
        : [Math.max(events.length - limit, 0), events.length];
    } else {
      const match = typeof token === "string" ? /^([bf])\/(\d+)$/.exec(token) : null;
      const index = Number(match?.[2]);
      if (!match || index > events.length) {
        return jsonError(400, "InvalidParameterException", "The specified nextToken is invalid.");
      }
      [from, to] =
        match[1] === "b"
          ? [Math.max(index - limit, 0), index]
          : [index, Math.min(index + limit, events.length)];
    }
    if (from === to && token !== undefined) {
      return jsonAnswer({ events: [], nextForwardToken: token, nextBackwardToken: token });
    }
    return jsonAnswer({
      events: events.slice(from, to),
      nextForwardToken: `f/${to}`,
      nextBackwardToken: `b/${from}`,
    });
  }

  const server = await listen((request) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    if (!String(request.headers["authorization"] ?? "").includes("/logs/aws4_request")) {
      return jsonError(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
      );
    }
    if (request.headers["content-type"] !== "application/x-amz-json-1.1") {
      return jsonError(
        400,
        "SerializationException",
        `content-type ${request.headers["content-type"]}`,
      );
    }
    if (target !== TARGET)
      return jsonError(400, "UnknownOperationException", `unknown operation ${target}`);
    const body = JSON.parse(request.body || "{}") as Record<string, any>;
    requests.push(body);
    return refusal ?? getLogEvents(body);
  });

  return {
    endpoint: server.endpoint,
    requests,
    createLogGroup: (group) => {
      if (!groups.has(group)) groups.set(group, new Map());
    },
    put: (group, stream, messages) => {
      const streams = groups.get(group);
      if (!streams) throw new Error(`fake logs: no log group ${group}`);
      const events = streams.get(stream) ?? [];
      streams.set(stream, events);
      const now = Date.now();
      for (const message of messages) events.push({ timestamp: now, message, ingestionTime: now });
    },
    stream: (group, stream) =>
      groups
        .get(group)
        ?.get(stream)
        ?.map((event) => event.message),
    refuse: (status, type, message = "refused") => {
      refusal = type
        ? jsonError(status, type, message)
        : { status, headers: { "content-type": "text/plain" }, body: message };
    },
    allow: () => {
      refusal = undefined;
    },
    close: () => server.close(),
  };
}
