import { Construct } from "constructs";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { PrivateBucket } from "../storage/private-bucket";
import { physicalName } from "../naming";

export interface StateBucketProps {
  /** Name of the state bucket; the access-log bucket is `<bucketName>-logs`. */
  readonly bucketName: string;
  readonly accountId: string;
  /**
   * Days to keep superseded state versions (your undo history for a bad apply).
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/**
 * The bucket that holds Terraform state for an account: versioned, encrypted with its own rotated
 * KMS key, all public access blocked, TLS only, and its access logged to a second private bucket.
 * It is created by a bootstrap stack whose own state is local, before any stack can use S3 state.
 */
export class StateBucket extends Construct {
  readonly bucket: PrivateBucket;
  readonly logBucket: PrivateBucket;
  readonly kmsKey: KmsKey;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const logBucketName = physicalName("s3Bucket", [props.bucketName, "logs"]);

    const keyPolicy = new DataAwsIamPolicyDocument(this, "KeyPolicy", {
      statement: [
        {
          sid: "AccountAdministers",
          actions: ["kms:*"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
        },
      ],
    });
    this.kmsKey = new KmsKey(this, "Key", {
      description: `Terraform state in ${props.bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "KeyAlias", {
      name: physicalName("kmsAlias", [`alias/${props.bucketName}`]),
      targetKeyId: this.kmsKey.keyId,
    });

    // S3 server access logs can only be delivered to a bucket encrypted with SSE-S3.
    this.logBucket = new PrivateBucket(this, "LogBucket", {
      bucketName: logBucketName,
      noncurrentVersionExpirationDays: 30,
      policyStatements: [
        {
          sid: "S3ServerAccessLogDelivery",
          actions: ["s3:PutObject"],
          resources: [`arn:aws:s3:::${logBucketName}/state-access/*`],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
            {
              test: "ArnLike",
              variable: "aws:SourceArn",
              values: [`arn:aws:s3:::${props.bucketName}`],
            },
          ],
        },
      ],
    });

    this.bucket = new PrivateBucket(this, "Bucket", {
      bucketName: props.bucketName,
      kmsKeyArn: this.kmsKey.arn,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays ?? 90,
      accessLogs: { bucketName: this.logBucket.bucketName, prefix: "state-access/" },
    });
  }
}
