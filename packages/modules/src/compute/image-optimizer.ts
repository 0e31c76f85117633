import { Construct } from "constructs";
import type { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { ValidationError } from "../core/errors";
import { ASSETS_PREFIX } from "../edge/assets-bucket";
import { ArtifactFunction } from "./artifact-function";
import { allowDistributionToInvoke, functionUrlDomainName } from "./function-url";
import type { LambdaArtifact } from "./lambda-artifact";

export interface ImageOptimizerProps {
  /** Function name, e.g. `shop-prod-web-image-optimizer`. */
  readonly functionName: string;
  /** The built package (`@zonke/image-optimizer/artifact`). */
  readonly artifact: LambdaArtifact;
  /** The assets bucket local images are read from (only under `assets/`). */
  readonly assetsBucketName: string;
  /**
   * sharp is CPU-bound and Lambda's CPU grows with memory: the function encodes with one thread
   * per full vCPU (1,769 MB each), so from 3,538 MB AVIF encodes run about 1.7x faster.
   * @default 1536
   */
  readonly memoryMiB?: number;
  /** @default 20 */
  readonly timeoutSec?: number;
  /**
   * Concurrent executions reserved (and capped) for the optimiser, so a flood of image requests
   * cannot starve the app's server functions.
   * @default - none: shares the account's unreserved concurrency
   */
  readonly reservedConcurrency?: number;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
}

/**
 * The `next/image` optimiser: a Lambda outside any VPC (it fetches remote images and reads S3;
 * it reaches nothing private), whose role can read `assets/*` of the app's bucket and write its
 * own logs, nothing else. Its Function URL takes AWS_IAM auth, so only the CloudFront distribution
 * allowed by `allowDistribution` (signing through OAC) can call it.
 */
export class ImageOptimizer extends Construct {
  readonly function: LambdaFunction;
  readonly functionUrl: LambdaFunctionUrl;
  /** The Function URL's host name, for CloudFront's origin. */
  readonly urlDomainName: string;

  constructor(scope: Construct, id: string, props: ImageOptimizerProps) {
    super(scope, id);
    validate(props);
    this.function = new ArtifactFunction(this, "Function", {
      functionName: props.functionName,
      description: "next/image optimiser (sharp)",
      code: props.artifact,
      memoryMiB: props.memoryMiB ?? 1536,
      timeoutSec: props.timeoutSec ?? 20,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrency: props.reservedConcurrency }
        : {}),
      logRetentionDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { logsKmsKeyArn: props.logsKmsKeyArn } : {}),
      statements: [
        {
          sid: "ReadAssets",
          actions: ["s3:GetObject"],
          resources: [`arn:aws:s3:::${props.assetsBucketName}/${ASSETS_PREFIX}/*`],
        },
      ],
      environment: {
        ASSETS_BUCKET: props.assetsBucketName,
        ASSETS_PREFIX,
        // glibc's per-thread heaps fragment under libvips' threads (why sharp defaults to one).
        MALLOC_ARENA_MAX: "2",
      },
    }).function;

    this.functionUrl = new LambdaFunctionUrl(this, "Url", {
      functionName: this.function.functionName,
      authorizationType: "AWS_IAM",
      invokeMode: "BUFFERED",
    });
    this.urlDomainName = functionUrlDomainName(this.functionUrl);
  }

  /** Lets one CloudFront distribution (and nothing else) call the Function URL. */
  allowDistribution(distributionArn: string): void {
    allowDistributionToInvoke(this, this.function.functionName, distributionArn);
  }
}

function validate(props: ImageOptimizerProps): void {
  const memory = props.memoryMiB ?? 1536;
  if (!Number.isInteger(memory) || memory < 512 || memory > 10240) {
    throw new ValidationError(
      `image optimiser memoryMiB ${memory} is not allowed; use a whole number from 512 to 10240`,
    );
  }
  const timeout = props.timeoutSec ?? 20;
  if (!Number.isInteger(timeout) || timeout < 5 || timeout > 60) {
    throw new ValidationError(
      `image optimiser timeoutSec ${timeout} is not allowed; use a whole number from 5 to 60 (CloudFront waits at most 60 s)`,
    );
  }
}
