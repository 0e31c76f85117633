"""The ``default`` database from the variables zonke injects.

With ``DB_HOST`` set: PostgreSQL at ``DB_HOST``:``DB_PORT`` (5432), database ``DB_NAME``, with
``DB_USERNAME`` and ``DB_PASSWORD``, which zonke's secrets loader takes from the RDS-managed secret.
TLS is required (``sslmode=require``; RDS offers it) unless ``DB_SSLMODE`` says otherwise.

Without ``DB_HOST``: SQLite, in ``DJANGO_SQLITE_PATH``, by default ``db.sqlite3`` next to
``manage.py``, or ``/tmp/db.sqlite3`` on Lambda, whose code directory is read-only.

The engine is zonke's (``zonke_runtime.db.postgresql``) where zonke's runtime is installed, as in
the container image: RDS rotates the password it manages, and that backend reloads it once when the
database refuses the old one. Elsewhere (a local run) it is Django's own.

Connections are kept for ``DB_CONN_MAX_AGE`` seconds (60) and checked before reuse
(``CONN_HEALTH_CHECKS``). A Lambda instance and a gunicorn sync worker each serve one request at a
time, so that is at most one connection per instance or worker, saved from a TLS handshake and
authentication on every request. Idle warm Lambda instances keep theirs open too, which is why
Lambda servers reach RDS through an RDS Proxy. 0 closes the connection after each request.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .environment import SettingsError, env_choice, env_int, env_str

SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_REQUIRED = ("DB_NAME", "DB_USERNAME", "DB_PASSWORD")
_CONNECT_TIMEOUT_SECONDS = 5


def database_settings(env: Mapping[str, str], *, base_dir: Path) -> dict[str, Any]:
    if not env_str(env, "DB_HOST"):
        return _sqlite(env, base_dir)
    return _postgresql(env)


def _sqlite(env: Mapping[str, str], base_dir: Path) -> dict[str, Any]:
    on_lambda = bool(env_str(env, "AWS_LAMBDA_FUNCTION_NAME"))
    default = Path("/tmp/db.sqlite3") if on_lambda else base_dir / "db.sqlite3"
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": Path(env_str(env, "DJANGO_SQLITE_PATH") or default),
    }


def _postgresql(env: Mapping[str, str]) -> dict[str, Any]:
    missing = [name for name in _REQUIRED if not env.get(name)]
    if missing:
        raise SettingsError(
            f"DB_HOST is set but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not; "
            "PostgreSQL needs DB_NAME, DB_USERNAME and DB_PASSWORD (zonke's secrets loader sets "
            "the last two from the database's secret)"
        )
    return {
        "ENGINE": _postgresql_engine(),
        "HOST": env_str(env, "DB_HOST"),
        "PORT": env_int(env, "DB_PORT", 5432, minimum=1, maximum=65535),
        "NAME": env["DB_NAME"],
        "USER": env["DB_USERNAME"],
        "PASSWORD": env["DB_PASSWORD"],
        "CONN_MAX_AGE": env_int(env, "DB_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "sslmode": env_choice(env, "DB_SSLMODE", "require", SSL_MODES),
            # Fail fast when the network is wrong (security group, subnet) instead of hanging
            # until Lambda's or the load balancer's timeout.
            "connect_timeout": _CONNECT_TIMEOUT_SECONDS,
        },
    }


def _postgresql_engine() -> str:
    if importlib.util.find_spec("zonke_runtime") is not None:
        return "zonke_runtime.db.postgresql"
    return "django.db.backends.postgresql"
