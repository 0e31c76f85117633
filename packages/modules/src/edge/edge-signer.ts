import { Construct } from "constructs";
import { AssetType, TerraformAsset, type TerraformProvider } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { sourceCodeHash, type LambdaArtifact } from "../compute/lambda-artifact";

export interface EdgeSignerProps {
  /** Function name, e.g. `shop-prod-web-edge-signer`. */
  readonly functionName: string;
  /** `@zonke/edge-signer/artifact`. */
  readonly artifact: LambdaArtifact;
  /** A provider for us-east-1, where Lambda@Edge functions must live. */
  readonly usEast1Provider: TerraformProvider;
  readonly accountId: string;
}

/**
 * The Lambda@Edge origin-request function that lets bodies through CloudFront's Origin Access
 * Control to a Function URL: OAC signs with SigV4, and Function URLs refuse an unsigned payload,
 * so it hashes the body into `x-amz-content-sha256` first. CloudFront shows origin-request
 * functions at most 1 MB of body; larger requests get 413 (upload big files to S3 directly).
 *
 * Lambda@Edge takes no environment, VPC or tracing, and writes its logs to
 * `/aws/lambda/us-east-1.<name>` in the region of each edge location that ran it.
 */
export class EdgeSigner extends Construct {
  /** The published version's ARN, which CloudFront requires. */
  readonly qualifiedArn: string;

  constructor(scope: Construct, id: string, props: EdgeSignerProps) {
    super(scope, id);
    if (props.artifact.architecture !== "x86_64") {
      throw new ValidationError(
        `edge signer artifact is built for ${props.artifact.architecture}; Lambda@Edge runs only x86_64 (build it with --arch x86_64)`,
      );
    }
    const functionName = physicalName("lambdaFunction", [props.functionName]);
    const provider = props.usEast1Provider;

    const assume = new DataAwsIamPolicyDocument(this, "AssumeRole", {
      provider,
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [
            {
              type: "Service",
              identifiers: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"],
            },
          ],
        },
      ],
    });
    const role = new IamRole(this, "Role", {
      provider,
      name: physicalName("iamRole", [functionName]),
      assumeRolePolicy: assume.json,
    });
    const logGroup = `arn:aws:logs:*:${props.accountId}:log-group:/aws/lambda/us-east-1.${functionName}`;
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      provider,
      statement: [
        {
          // Edge locations create the log group in their own region on first use.
          sid: "WriteOwnLogsAnywhere",
          actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [logGroup, `${logGroup}:*`],
        },
      ],
    });
    new IamRolePolicy(this, "RolePolicy", {
      provider,
      role: role.id,
      policy: permissions.json,
    });

    const code = new TerraformAsset(this, "Code", {
      path: props.artifact.zip,
      type: AssetType.FILE,
      assetHash: props.artifact.sha256,
    });
    const fn = new LambdaFunction(this, "Resource", {
      provider,
      functionName,
      description: "Hashes request bodies for CloudFront OAC (x-amz-content-sha256)",
      role: role.arn,
      filename: code.path,
      sourceCodeHash: sourceCodeHash(props.artifact),
      handler: props.artifact.handler,
      runtime: props.artifact.runtime,
      architectures: ["x86_64"],
      memorySize: 128,
      timeout: 5,
      publish: true,
    });
    this.qualifiedArn = fn.qualifiedArn;
  }
}
