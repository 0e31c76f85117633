/** What ./global-setup.ts prepared once per run: the built app and each function, extracted. */
import { readFileSync } from "node:fs";

export interface ExtractedFunction {
  /** The extracted zip (Lambda's /var/task), outside the repository. */
  readonly taskRoot: string;
  /** From artifact.json, e.g. `index.handler`. */
  readonly handler: string;
}

export interface E2eFixture {
  /** example-next, built: `.next/static` and `public/` are what the assets bucket holds. */
  readonly appDir: string;
  readonly server: ExtractedFunction;
  readonly imageOptimizer: ExtractedFunction;
  readonly edgeSigner: ExtractedFunction;
  /** Stands in for the runtime's /var/runtime/node_modules: holds the AWS SDK v3 only. */
  readonly runtimeModules: string;
  readonly workDir: string;
}

export const FIXTURE_ENV = "ZONKE_E2E_FIXTURE";

export function fixture(): E2eFixture {
  const file = process.env[FIXTURE_ENV];
  if (!file) throw new Error(`${FIXTURE_ENV} is not set: run the tests through jest`);
  return JSON.parse(readFileSync(file, "utf8")) as E2eFixture;
}
