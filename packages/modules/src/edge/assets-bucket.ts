import { Construct } from "constructs";
import { PrivateBucket } from "../storage/private-bucket";

/** Objects served to viewers live under this prefix; the rest of the bucket stays private. */
export const ASSETS_PREFIX = "assets";

export interface AssetsBucketProps {
  readonly bucketName: string;
  readonly region: string;
  /** The CloudFront distribution allowed to read `assets/*` (its ARN). */
  readonly distributionArn: string;
}

/**
 * An app's static files: a private bucket (see PrivateBucket) that only the app's own CloudFront
 * distribution can read, through Origin Access Control, and only under `assets/`.
 *
 * Encrypted with SSE-S3: with SSE-KMS CloudFront would need a grant in the key policy and every
 * cache miss would be a billed KMS call, for files that are public by design.
 */
export class AssetsBucket extends Construct {
  /** The S3 REST endpoint CloudFront uses as the origin, known before the bucket exists. */
  static regionalDomainName(bucketName: string, region: string): string {
    return `${bucketName}.s3.${region}.amazonaws.com`;
  }

  readonly bucket: PrivateBucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: AssetsBucketProps) {
    super(scope, id);
    this.bucket = new PrivateBucket(this, "Bucket", {
      bucketName: props.bucketName,
      // Deploys replace files; old versions are only a short undo window.
      noncurrentVersionExpirationDays: 30,
      policyStatements: [
        {
          sid: "CloudFrontReadsAssets",
          actions: ["s3:GetObject"],
          resources: [`arn:aws:s3:::${props.bucketName}/${ASSETS_PREFIX}/*`],
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "AWS:SourceArn", values: [props.distributionArn] },
          ],
        },
      ],
    });
    this.bucketName = this.bucket.bucketName;
    this.bucketArn = this.bucket.bucketArn;
  }
}
