import { Construct } from "constructs";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import type {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { LogsKey } from "../core/logs-key";
import { physicalName } from "../naming";
import { PrivateBucket } from "../storage/private-bucket";

export interface ArtifactStoreProps {
  /** The pipeline's name prefix; the key alias is `alias/<name>-pipeline`. */
  readonly name: string;
  readonly bucketName: string;
  readonly region: string;
  readonly accountId: string;
  readonly expirationDays: number;
  readonly accessLogs?: { readonly bucketName: string; readonly prefix: string };
  readonly forceDestroy: boolean;
}

/**
 * Where a pipeline passes artifacts from stage to stage: a private, versioned, TLS-only bucket
 * encrypted with the pipeline's own rotated KMS key, whose artifacts expire. The key is a LogsKey
 * so that the build logs can be encrypted with it too; the pipeline and builds use it through
 * their IAM policies (the key policy delegates to the account).
 */
export class ArtifactStore extends Construct {
  readonly bucket: PrivateBucket;
  /** The bucket's name as given (for ARNs); `bucket.bucketName` is the reference. */
  readonly bucketName: string;
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps) {
    super(scope, id);
    const key = new LogsKey(this, "Key", {
      description: `CodePipeline artifacts and build logs of ${props.name}`,
      region: props.region,
      accountId: props.accountId,
    });
    new KmsAlias(this, "KeyAlias", {
      name: physicalName("kmsAlias", [`alias/${props.name}`, "pipeline"]),
      targetKeyId: key.key.keyId,
    });
    this.keyArn = key.arn;

    this.bucket = new PrivateBucket(this, "Bucket", {
      bucketName: props.bucketName,
      kmsKeyArn: key.arn,
      // An expired artifact becomes a non-current version; a week is enough to recover one.
      noncurrentVersionExpirationDays: 7,
      forceDestroy: props.forceDestroy,
      ...(props.accessLogs ? { accessLogs: props.accessLogs } : {}),
    });
    this.bucketName = props.bucketName;
    expireCurrentObjects(this.bucket, props.expirationDays);
  }
}

/**
 * PrivateBucket bounds old versions only; artifacts themselves must expire too. A bucket takes
 * one lifecycle configuration, so the rules go into PrivateBucket's (its escape hatch: the
 * sub-resource by its construct id).
 */
function expireCurrentObjects(bucket: PrivateBucket, days: number): void {
  const lifecycle = bucket.node.findChild("Lifecycle") as S3BucketLifecycleConfiguration;
  const rules = (lifecycle.ruleInput ?? []) as S3BucketLifecycleConfigurationRule[];
  lifecycle.putRule([
    ...rules,
    {
      id: "expire-artifacts",
      status: "Enabled",
      filter: [{ prefix: "" }],
      expiration: [{ days }],
    },
    {
      // Once an expired artifact's old version is gone, its delete marker is clutter.
      id: "remove-expired-delete-markers",
      status: "Enabled",
      filter: [{ prefix: "" }],
      expiration: [{ expiredObjectDeleteMarker: true }],
    },
  ]);
}
