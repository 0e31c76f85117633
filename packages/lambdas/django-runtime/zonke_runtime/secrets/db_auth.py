"""Reload the secrets once when the database refuses the credentials.

RDS rotates the password in its managed secret; a server that loaded the old one at init gets
"password authentication failed" on its next new connection. Reading the secret again and
connecting once more recovers without a redeploy. Anything else propagates unchanged, and a second
refusal too (the secret may simply be wrong: retrying forever would hammer the database).

Framework-neutral: the Django runtime's database backend routes ``get_new_connection`` through
``with_secret_reload`` (see the README); nothing here imports Django or a PostgreSQL driver.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

from . import loader

logger = logging.getLogger("zonke_runtime.secrets")

# SQLSTATE class 28, "invalid authorization specification": 28P01 invalid_password, 28000 for
# the rest (no pg_hba.conf entry, a role that may not log in).
AUTH_FAILURE_SQLSTATES = frozenset({"28P01", "28000"})
# libpq reports a failed login without a SQLSTATE (psycopg's sqlstate and psycopg2's pgcode are
# None), so the server's words are the only sign. PostgreSQL on RDS answers in English.
AUTH_FAILURE_MESSAGE = "password authentication failed"

T = TypeVar("T")
P = ParamSpec("P")


def is_authentication_failure(error: BaseException) -> bool:
    """True when ``error``, or an error it was raised from, is PostgreSQL refusing the login.

    Recognises psycopg (``.sqlstate``), psycopg2 (``.pgcode``) and Django's ``OperationalError``,
    which wraps the driver's error as ``__cause__`` and copies its message.
    """
    for link in _chain(error):
        code = getattr(link, "sqlstate", None) or getattr(link, "pgcode", None)
        if isinstance(code, str):
            if code in AUTH_FAILURE_SQLSTATES:
                return True
            continue  # a known SQLSTATE that is something else
        if AUTH_FAILURE_MESSAGE in str(link).lower():
            return True
    return False


def with_secret_reload(
    connect: Callable[[], T], *, reload: Callable[[], object] | None = None
) -> T:
    """Calls ``connect()``; on an authentication failure reloads the secrets once and calls it
    once more. ``connect`` must read the credentials (e.g. ``DB_PASSWORD``) anew on each call.

    :param reload: what refreshes the credentials; default ``reload_secrets`` (``os.environ``).
    """
    try:
        return connect()
    except Exception as error:
        if not is_authentication_failure(error):
            raise
        # The error's type only: a driver's message is the server's, but stay on the safe side.
        logger.warning(
            "zonke secrets: the database refused the credentials (%s); reloading the secrets and"
            " connecting once more",
            type(error).__name__,
        )
        # Inside the except block on purpose: a failed reload or a second refusal carries this
        # first refusal as its context.
        (reload or loader.reload_secrets)()
        return connect()


def reload_secrets_on_auth_failure(connect: Callable[P, T]) -> Callable[P, T]:
    """Decorator form of ``with_secret_reload`` with the default reload."""

    @functools.wraps(connect)
    def connect_with_reload(*args: P.args, **kwargs: P.kwargs) -> T:
        return with_secret_reload(lambda: connect(*args, **kwargs))

    return connect_with_reload


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then what it was raised from or during, without looping on cycles."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        link = pending.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        pending.extend(e for e in (link.__cause__, link.__context__) if e is not None)
