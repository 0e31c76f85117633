/**
 * `next build` of an app only when its standalone output is missing or older than any of its
 * sources (the rule next-server's test setup uses): a full build takes minutes on two cores.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

const SOURCES = ["app", "public", "proxy.ts", "middleware.ts", "next.config.ts", "package.json"];

export function ensureNextBuild(appDir: string): void {
  const standalone = path.join(appDir, ".next", "standalone");
  const buildId = path.join(appDir, ".next", "BUILD_ID");
  const built = existsSync(standalone) && existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = SOURCES.map((name) => path.join(appDir, name)).filter((file) => existsSync(file));
  if (built > 0 && sources.every((source) => newestMtime(source) <= built)) return;
  execFileSync("npx", ["next", "build"], {
    cwd: appDir,
    stdio: "pipe",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

export function newestMtime(file: string): number {
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(file).reduce(
    (newest, name) => Math.max(newest, newestMtime(path.join(file, name))),
    stats.mtimeMs,
  );
}
