/**
 * A mistake the user can fix (a flag, a folder, a file name). Entry points print the message on
 * one line, without a stack trace, and exit with 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * An AWS call that failed (permissions, a missing bucket, expired credentials, the network). The
 * message names the step, AWS's error code and a hint; entry points print it and exit with 1.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";

  constructor(
    message: string,
    /** AWS's error code (e.g. `AccessDenied`), or the Node error code for network failures. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const HINTS: Record<string, string> = {
  AccessDenied:
    "the credentials in use lack a permission (the deploy needs s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket, cloudfront:CreateInvalidation and cloudfront:GetInvalidation on the distribution)",
  NoSuchBucket: "no bucket has that name: check --bucket (and that you use the right AWS account)",
  ExpiredToken: "the AWS session has expired: refresh the credentials (e.g. `aws sso login`)",
  InvalidAccessKeyId: "the AWS access key is not valid: check AWS_PROFILE or AWS_ACCESS_KEY_ID",
  SignatureDoesNotMatch: "the AWS secret key does not match the access key",
  CredentialsProviderError:
    "no AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
  NoSuchDistribution: "no CloudFront distribution has that id: check --distribution",
  PermanentRedirect: "the bucket is in another region: pass --region",
  AuthorizationHeaderMalformed: "the bucket is in another region: pass --region",
  TooManyInvalidationsInProgress:
    "CloudFront is busy with earlier invalidations: the paths stay pending and the next deploy invalidates them",
  BadDigest: "a file changed while it was uploaded: run the deploy again after the build finishes",
  TimeoutError: "AWS did not answer in time: check the network and run again",
};

/** Aliases: the same cause under another code, from another service or SDK layer. */
const SAME_AS: Record<string, string> = {
  AccessDeniedException: "AccessDenied",
  Forbidden: "AccessDenied",
  ExpiredTokenException: "ExpiredToken",
  RequestExpired: "ExpiredToken",
  UnrecognizedClientException: "InvalidAccessKeyId",
  InvalidClientTokenId: "InvalidAccessKeyId",
};

const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
]);

/**
 * True when `error` came from AWS or from reaching it (as opposed to a bug here): service
 * exceptions carry `$metadata`, credential and network failures carry a known name or code.
 */
export function isAwsFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { $metadata?: unknown; code?: string };
  return (
    e.$metadata !== undefined ||
    e.name === "CredentialsProviderError" ||
    e.name === "TimeoutError" ||
    (e.code !== undefined && NETWORK_CODES.has(e.code))
  );
}

/** Wraps an AWS failure in an AwsError that says what was being done; rethrows anything else. */
export function toAwsError(error: unknown, step: string): AwsError | Error {
  if (error instanceof AwsError || error instanceof UsageError || !isAwsFailure(error)) {
    return error as Error;
  }
  const e = error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.code !== undefined && NETWORK_CODES.has(e.code) ? e.code : e.name;
  const known = SAME_AS[code] ?? code;
  // The SDK names some errors only by HTTP status (e.g. a HEAD 403 has no body to carry a code).
  const byStatus = e.$metadata?.httpStatusCode === 403 ? "AccessDenied" : undefined;
  const hint =
    HINTS[known] ??
    (byStatus ? HINTS[byStatus] : undefined) ??
    (NETWORK_CODES.has(code) ? "AWS could not be reached: check the network" : undefined);
  // Service messages can span lines (credential errors list every provider tried); keep one.
  const detail = firstLine(e.message);
  const text = `${step} failed: ${code}${detail && detail !== code ? `: ${detail}` : ""}`;
  return new AwsError(hint ? `${text} (${hint})` : text, code, { cause: error });
}

/** Runs one AWS step and turns its failure into an AwsError naming the step. */
export async function awsStep<T>(step: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAwsError(error, step);
  }
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim()) ?? "").trim().replace(/\.$/, "");
}
