/**
 * One JSON line per event (the function's log group uses the JSON format). Never the request's
 * headers: they may carry the viewer's cookies.
 */
export function logEvent(
  level: "info" | "warn" | "error",
  message: string,
  fields: Record<string, unknown> = {},
): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.info(line);
}
