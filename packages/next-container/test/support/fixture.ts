import { readFileSync } from "node:fs";

/** Where the global setup left the run's shared paths (a JSON file). */
export const FIXTURE_ENV = "ZONKE_NEXT_CONTAINER_FIXTURE";

export interface Fixture {
  /** example-next's directory (where next build ran). */
  readonly appDir: string;
  /** The temporary directory of this run, outside the repository. */
  readonly workDir: string;
  /** The build context the real CLI wrote with --context-only. */
  readonly contextDir: string;
  /** The CLI's stdout and stderr for that run. */
  readonly cliOut: string;
  readonly cliErr: string;
  /** The compiled CLI (dist/cli.js). */
  readonly cli: string;
}

export function fixture(): Fixture {
  const file = process.env[FIXTURE_ENV];
  if (!file) throw new Error(`${FIXTURE_ENV} is not set: run the tests with jest (globalSetup)`);
  return JSON.parse(readFileSync(file, "utf8")) as Fixture;
}
