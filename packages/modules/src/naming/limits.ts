/** Length and character rules AWS applies to the names of the resources zonke creates. */
export interface NameRule {
  /** Human name of the resource kind, used in error messages. */
  readonly label: string;
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** What `pattern` allows, in words. */
  readonly allowed: string;
}

const hyphenated = "letters, digits and hyphens, starting with a letter, not ending with a hyphen";

export const NAME_RULES = {
  s3Bucket: {
    label: "S3 bucket",
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    allowed:
      "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
  },
  lambdaFunction: {
    label: "Lambda function",
    maxLength: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  iamRole: {
    label: "IAM role",
    maxLength: 64,
    pattern: /^[A-Za-z0-9+=,.@_-]+$/,
    allowed: "letters, digits and +=,.@_-",
  },
  loadBalancer: {
    label: "load balancer",
    maxLength: 32,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits and hyphens, not starting or ending with a hyphen",
  },
  targetGroup: {
    label: "target group",
    maxLength: 32,
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits and hyphens, not starting or ending with a hyphen",
  },
  rdsInstance: {
    label: "RDS instance identifier",
    maxLength: 63,
    pattern: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/,
    allowed: `lowercase ${hyphenated}, no two hyphens in a row`,
  },
  ecsCluster: {
    label: "ECS cluster",
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  ecsService: {
    label: "ECS service",
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  logGroup: {
    label: "CloudWatch log group",
    maxLength: 512,
    pattern: /^[A-Za-z0-9_/.#-]+$/,
    allowed: "letters, digits and _/.#-",
  },
  secret: {
    label: "Secrets Manager secret",
    maxLength: 512,
    pattern: /^[A-Za-z0-9/_+=.@-]+$/,
    allowed: "letters, digits and /_+=.@-",
  },
  securityGroup: {
    label: "security group",
    maxLength: 255,
    pattern: /^[A-Za-z0-9 ._:/()#,@[\]+=&;{}!$*-]+$/,
    allowed: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
  },
  codePipeline: {
    label: "CodePipeline pipeline",
    maxLength: 100,
    pattern: /^[A-Za-z0-9.@_-]+$/,
    allowed: "letters, digits and .@_-",
  },
  codeBuildProject: {
    label: "CodeBuild project",
    maxLength: 150,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores, starting with a letter or digit",
  },
  cloudFrontFunction: {
    label: "CloudFront function",
    maxLength: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  cloudFrontOriginAccessControl: {
    label: "CloudFront origin access control",
    maxLength: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  cloudFrontPolicy: {
    label: "CloudFront cache or headers policy",
    maxLength: 128,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, hyphens and underscores",
  },
  eventBridgeRule: {
    label: "EventBridge rule",
    maxLength: 64,
    pattern: /^[A-Za-z0-9._-]+$/,
    allowed: "letters, digits and ._-",
  },
  kmsAlias: {
    label: "KMS alias",
    maxLength: 256,
    pattern: /^alias\/[A-Za-z0-9/_-]+$/,
    allowed: "alias/ followed by letters, digits and /_-",
  },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;
