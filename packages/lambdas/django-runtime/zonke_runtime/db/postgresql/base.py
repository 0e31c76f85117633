"""Django's PostgreSQL backend (psycopg 3 or psycopg2), with one change: a new connection that
the server refuses for its credentials reloads the secrets once, takes ``USER`` and ``PASSWORD``
from ``DB_USERNAME`` and ``DB_PASSWORD`` again, and connects once more.

RDS rotates the password in the secret it manages. A server that read the old one at init is
refused on its next new connection; with this backend it recovers without a redeploy::

    DATABASES = {"default": {"ENGINE": "zonke_runtime.db.postgresql", ...}}

- Only authentication failures (SQLSTATE 28P01/28000, or libpq's "password authentication
  failed") reload; any other error propagates unchanged, and so does a second refusal (the secret
  may simply be wrong: retrying forever would hammer the database). See
  ``zonke_runtime.secrets.with_secret_reload``.
- The refreshed credentials are written to the alias's settings dict, which every thread's
  connection for that alias shares, so later connections use them too. A variable that is not
  set leaves its setting as it is (an app may name its credentials otherwise).
- Not with Django's connection pool (``OPTIONS["pool"]``): psycopg_pool retries in the
  background and reports a timeout, not the refusal, so nothing here can see it.
"""

from __future__ import annotations

import os
from typing import Any

from django.db.backends.postgresql import base as postgresql

from ...secrets import with_secret_reload

CREDENTIAL_VARIABLES = {"USER": "DB_USERNAME", "PASSWORD": "DB_PASSWORD"}


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connect_with = super().get_new_connection
        attempts = 0

        def connect() -> Any:
            nonlocal attempts
            attempts += 1
            if attempts == 1:
                return connect_with(conn_params)
            # with_secret_reload has reloaded the secrets: take the rotated credentials.
            self.refresh_credentials()
            return connect_with(self.get_connection_params())

        return with_secret_reload(connect)

    def refresh_credentials(self) -> None:
        """``USER`` and ``PASSWORD`` from ``DB_USERNAME`` and ``DB_PASSWORD``, where set."""
        for setting, variable in CREDENTIAL_VARIABLES.items():
            value = os.environ.get(variable)
            if value is not None:
                self.settings_dict[setting] = value
