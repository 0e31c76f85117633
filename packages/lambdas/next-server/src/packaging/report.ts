/** Sizes for people: what the package holds and what takes the room. */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** MiB from 1 MiB up, KiB below, so that small savings do not read as 0.0 MiB. */
export function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? mib(bytes) : kib(bytes);
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function totalBytes(files: ReadonlyMap<string, Uint8Array>): number {
  let total = 0;
  for (const bytes of files.values()) total += bytes.length;
  return total;
}

/** The `count` largest files, largest first (ties by path, so the list is stable). */
export function largestFiles(
  files: ReadonlyMap<string, Uint8Array>,
  count: number,
): Array<{ path: string; bytes: number }> {
  return [...files]
    .map(([path, bytes]) => ({ path, bytes: bytes.length }))
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, count);
}

export function formatLargest(largest: ReadonlyArray<{ path: string; bytes: number }>): string[] {
  return largest.map(({ path, bytes }) => `  ${kib(bytes).padStart(12)}  ${path}`);
}
