// Deterministic zips: entries sorted by path, one fixed timestamp, fixed Unix permissions, so the
// same inputs give the same bytes (and the same sha256, which decides whether Terraform deploys).
import { zipSync } from "fflate";

// DOS time has no zone: fflate reads local components, so build the date from local components.
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX = 3;
const REGULAR_FILE_0644 = 0o100644 << 16;

/** @param {Map<string, Uint8Array>} files zip path -> contents */
export function deterministicZip(files) {
  const entries = {};
  for (const path of [...files.keys()].sort()) {
    entries[path] = [
      files.get(path),
      { level: 9, mtime: FIXED_MTIME, os: UNIX, attrs: REGULAR_FILE_0644 },
    ];
  }
  return Buffer.from(zipSync(entries));
}
