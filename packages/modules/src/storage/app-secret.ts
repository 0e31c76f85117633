import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { physicalName } from "../naming";

export interface AppSecretProps {
  /** Secret name, e.g. `shop/prod/web`. */
  readonly name: string;
  /** Keys the app expects (documentation on the secret; values are set with `zonke secrets`). */
  readonly keys: readonly string[];
  /** @default - the account's AWS-managed key for Secrets Manager */
  readonly kmsKeyArn?: string;
  /** Days a deleted secret can be restored. @default 30 */
  readonly recoveryWindowDays?: number;
}

/**
 * An app's secrets: one Secrets Manager secret holding a JSON object of KEY -> value. Terraform
 * creates only the container, never a version, so no value ever passes through Terraform's plan
 * or state; values are written by `zonke secrets` with the AWS SDK.
 */
export class AppSecret extends Construct {
  readonly arn: string;
  readonly name: string;

  constructor(scope: Construct, id: string, props: AppSecretProps) {
    super(scope, id);
    const secret = new SecretsmanagerSecret(this, "Resource", {
      name: physicalName("secret", [props.name]),
      description:
        props.keys.length > 0
          ? `App secrets (JSON): ${props.keys.join(", ")}. Set with zonke secrets.`
          : "App secrets (JSON). Set with zonke secrets.",
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
      ...(props.kmsKeyArn ? { kmsKeyId: props.kmsKeyArn } : {}),
    });
    this.arn = secret.arn;
    this.name = secret.name;
  }
}
