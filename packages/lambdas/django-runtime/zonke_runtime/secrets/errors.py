"""The loader's errors, and the explanation of a failed GetSecretValue.

Messages name the secret and the likely cause, never a value: AWS error messages carry no secret
values, so they are quoted; the secret's own text never is.
"""

from __future__ import annotations


class SecretsError(Exception):
    """Any failure of the secrets loader; the runtime can catch this one class."""


class SecretsConfigError(SecretsError):
    """``ZONKE_SECRET_ARNS`` is malformed; the message says what to write instead."""


class SecretsLoadError(SecretsError):
    """A secret that could not be read or used; the message names it and the likely cause."""

    def __init__(self, secret_id: str, message: str) -> None:
        super().__init__(message)
        self.secret_id = secret_id


NO_ROUTE = (
    "In a VPC the function (or task) needs a route to Secrets Manager: an interface VPC endpoint"
    " for secretsmanager (with private DNS) or a NAT gateway."
)

ACCESS_DENIED = (
    "The role is missing permission: it needs secretsmanager:GetSecretValue on this secret,"
    " and kms:Decrypt if a customer-managed KMS key encrypts it."
)

NOT_FOUND = (
    "The secret does not exist in this account and region, or has no value yet: deploy the stack"
    " that creates it, then write its value (zonke secrets set)."
)

KMS_REFUSED = "Its KMS key cannot decrypt it for this role: grant kms:Decrypt on the key."

CREDENTIALS_REFUSED = "The AWS credentials were refused or missing."

NO_REGION = "No AWS region is configured: set AWS_REGION (Lambda and ECS set it themselves)."

_CREDENTIAL_ERROR_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException"}
)


def explain_fetch_error(secret_id: str, error: BaseException) -> SecretsLoadError:
    """A ``SecretsLoadError`` for a failed read of ``secret_id``, with the likely cause."""
    # botocore is imported here, not at module level: only a failure needs it, and by then the
    # client that failed has imported it already.
    from botocore.exceptions import (
        ClientError,
        ConnectionError,
        CredentialRetrievalError,
        HTTPClientError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        name = str(details.get("Code") or type(error).__name__)
        message = str(details.get("Message") or error)
    else:
        name, message = type(error).__name__, str(error)

    # The same classes botocore's standard retry mode treats as transient: refused, reset or
    # timed-out connections, which in a VPC mean there is no route to the service.
    if isinstance(error, (ConnectionError, HTTPClientError)):
        hint = f"No answer from Secrets Manager. {NO_ROUTE}"
    elif name == "AccessDeniedException":
        hint = ACCESS_DENIED
    elif name == "ResourceNotFoundException":
        hint = NOT_FOUND
    elif name in ("DecryptionFailure", "KMSAccessDeniedException"):
        hint = KMS_REFUSED
    elif name in _CREDENTIAL_ERROR_CODES or isinstance(
        error, (NoCredentialsError, PartialCredentialsError, CredentialRetrievalError)
    ):
        hint = CREDENTIALS_REFUSED
    elif isinstance(error, NoRegionError):
        hint = NO_REGION
    else:
        hint = "See the error above."
    what = f"Secrets Manager secret {secret_id} could not be read ({name}: {message})"
    return SecretsLoadError(secret_id, f"{what}. {hint}")
