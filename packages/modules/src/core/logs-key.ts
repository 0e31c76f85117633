import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

export interface LogsKeyProps {
  readonly description: string;
  readonly region: string;
  readonly accountId: string;
  /**
   * Days KMS waits before deleting the key after `terraform destroy`.
   * @default 30
   */
  readonly deletionWindowDays?: number;
}

/**
 * A KMS key (rotated yearly) that CloudWatch Logs may use for this account's log groups in this
 * region, and nothing else outside the account.
 */
export class LogsKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, "Policy", {
      statement: [
        {
          sid: "AccountAdministers",
          actions: ["kms:*"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
        },
        {
          sid: "CloudWatchLogsUse",
          actions: [
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
          ],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [`logs.${props.region}.amazonaws.com`] }],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [`arn:aws:logs:${props.region}:${props.accountId}:log-group:*`],
            },
          ],
        },
      ],
    });
    this.key = new KmsKey(this, "Resource", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policy.json,
    });
    this.arn = this.key.arn;
  }
}
