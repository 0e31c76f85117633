import * as path from "node:path";
import { App, LocalBackend, S3Backend, type TerraformStack } from "cdktf";

/** Where a stack keeps its Terraform state. */
export type StateBackendConfig = LocalStateBackend | S3StateBackend;

/** State files on this machine: for trying things out and for offline work. */
export interface LocalStateBackend {
  readonly kind: "local";
  /** Absolute directory that holds one `<stack>.tfstate` per stack (kept out of `cdktf.out`). */
  readonly directory: string;
}

/** State in an S3 bucket (created by the bootstrap stack), locked with an S3 lock file. */
export interface S3StateBackend {
  readonly kind: "s3";
  readonly bucket: string;
  readonly region: string;
  /**
   * Key prefix; each stack's state is `<keyPrefix>/<stack>.tfstate`.
   * @default "zonke"
   */
  readonly keyPrefix?: string;
  /**
   * KMS key for the state objects.
   * @default - the bucket's default encryption (the bootstrap stack's KMS key)
   */
  readonly kmsKeyArn?: string;
  /**
   * Role Terraform assumes to read and write state.
   * @default - the caller's own credentials
   */
  readonly roleArn?: string;
}

/**
 * Points a stack at its state: a local file outside `cdktf.out` (synth replaces that folder), or
 * an encrypted S3 object with S3-native locking (`use_lockfile`; DynamoDB locking is deprecated
 * since Terraform 1.11 and cdktf 0.21 has no typed option for the lock file).
 */
export function configureStateBackend(stack: TerraformStack, config: StateBackendConfig): void {
  const stackName = stack.node.id;
  if (config.kind === "local") {
    const workingDir = path.resolve(App.of(stack).outdir, "stacks", stackName);
    new LocalBackend(stack, {
      path: path.relative(workingDir, path.join(config.directory, `${stackName}.tfstate`)),
    });
    return;
  }
  new S3Backend(stack, {
    bucket: config.bucket,
    key: `${config.keyPrefix ?? "zonke"}/${stackName}.tfstate`,
    region: config.region,
    encrypt: true,
    ...(config.kmsKeyArn ? { kmsKeyId: config.kmsKeyArn } : {}),
    ...(config.roleArn ? { assumeRole: { roleArn: config.roleArn } } : {}),
  });
  stack.addOverride("terraform.backend.s3.use_lockfile", true);
}
