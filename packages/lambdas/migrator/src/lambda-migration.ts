import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import { log } from "./log";
import { failed, failureForError, type Outcome } from "./outcome";
import type { LambdaMigration } from "./parameters";
import {
  errorName,
  keepTail,
  MAX_LOGGED_OUTPUT,
  MAX_SUMMARY,
  redactUrlCredentials,
  withOutput,
} from "./text";

/**
 * The manage protocol between the migrator and the Django runtime on Lambda (zonke_runtime): the
 * migrator invokes the function synchronously with this event; the runtime runs
 * `manage.py <command> <args...>` with the function's code and settings and answers ManageAnswer.
 */
export const MANAGE_EVENT = { zonke: "manage", command: "migrate", args: ["--noinput"] } as const;

export interface ManageAnswer {
  readonly zonke: "manage";
  /** The command's exit status: 0 is success. */
  readonly exitCode: number;
  /** What the command printed, stdout and stderr together. */
  readonly output: string;
}

/** Below this, an invoke cannot do anything useful: fail at once with a clear message. */
export const MIN_INVOKE_MS = 1_000;

const COMMAND = `manage.py ${MANAGE_EVENT.command} ${MANAGE_EVENT.args.join(" ")}`;

/** Invokes the new version with the manage event and reads its answer; never throws. */
export async function migrateOnLambda(
  client: LambdaClient,
  target: LambdaMigration,
  deadlineAt: number,
): Promise<Outcome> {
  const where = `${target.functionName}:${target.qualifier}`;
  const budgetMs = deadlineAt - Date.now();
  if (budgetMs < MIN_INVOKE_MS) {
    return failed(
      "JobFailed",
      `The migrator had ${Math.max(Math.round(budgetMs), 0)} ms left before its own timeout, too little ` +
        `to run the migration on ${where}: raise the migrator's timeout (at most 900 s).`,
    );
  }
  log("info", "invoke", {
    functionName: target.functionName,
    qualifier: target.qualifier,
    event: MANAGE_EVENT,
    budgetMs: Math.round(budgetMs),
  });
  const started = Date.now();
  const deadline = AbortSignal.timeout(budgetMs);
  let answer: InvokeCommandOutput;
  try {
    answer = await client.send(
      new InvokeCommand({
        FunctionName: target.functionName,
        Qualifier: target.qualifier,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(MANAGE_EVENT)),
      }),
      { abortSignal: deadline },
    );
  } catch (error) {
    const durationMs = Date.now() - started;
    log("warn", "invoked", { error: errorName(error), durationMs });
    if (deadline.aborted) {
      return failed(
        "JobFailed",
        `The migration on ${where} did not finish within ${seconds(budgetMs)} s, the time the migrator ` +
          `had left before its own timeout (less the time kept to report). The invocation may ` +
          `still be running on the function: its log shows whether migrate finished. Give the migrator ` +
          `a longer timeout than the Django function's (both at most 900 s) and run the stage again ` +
          `(migrate is idempotent), or run long migrations as an ECS task.`,
      );
    }
    return failureForError(`Invoking ${where}`, error, hintFor(error, target));
  }
  return readAnswer(where, answer, Date.now() - started);
}

function readAnswer(where: string, answer: InvokeCommandOutput, durationMs: number): Outcome {
  const payload = new TextDecoder().decode(answer.Payload ?? new Uint8Array());
  const requestId = answer.$metadata.requestId;
  const json = parseJson(payload);
  if (answer.FunctionError) {
    const error = (typeof json === "object" && json !== null ? json : {}) as Record<
      string,
      unknown
    >;
    const errorType = typeof error["errorType"] === "string" ? error["errorType"] : "unknown";
    const errorMessage =
      typeof error["errorMessage"] === "string" ? error["errorMessage"] : payload;
    const trace = Array.isArray(error["stackTrace"])
      ? error["stackTrace"].map(String).join("\n")
      : "";
    const details = redactUrlCredentials([errorMessage, trace].filter(Boolean).join("\n"));
    log("warn", "invoked", {
      functionError: answer.FunctionError,
      errorType,
      durationMs,
      output: keepTail(details, MAX_LOGGED_OUTPUT),
    });
    const timedOut = errorType === "Sandbox.Timedout" || /Task timed out after/.test(errorMessage);
    return failed(
      "JobFailed",
      timedOut
        ? `The migration on ${where} ran into the Django function's own timeout. Raise the function's ` +
            `timeout (at most 900 s) or run long migrations as an ECS task; then run the stage again.`
        : `The migration on ${where} failed: the function raised ${errorType} (FunctionError ` +
            `${answer.FunctionError}) instead of answering with the command's exit code.`,
      details,
      requestId,
    );
  }
  if (!isManageAnswer(json)) {
    log("warn", "invoked", { answer: describeJson(json, payload), durationMs });
    return failed(
      "ConfigurationError",
      `${where} did not answer the manage event with a manage result (it answered ${describeJson(json, payload)}): ` +
        `its runtime must handle {"zonke":"manage","command":...,"args":[...]} and answer ` +
        `{"zonke":"manage","exitCode":<int>,"output":<string>} (zonke_runtime does). Is this the Django function?`,
      undefined,
      requestId,
    );
  }
  const output = redactUrlCredentials(json.output);
  log(json.exitCode === 0 ? "info" : "warn", "invoked", {
    exitCode: json.exitCode,
    durationMs,
    output: keepTail(output, MAX_LOGGED_OUTPUT),
  });
  if (json.exitCode === 0) {
    return {
      result: "succeeded",
      summary: withOutput(
        `Migrated: ${COMMAND} exited 0 on ${where} in ${seconds(durationMs)} s.`,
        output,
        MAX_SUMMARY,
      ),
      ...(requestId ? { externalExecutionId: requestId } : {}),
    };
  }
  return failed(
    "JobFailed",
    `Migration failed: ${COMMAND} exited ${json.exitCode} on ${where}. The release stops here; the ` +
      `old version keeps serving.`,
    output,
    requestId,
  );
}

function isManageAnswer(json: unknown): json is ManageAnswer {
  if (typeof json !== "object" || json === null) return false;
  const answer = json as Record<string, unknown>;
  return (
    answer["zonke"] === "manage" &&
    Number.isInteger(answer["exitCode"]) &&
    typeof answer["output"] === "string"
  );
}

/** Says what an unexpected answer is without quoting it (it may carry the app's data). */
function describeJson(json: unknown, payload: string): string {
  if (json === undefined) return `${payload.length} bytes that are not JSON`;
  if (json === null || typeof json !== "object")
    return `a JSON ${json === null ? "null" : typeof json}`;
  if (Array.isArray(json)) return `a JSON array of ${json.length} items`;
  const keys = Object.keys(json).slice(0, 8);
  return keys.length === 0
    ? "an empty JSON object"
    : `a JSON object with keys ${keys.map((key) => JSON.stringify(key)).join(", ")}`;
}

function hintFor(error: unknown, target: LambdaMigration): string | undefined {
  switch (errorName(error)) {
    case "ResourceNotFoundException":
      return `Is ${target.qualifier} a published version of ${target.functionName}?`;
    case "AccessDeniedException":
      return `The migrator's role needs lambda:InvokeFunction on ${target.functionName}:*`;
    case "TooManyRequestsException":
      return "The function's concurrency is used up; run the stage again once it has room";
    default:
      return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
