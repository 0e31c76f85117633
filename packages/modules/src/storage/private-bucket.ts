import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { physicalName } from "../naming";

export interface PrivateBucketProps {
  /** Exact bucket name; validated against S3's naming rules. */
  readonly bucketName: string;
  /**
   * KMS key ARN for SSE-KMS (with an S3 bucket key to keep KMS calls cheap).
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /** @default true */
  readonly versioned?: boolean;
  /**
   * Days after which non-current object versions are deleted.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Bucket that receives S3 server access logs, and the key prefix to use.
   * @default - no access logs
   */
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
  /**
   * Extra bucket policy statements (for example a CloudFront read grant). Deny of non-TLS access is
   * always present.
   * @default - none
   */
  readonly policyStatements?: DataAwsIamPolicyDocumentStatement[];
  /**
   * Allow `terraform destroy` to delete a bucket that still holds objects.
   * @default false
   */
  readonly forceDestroy?: boolean;
}

/**
 * An S3 bucket that nobody reaches except through a policy that says so: all four public-access
 * blocks on, ACLs disabled (bucket owner enforced), encryption at rest, TLS-only access, versioning
 * with a bound on old versions, and aborted multipart uploads cleaned up.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const versioned = props.versioned ?? true;

    this.bucket = new S3Bucket(this, "Resource", {
      bucket: physicalName("s3Bucket", [props.bucketName]),
      forceDestroy: props.forceDestroy ?? false,
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });

    new S3BucketOwnershipControls(this, "Ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });

    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: this.bucket.id,
      rule: [
        props.kmsKeyArn
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: "aws:kms",
                kmsMasterKeyId: props.kmsKeyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });

    new S3BucketVersioningA(this, "Versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: versioned ? "Enabled" : "Suspended" },
    });

    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{ prefix: "" }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(versioned
          ? [
              {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: [{ prefix: "" }],
                noncurrentVersionExpiration: [
                  { noncurrentDays: props.noncurrentVersionExpirationDays ?? 90 },
                ],
              },
            ]
          : []),
      ],
    });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "AccessLogs", {
        bucket: this.bucket.id,
        targetBucket: props.accessLogs.bucketName,
        targetPrefix: props.accessLogs.prefix,
      });
    }

    const policy = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(props.policyStatements ?? []),
      ],
    });

    new S3BucketPolicy(this, "Policy", {
      bucket: this.bucket.id,
      policy: policy.json,
      // A policy put before the public access block exists can be refused as "public".
      dependsOn: [publicAccessBlock],
    });
  }
}
