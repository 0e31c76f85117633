import { AwsError, isCliError, UsageError } from "../errors";

/** What was being done when AWS failed, for a message that names it. */
export interface AwsStep {
  /** The IAM action, e.g. `secretsmanager:PutSecretValue`. */
  readonly action: string;
  /** What it acted on, e.g. `secret shop/dev/web`. */
  readonly resource: string;
  readonly region: string;
  /** Who called (an IAM ARN), once known. */
  readonly caller?: string;
}

const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "Forbidden"]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);
const REFUSED_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "InvalidAccessKeyId",
]);
const THROTTLED = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException"]);

export const NO_CREDENTIALS =
  "no AWS credentials found: set AWS_PROFILE (a profile in ~/.aws/config; for SSO run `aws sso login --profile <name>` first), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

/** The AWS error code of `error` (the SDK's exception name), or the network error code. */
export function awsErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { code?: unknown; cause?: { code?: unknown }; $metadata?: unknown };
  const network = [e.code, e.cause?.code].find(
    (code): code is string => typeof code === "string" && NETWORK_CODES.has(code),
  );
  if (network) return network;
  if (e.$metadata !== undefined) return e.name;
  if (e.name === "CredentialsProviderError" || e.name === "TokenProviderError") return e.name;
  if (e.name === "TimeoutError" || e.name === "AbortError") return "TimeoutError";
  return undefined;
}

/**
 * Turns an AWS failure into a CliError that names the step, the cause and what to do; anything
 * else (a bug) is returned unchanged. Messages use AWS's error text, which never holds a value.
 */
export function explainAwsError(error: unknown, step: AwsStep): unknown {
  if (isCliError(error)) return error;
  const code = awsErrorCode(error);
  if (code === undefined) return error;
  const e = error as Error & { $metadata?: { httpStatusCode?: number } };
  const options = { cause: error };
  const detail = firstLine(e.message);

  if (code === "CredentialsProviderError" || code === "TokenProviderError") {
    const generic = /from any providers/i.test(detail) || detail === "";
    return new UsageError(generic ? NO_CREDENTIALS : `AWS credentials: ${detail}`, options);
  }
  if (EXPIRED.has(code)) {
    return new UsageError(
      "the AWS credentials have expired: refresh them (e.g. `aws sso login`) and run the command again",
      options,
    );
  }
  if (REFUSED_CREDENTIALS.has(code)) {
    return new UsageError(
      `AWS does not accept these credentials (${code}): check AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      options,
    );
  }
  if (
    ACCESS_DENIED.has(code) ||
    (code !== "ResourceNotFoundException" && e.$metadata?.httpStatusCode === 403)
  ) {
    return new AwsError(
      `access denied: ${step.caller ?? "these credentials"} may not ${step.action} on ${step.resource} ` +
        `in ${step.region}; ask an administrator for that permission`,
      code,
      options,
    );
  }
  if (NETWORK_CODES.has(code) || code === "TimeoutError") {
    return new AwsError(
      `could not reach AWS for ${step.action} in ${step.region} (${code}): check the network, and AWS_ENDPOINT_URL if it is set`,
      code,
      options,
    );
  }
  if (THROTTLED.has(code)) {
    return new AwsError(
      `AWS is throttling ${step.action} on ${step.resource}: wait a minute and run the command again`,
      code,
      options,
    );
  }
  if (code === "DecryptionFailure" || code === "KMSAccessDeniedException") {
    return new AwsError(
      `${step.resource} could not be decrypted with its KMS key (${code}): ${step.caller ?? "the caller"} needs kms:Decrypt (and kms:GenerateDataKey to write) on it`,
      code,
      options,
    );
  }
  return new AwsError(
    `${step.action} on ${step.resource} failed in ${step.region}: ${code}${detail && detail !== code ? `: ${detail}` : ""}`,
    code,
    options,
  );
}

/**
 * Runs one AWS call and explains its failure. `explainFirst`: the caller's own error for the codes
 * it knows better (e.g. a resource not deployed yet); undefined leaves the failure to
 * explainAwsError.
 */
export async function awsStep<T>(
  step: AwsStep,
  call: () => Promise<T>,
  explainFirst?: (code: string | undefined, error: unknown) => Error | undefined,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainFirst?.(awsErrorCode(error), error) ?? explainAwsError(error, step);
  }
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim()) ?? "").trim().replace(/\.$/, "");
}
