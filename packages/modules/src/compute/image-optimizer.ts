import * as path from "node:path";
import { Construct } from "constructs";
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionUrl } from "@cdktf/provider-aws/lib/lambda-function-url";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { ASSETS_PREFIX } from "../edge/assets-bucket";
import { sourceCodeHash, type LambdaArtifact } from "./lambda-artifact";

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
  private readonly functionName: string;

  constructor(scope: Construct, id: string, props: ImageOptimizerProps) {
    super(scope, id);
    validate(props);
    this.functionName = physicalName("lambdaFunction", [props.functionName]);

    const logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: props.logRetentionDays ?? 365,
      ...(props.logsKmsKeyArn ? { kmsKeyId: props.logsKmsKeyArn } : {}),
    });

    const assume = new DataAwsIamPolicyDocument(this, "AssumeRole", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "Role", {
      name: physicalName("iamRole", [this.functionName]),
      assumeRolePolicy: assume.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        {
          sid: "ReadAssets",
          actions: ["s3:GetObject"],
          resources: [`arn:aws:s3:::${props.assetsBucketName}/${ASSETS_PREFIX}/*`],
        },
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup.arn}:*`],
        },
        {
          // X-Ray has no resource-level permissions for writing traces.
          sid: "WriteTraces",
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        },
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { role: role.id, policy: permissions.json });

    const code = new TerraformAsset(this, "Code", {
      path: props.artifact.zip,
      type: AssetType.FILE,
      assetHash: props.artifact.sha256,
    });
    this.function = new LambdaFunction(this, "Resource", {
      functionName: this.functionName,
      description: "next/image optimiser (sharp)",
      role: role.arn,
      filename: code.path,
      sourceCodeHash: sourceCodeHash(props.artifact),
      handler: props.artifact.handler,
      runtime: props.artifact.runtime,
      architectures: [props.artifact.architecture],
      memorySize: props.memoryMiB ?? 1536,
      timeout: props.timeoutSec ?? 20,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      environment: {
        variables: {
          ASSETS_BUCKET: props.assetsBucketName,
          ASSETS_PREFIX,
          // glibc's per-thread heaps fragment under libvips' threads (why sharp defaults to one).
          MALLOC_ARENA_MAX: "2",
        },
      },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      tracingConfig: { mode: "Active" },
      dependsOn: [logGroup],
    });

    this.functionUrl = new LambdaFunctionUrl(this, "Url", {
      functionName: this.function.functionName,
      authorizationType: "AWS_IAM",
      invokeMode: "BUFFERED",
    });
    // "https://<id>.lambda-url.<region>.on.aws/" -> "<id>.lambda-url.<region>.on.aws"
    this.urlDomainName = Fn.element(Fn.split("/", this.functionUrl.functionUrl), 2);
  }

  /**
   * Lets one CloudFront distribution call the Function URL. Function URLs created since late 2025
   * need lambda:InvokeFunction as well as lambda:InvokeFunctionUrl; both are scoped to the
   * distribution.
   */
  allowDistribution(distributionArn: string): void {
    new LambdaPermission(this, "CloudFrontInvokesUrl", {
      functionName: this.function.functionName,
      action: "lambda:InvokeFunctionUrl",
      principal: "cloudfront.amazonaws.com",
      sourceArn: distributionArn,
      functionUrlAuthType: "AWS_IAM",
    });
    new LambdaPermission(this, "CloudFrontInvokes", {
      functionName: this.function.functionName,
      action: "lambda:InvokeFunction",
      principal: "cloudfront.amazonaws.com",
      sourceArn: distributionArn,
    });
  }
}

function validate(props: ImageOptimizerProps): void {
  if (!path.isAbsolute(props.artifact.zip)) {
    throw new ValidationError(
      `image optimiser artifact zip "${props.artifact.zip}" must be an absolute path`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(props.artifact.sha256)) {
    throw new ValidationError(
      `image optimiser artifact sha256 "${props.artifact.sha256}" is not a hex SHA-256`,
    );
  }
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
  if (
    props.reservedConcurrency !== undefined &&
    (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)
  ) {
    throw new ValidationError(
      `image optimiser reservedConcurrency ${props.reservedConcurrency} is not allowed; use a whole number of at least 1`,
    );
  }
}
