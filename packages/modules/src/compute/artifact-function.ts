import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { ValidationError } from "../core/errors";
import { physicalName } from "../naming";
import { sourceCodeHash, type LambdaArtifact } from "./lambda-artifact";

export interface ArtifactFunctionVpc {
  readonly region: string;
  readonly accountId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** A container image in ECR, pinned by digest (`<repository url>@sha256:...`). */
export interface ContainerImageCode {
  readonly imageUri: string;
  readonly architecture: "arm64" | "x86_64";
  /** Overrides the image's CMD, e.g. the handler the runtime interface client loads. */
  readonly command?: readonly string[];
}

const isImage = (code: LambdaArtifact | ContainerImageCode): code is ContainerImageCode =>
  "imageUri" in code;

export interface ArtifactFunctionProps {
  /** The function's name, e.g. `shop-prod-web-server` (checked against AWS's limits). */
  readonly functionName: string;
  readonly description: string;
  /**
   * The code: a built zip package (a Lambda package's `artifact.json`, see readLambdaArtifact) or
   * a container image pinned by digest.
   */
  readonly code: LambdaArtifact | ContainerImageCode;
  readonly memoryMiB: number;
  readonly timeoutSec: number;
  /** @default {} */
  readonly environment?: Record<string, string>;
  /** What the function may do besides writing its own logs and traces. @default [] */
  readonly statements?: readonly DataAwsIamPolicyDocumentStatement[];
  /** Run in these subnets with these security groups. @default - outside any VPC */
  readonly vpc?: ArtifactFunctionVpc;
  /** @default - none: shares the account's unreserved concurrency */
  readonly reservedConcurrency?: number;
  readonly logRetentionDays: number;
  /** KMS key for the log group. @default - CloudWatch Logs' own encryption */
  readonly logsKmsKeyArn?: string;
  /** Publish a numbered version on every code or configuration change. @default false */
  readonly publish?: boolean;
}

/**
 * A Lambda function from a built artifact, with what every zonke function has: its own log group
 * (JSON logs, retention), its own role that can write only that log group and X-Ray traces plus
 * the statements given, active tracing, and the code version pinned by the zip's SHA-256. In a
 * VPC, the role may create network interfaces only in the given subnets and security groups.
 */
export class ArtifactFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: ArtifactFunctionProps) {
    super(scope, id);
    validate(props);
    this.functionName = physicalName("lambdaFunction", [props.functionName]);

    this.logGroup = new CloudwatchLogGroup(this, "Logs", {
      name: `/aws/lambda/${this.functionName}`,
      retentionInDays: props.logRetentionDays,
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
    this.role = new IamRole(this, "Role", {
      name: physicalName("iamRole", [this.functionName]),
      assumeRolePolicy: assume.json,
    });
    const permissions = new DataAwsIamPolicyDocument(this, "Permissions", {
      statement: [
        ...(props.statements ?? []),
        {
          sid: "WriteOwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
        {
          // X-Ray has no resource-level permissions for writing traces.
          sid: "WriteTraces",
          actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          resources: ["*"],
        },
        ...(props.vpc ? networkInterfaceStatements(props.vpc) : []),
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { role: this.role.id, policy: permissions.json });

    this.function = new LambdaFunction(this, "Resource", {
      functionName: this.functionName,
      description: props.description,
      role: this.role.arn,
      ...this.codeSettings(props.code),
      memorySize: props.memoryMiB,
      timeout: props.timeoutSec,
      publish: props.publish ?? false,
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      ...(props.environment && Object.keys(props.environment).length > 0
        ? { environment: { variables: props.environment } }
        : {}),
      ...(props.vpc
        ? {
            vpcConfig: {
              subnetIds: [...props.vpc.subnetIds],
              securityGroupIds: [...props.vpc.securityGroupIds],
            },
          }
        : {}),
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      tracingConfig: { mode: "Active" },
      dependsOn: [this.logGroup],
    });
  }

  private codeSettings(code: LambdaArtifact | ContainerImageCode) {
    if (isImage(code)) {
      return {
        packageType: "Image",
        imageUri: code.imageUri,
        architectures: [code.architecture],
        ...(code.command ? { imageConfig: { command: [...code.command] } } : {}),
      };
    }
    const asset = new TerraformAsset(this, "Code", {
      path: code.zip,
      type: AssetType.FILE,
      assetHash: code.sha256,
    });
    return {
      filename: asset.path,
      sourceCodeHash: sourceCodeHash(code),
      handler: code.handler,
      runtime: code.runtime,
      architectures: [code.architecture],
    };
  }
}

/**
 * What Lambda needs to attach the function to the VPC (the managed AWSLambdaVPCAccessExecutionRole
 * allows it anywhere): interfaces only in these subnets and security groups.
 */
function networkInterfaceStatements(vpc: ArtifactFunctionVpc): DataAwsIamPolicyDocumentStatement[] {
  const arn = (type: string, id: string) =>
    `arn:aws:ec2:${vpc.region}:${vpc.accountId}:${type}/${id}`;
  return [
    {
      sid: "AttachToVpc",
      actions: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      resources: [
        arn("network-interface", "*"),
        ...vpc.subnetIds.map((id) => arn("subnet", id)),
        ...vpc.securityGroupIds.map((id) => arn("security-group", id)),
      ],
    },
    {
      // Describe calls have no resource-level permissions.
      sid: "DescribeNetworkInterfaces",
      actions: ["ec2:DescribeNetworkInterfaces"],
      resources: ["*"],
    },
  ];
}

function validate(props: ArtifactFunctionProps): void {
  const name = props.functionName;
  if (!isImage(props.code)) {
    if (!/^[0-9a-f]{64}$/.test(props.code.sha256)) {
      throw new ValidationError(
        `${name}: artifact sha256 "${props.code.sha256}" is not a hex SHA-256`,
      );
    }
    if (!props.code.zip.startsWith("/")) {
      throw new ValidationError(
        `${name}: artifact zip "${props.code.zip}" must be an absolute path`,
      );
    }
  }
  if (!Number.isInteger(props.memoryMiB) || props.memoryMiB < 128 || props.memoryMiB > 10240) {
    throw new ValidationError(
      `${name}: memoryMiB ${props.memoryMiB} is not allowed; use a whole number from 128 to 10240`,
    );
  }
  if (!Number.isInteger(props.timeoutSec) || props.timeoutSec < 1 || props.timeoutSec > 900) {
    throw new ValidationError(
      `${name}: timeoutSec ${props.timeoutSec} is not allowed; use a whole number from 1 to 900`,
    );
  }
  if (
    props.reservedConcurrency !== undefined &&
    (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1)
  ) {
    throw new ValidationError(
      `${name}: reservedConcurrency ${props.reservedConcurrency} is not allowed; use a whole number of at least 1`,
    );
  }
  if (props.vpc && (props.vpc.subnetIds.length === 0 || props.vpc.securityGroupIds.length === 0)) {
    throw new ValidationError(`${name}: a function in a VPC needs subnets and a security group`);
  }
}
