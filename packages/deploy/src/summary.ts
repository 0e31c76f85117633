import type { SyncResult } from "./sync";

/** `1536` -> `1.5 KiB` */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function files(n: number): string {
  return `${n} file${n === 1 ? "" : "s"}`;
}

/**
 * The closing line: what changed (or would, in a dry run), bytes, invalidated paths and time, e.g.
 * `uploaded 3 files (12.0 KiB), 5 unchanged, deleted 0 files, invalidated 1 path (I2J...): /a.png in 1.2 s`
 */
export function formatSummary(result: SyncResult): string {
  const [upload, remove, invalidate] = result.dryRun
    ? ["would upload", "would delete", "would invalidate"]
    : ["uploaded", "deleted", "invalidated"];
  const parts = [
    `${upload} ${files(result.uploaded)} (${formatBytes(result.uploadedBytes)})`,
    `${result.unchanged} unchanged`,
    `${remove} ${files(result.deleted)}`,
  ];
  if (result.retained > 0) parts.push(`kept ${files(result.retained)} no longer in the build`);
  const paths = result.invalidationPaths;
  const shown = `${paths.slice(0, 5).join(" ")}${paths.length > 5 ? " ..." : ""}`;
  const noun = `${paths.length} path${paths.length === 1 ? "" : "s"}`;
  if (paths.length === 0) parts.push("nothing to invalidate");
  else if (result.invalidationSkipped) parts.push(`${noun} left to invalidate (no distribution)`);
  else {
    const id = result.invalidationId ? ` (${result.invalidationId})` : "";
    parts.push(`${invalidate} ${noun}${id}: ${shown}`);
  }
  const dry = result.dryRun ? "dry run, nothing changed: " : "";
  return `${dry}${parts.join(", ")} in ${result.seconds.toFixed(1)} s`;
}
