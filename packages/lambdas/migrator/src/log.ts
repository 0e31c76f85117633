/**
 * One JSON line per step on stdout (CloudWatch Logs keeps each line as one event). Fields are plain
 * values chosen by the caller: never the raw event, which carries the job's artifact credentials.
 */
export type Level = "info" | "warn" | "error";

export function log(level: Level, step: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level, step, ...fields }));
}
