"""Secrets Manager secrets as environment variables, for Django on Lambda and ECS.

Terraform only creates the secrets; their values never pass through its state. At init, before
Django is imported, the runtime calls ``load_secrets()``: it reads every secret listed in
``ZONKE_SECRET_ARNS`` and applies all of them or none, so settings read them with ``os.getenv``
like any other variable. Same variables, same semantics as ``@zonke/lambda-runtime``'s
``loadSecrets()`` for Node servers.

- ``sources``: the format of ``ZONKE_SECRET_ARNS`` (comma list or JSON array, ``PREFIX=arn:...``).
- ``values``: a secret's JSON object as variables; ``apply``: writing them without overruling the
  deployment; ``fetch``: reading with short timeouts; ``errors``: messages that name the secret
  and the likely cause, never a value.
- ``loader``: all-or-nothing loads, a 5-minute cache, ``reload_secrets()``, shared reads.
- ``db_auth``: reload once when the database refuses a rotated password.
"""

from .db_auth import is_authentication_failure, reload_secrets_on_auth_failure, with_secret_reload
from .errors import SecretsConfigError, SecretsError, SecretsLoadError
from .fetch import ClientTimeouts
from .loader import (
    DEFAULT_SECRETS_TTL_SECONDS,
    SecretsLoader,
    SecretsLoadResult,
    load_secrets,
    reload_secrets,
)
from .sources import SecretSource, parse_secret_sources

__all__ = [
    "DEFAULT_SECRETS_TTL_SECONDS",
    "ClientTimeouts",
    "SecretSource",
    "SecretsConfigError",
    "SecretsError",
    "SecretsLoadError",
    "SecretsLoadResult",
    "SecretsLoader",
    "is_authentication_failure",
    "load_secrets",
    "parse_secret_sources",
    "reload_secrets",
    "reload_secrets_on_auth_failure",
    "with_secret_reload",
]
