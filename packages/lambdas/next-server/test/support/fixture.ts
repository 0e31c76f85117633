/** The packaged example app, prepared once per run by ./global-setup.ts. */
import { readFileSync } from "node:fs";

export interface Fixture {
  /** The extracted zip (Lambda's /var/task). */
  readonly taskRoot: string;
  /** From artifact.json: `index.handler`. */
  readonly handler: string;
  readonly zipFile: string;
  readonly artifactFile: string;
  readonly outDir: string;
  readonly workDir: string;
  /** The package CLI's output. */
  readonly packageLog: string;
  /** Stands in for the runtime's /var/runtime/node_modules: only `@aws-sdk` (./global-setup.ts). */
  readonly runtimeModules: string;
}

export const FIXTURE_ENV = "ZONKE_NEXT_SERVER_FIXTURE";

export function fixture(): Fixture {
  const file = process.env[FIXTURE_ENV];
  if (!file) throw new Error(`${FIXTURE_ENV} is not set: run the tests through jest`);
  return JSON.parse(readFileSync(file, "utf8")) as Fixture;
}
