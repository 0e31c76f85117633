import { readFileSync, rmSync } from "node:fs";

/** Removes the global setup's temporary directory. */
export default function globalTeardown(): void {
  const file = process.env["ZONKE_NEXT_SERVER_FIXTURE"];
  if (!file) return;
  const { workDir } = JSON.parse(readFileSync(file, "utf8")) as { workDir: string };
  rmSync(workDir, { recursive: true, force: true });
}
