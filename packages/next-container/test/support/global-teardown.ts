import { readFileSync, rmSync } from "node:fs";
import { FIXTURE_ENV } from "./fixture";

/** Removes the global setup's temporary directory. */
export default function globalTeardown(): void {
  const file = process.env[FIXTURE_ENV];
  if (!file) return;
  const { workDir } = JSON.parse(readFileSync(file, "utf8")) as { workDir: string };
  rmSync(workDir, { recursive: true, force: true });
}
