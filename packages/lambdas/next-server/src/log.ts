/**
 * One JSON line per event worth reading (the function's log group uses the JSON format): init,
 * request errors. Nothing per request by default. Never headers, cookies, query strings or
 * bodies: they may carry the viewer's credentials.
 */
export type LogFields = Record<string, unknown>;

export function logLine(
  level: "info" | "warn" | "error",
  message: string,
  fields: LogFields = {},
): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.info(line);
}

/** The parts of an error worth logging; the stack goes to the log, never to the client. */
export function errorFields(error: unknown): LogFields {
  if (typeof error === "object" && error !== null) {
    const { name, message, stack } = error as {
      name?: unknown;
      message?: unknown;
      stack?: unknown;
    };
    return { errorName: String(name ?? "Error"), errorMessage: String(message), stack };
  }
  return { errorName: "thrown value", errorMessage: String(error) };
}
