import type { WarmAnswer } from "@zonke/lambda-runtime";

/** What one invoke achieved: an instance's warm answer, or why there is none. */
export type InvokeOutcome =
  | { readonly ok: true; readonly instanceId: string; readonly coldStart: boolean }
  | { readonly ok: false; readonly reason: string };

export const failed = (reason: string): InvokeOutcome => ({ ok: false, reason });

const MAX_REASON_LENGTH = 200;

/** The short, payload-free reason for an SDK or network error. */
export function reasonForError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `non-error thrown: ${String(error)}`;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 3)}...` : text;
}

/**
 * Reads an Invoke answer. A function error or anything other than a warm answer counts as an
 * error; the reason never quotes the payload, which may carry the app's data or secrets.
 */
export function outcomeOfAnswer(answer: {
  readonly FunctionError?: string | undefined;
  readonly Payload?: Uint8Array | undefined;
}): InvokeOutcome {
  const payload = answer.Payload ?? new Uint8Array();
  if (answer.FunctionError) {
    const errorType = readErrorType(payload);
    return failed(
      `FunctionError ${answer.FunctionError}${errorType ? `: ${errorType}` : ""} (the function failed on the warm event)`,
    );
  }
  const json = parseJson(payload);
  if (!isWarmAnswer(json)) {
    return failed(
      `not a warm answer (${payload.length} bytes): does the function handle {"zonke":"warm"} with @zonke/lambda-runtime or zonke_runtime?`,
    );
  }
  return { ok: true, instanceId: json.instanceId, coldStart: json.coldStart };
}

function isWarmAnswer(json: unknown): json is WarmAnswer {
  if (typeof json !== "object" || json === null) return false;
  const answer = json as Record<string, unknown>;
  return (
    answer["zonke"] === "warm" &&
    typeof answer["instanceId"] === "string" &&
    answer["instanceId"] !== "" &&
    typeof answer["coldStart"] === "boolean"
  );
}

/** Lambda's error payload names an errorType (e.g. "Runtime.ExitError"): safe to report. */
function readErrorType(payload: Uint8Array): string | undefined {
  const json = parseJson(payload);
  if (typeof json !== "object" || json === null) return undefined;
  const errorType = (json as Record<string, unknown>)["errorType"];
  return typeof errorType === "string" && /^[\w.:-]{1,100}$/.test(errorType)
    ? errorType
    : undefined;
}

function parseJson(payload: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
}
