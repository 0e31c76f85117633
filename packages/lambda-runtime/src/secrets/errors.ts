/** A secret that could not be read or used; the message names it and the likely cause. */
export class SecretsLoadError extends Error {
  override readonly name = "SecretsLoadError";
  constructor(
    readonly secretId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Socket errors; matched in the message too, because the SDK sometimes wraps them. */
const NETWORK_ERROR =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)\b/;

const NO_ROUTE =
  "In a VPC the function needs a route to Secrets Manager: an interface VPC endpoint for secretsmanager (with private DNS) or a NAT gateway.";

/**
 * Explains a failed GetSecretValue. AWS error messages carry no secret values, so they are quoted;
 * the hint says what usually causes each kind of failure.
 */
export function explainFetchError(secretId: string, error: unknown): SecretsLoadError {
  // Duck-typed rather than instanceof: errors may come from another realm (vm contexts, bundles).
  const { name, message, code } = describe(error);
  const what = `Secrets Manager secret ${secretId} could not be read (${name}: ${message})`;
  let hint: string;
  if (name === "TimeoutError" || NETWORK_ERROR.test(`${code} ${message}`)) {
    hint = `No answer from Secrets Manager. ${NO_ROUTE}`;
  } else if (name === "AccessDeniedException") {
    hint =
      "The function's role is missing permission: it needs secretsmanager:GetSecretValue on this secret, and kms:Decrypt if a customer-managed KMS key encrypts it.";
  } else if (name === "ResourceNotFoundException") {
    hint =
      "The secret does not exist in this account and region, or has no value yet: deploy the stack that creates it, then write its value (zonke secrets set).";
  } else if (name === "DecryptionFailure" || name === "KMSAccessDeniedException") {
    hint = "Its KMS key cannot decrypt it for this role: grant kms:Decrypt on the key.";
  } else if (
    name === "UnrecognizedClientException" ||
    name === "InvalidSignatureException" ||
    name === "ExpiredTokenException" ||
    name === "CredentialsProviderError"
  ) {
    hint = "The function's AWS credentials were refused or missing.";
  } else {
    hint = "See the error above.";
  }
  return new SecretsLoadError(secretId, `${what}. ${hint}`, { cause: error });
}

function describe(error: unknown): { name: string; message: string; code: string } {
  if (typeof error !== "object" || error === null) {
    return { name: "Error", message: String(error), code: "" };
  }
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof name === "string" ? name : "Error",
    message: typeof message === "string" ? message : String(error),
    code: typeof code === "string" ? code : "",
  };
}
