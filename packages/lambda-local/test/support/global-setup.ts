/**
 * Builds dist/ before the tests: instances run dist/lambda-host.js in a child process, so the
 * tests would otherwise exercise whatever was built last.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

export default function globalSetup(): void {
  execFileSync(
    process.execPath,
    [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: path.resolve(__dirname, "../.."), stdio: "pipe" },
  );
}
