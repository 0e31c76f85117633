import { HttpError } from "./http-error";

/** The parts of a Function URL (payload 2.0) event the optimiser reads. */
export interface ImageEvent {
  readonly method: string;
  readonly rawQueryString: string;
  /** Lower-case names (as Function URLs deliver them). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Reads the event defensively: a direct invoke, a test event or a future payload change must give
 * a 400, not an exception.
 */
export function readEvent(event: unknown): ImageEvent {
  const record = asRecord(event);
  const http = asRecord(asRecord(record?.["requestContext"])?.["http"]);
  const method = http?.["method"];
  const rawQueryString = record?.["rawQueryString"];
  if (typeof method !== "string" || typeof rawQueryString !== "string") {
    throw new HttpError(400, "Malformed request event");
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(asRecord(record?.["headers"]) ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  return { method: method.toUpperCase(), rawQueryString, headers };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
