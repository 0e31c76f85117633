import { rmSync } from "node:fs";
import { FIXTURE_ENV, fixture } from "./fixture";

/** Removes the global setup's temporary folder (extracted zips, build outputs). */
export default function globalTeardown(): void {
  if (!process.env[FIXTURE_ENV]) return;
  rmSync(fixture().workDir, { recursive: true, force: true });
}
