/**
 * The health probe `zonke release` sends a Lambda server after moving its alias: the event a
 * Lambda Function URL sends for `GET <healthCheckPath>` (payload format 2.0), and the reading of
 * the answer as the Function URL would turn it into an HTTP response.
 */
import { randomUUID } from "node:crypto";

/** The User-Agent of the probe, so that app logs can tell it apart. */
export const PROBE_USER_AGENT = "zonke-release-probe";

export interface ProbeEventOptions {
  readonly path: string;
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * The host viewers use (the distribution's), sent as `x-forwarded-host` as CloudFront's viewer
   * function does. @default - none
   */
  readonly forwardedHost?: string;
  /** @default - now */
  readonly now?: Date;
}

/** A Function URL event (payload format 2.0) for `GET path`. */
export function probeEvent(options: ProbeEventOptions): Record<string, unknown> {
  const now = options.now ?? new Date();
  const at = options.path.indexOf("?");
  const rawPath = at < 0 ? options.path : options.path.slice(0, at);
  const rawQueryString = at < 0 ? "" : options.path.slice(at + 1);
  const urlId = "zonkeprobe";
  const domainName = `${urlId}.lambda-url.${options.region}.on.aws`;
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    host: domainName,
    accept: "*/*",
    "user-agent": PROBE_USER_AGENT,
    "x-forwarded-proto": "https",
    "x-forwarded-port": "443",
    "x-forwarded-for": "127.0.0.1",
    "x-amzn-trace-id": `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${requestId.replaceAll("-", "").slice(0, 24)}`,
    ...(options.forwardedHost ? { "x-forwarded-host": options.forwardedHost } : {}),
  };
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
    requestContext: {
      accountId: options.accountId,
      apiId: urlId,
      domainName,
      domainPrefix: urlId,
      http: {
        method: "GET",
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: PROBE_USER_AGENT,
      },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: formatTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
}

export type ProbeOutcome =
  | { readonly healthy: true; readonly statusCode: number; readonly note?: string }
  | { readonly healthy: false; readonly reason: string };

/**
 * Reads an Invoke answer as a Function URL would: a function error is unhealthy; else the status
 * code is the answer's `statusCode`, or the prelude's for a streamed HTTP response (JSON, 8 NUL
 * bytes, the body), or 200 for any other answer (a Function URL answers 200 with it as the body).
 * Healthy means a status below 500.
 */
export function readProbeAnswer(
  functionError: string | undefined,
  payload: Uint8Array | undefined,
): ProbeOutcome {
  const text = payload ? Buffer.from(payload).toString("utf8") : "";
  if (functionError) {
    return { healthy: false, reason: `function error (${functionError}): ${errorSummary(text)}` };
  }
  const statusCode = answerStatus(text);
  if (statusCode === undefined) {
    return { healthy: true, statusCode: 200, note: "an answer without statusCode (HTTP 200)" };
  }
  return statusCode < 500
    ? { healthy: true, statusCode }
    : { healthy: false, reason: `status ${statusCode}` };
}

const PRELUDE_END = "\0".repeat(8);

function answerStatus(text: string): number | undefined {
  const end = text.indexOf(PRELUDE_END);
  const head = end >= 0 ? text.slice(0, end) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(head);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const status = (parsed as { statusCode?: unknown }).statusCode;
  if (typeof status === "number" && Number.isInteger(status)) return status;
  if (typeof status === "string" && /^\d{3}$/.test(status)) return Number(status);
  return undefined;
}

/** `errorType: errorMessage` of a Lambda error payload, on one line and short. */
function errorSummary(text: string): string {
  let summary = text;
  try {
    const error = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    const parts = [error.errorType, error.errorMessage].filter(
      (part): part is string => typeof part === "string" && part !== "",
    );
    if (parts.length > 0) summary = parts.join(": ");
  } catch {
    // not JSON: the text itself
  }
  const line = summary.replace(/\s+/g, " ").trim();
  return line === "" ? "(no details)" : line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function queryParameters(query: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    result[key] = key in result ? `${result[key]},${value}` : value;
  }
  return result;
}

/** `24/Nov/2026:06:37:20 +0000`, the format of `requestContext.time`. */
function formatTime(date: Date): string {
  const months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
