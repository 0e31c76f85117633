import { App, TerraformStack } from "cdktf";
import { configureStateBackend } from "@zonke/modules";
import type { LoadedConfig } from "./config/load";
import { stateBackendFor } from "./synthesize";

/**
 * Writes `<outdir>/stacks/<stackName>/cdk.tf.json` with nothing but the stack's state backend, so
 * that `terraform init` and `terraform output` there read the outputs of a deployed stack that
 * was not synthesised here (e.g. a front end's bucket, from its API's pipeline, which does not
 * build the front end). Returns the folder.
 */
export function synthesizeOutputsReader(
  loaded: LoadedConfig,
  envName: string,
  stackName: string,
  outdir: string,
): string {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, stackName);
  configureStateBackend(stack, stateBackendFor(loaded.config, envName, loaded.root));
  app.synth();
  return `${app.outdir}/stacks/${stackName}`;
}
