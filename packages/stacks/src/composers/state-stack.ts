import * as path from "node:path";
import { TerraformOutput } from "cdktf";
import { StateBucket } from "@zonke/modules";
import { ZonkeStack } from "./zonke-stack";
import type { EnvironmentContext } from "./types";
import { DEFAULT_LOCAL_STATE_DIR } from "../config/schema";

/**
 * `<project>-<env>-state`: the S3 bucket the environment's other stacks keep their state in. Its
 * own state is necessarily local (the bucket does not exist before it is applied); keep that file
 * or re-import the bucket with `terraform import` if it is lost.
 */
export function composeStateStack(context: EnvironmentContext): ZonkeStack | undefined {
  const { config, envName, env } = context;
  const backend = env.state ?? config.state;
  if (backend.backend !== "s3") return undefined;

  const localDirectory =
    config.state.backend === "local" ? config.state.directory : DEFAULT_LOCAL_STATE_DIR;
  const stack = new ZonkeStack(context.app, `${config.project}-${envName}-state`, {
    project: config.project,
    envName,
    // The bucket lives where the backend says, which may differ from the environment's region.
    env: { ...env, region: backend.region ?? env.region },
    state: { kind: "local", directory: path.resolve(context.root, localDirectory) },
  });
  const bucket = new StateBucket(stack, "StateBucket", {
    bucketName: backend.bucket,
    accountId: env.account,
  });
  new TerraformOutput(stack, "state_bucket", { value: bucket.bucket.bucketName });
  new TerraformOutput(stack, "state_kms_key_arn", { value: bucket.kmsKey.arn });
  return stack;
}
