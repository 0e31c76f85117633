"""Reload once on a database authentication failure, with errors shaped like the drivers'."""

from __future__ import annotations

import json
import logging

import pytest

from support.moto_server import MotoServer
from zonke_runtime.secrets import (
    SecretsLoader,
    SecretsLoadError,
    is_authentication_failure,
    reload_secrets_on_auth_failure,
    with_secret_reload,
)
from zonke_runtime.secrets import loader as loader_module

REFUSED = 'connection failed: FATAL:  password authentication failed for user "app"'


class PsycopgError(Exception):
    """Shaped like psycopg 3's errors: the SQLSTATE in ``.sqlstate``, None when libpq gave none
    (a failed login is reported that way)."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


class Psycopg2Error(Exception):
    """Shaped like psycopg2's errors: the SQLSTATE in ``.pgcode``."""

    def __init__(self, message: str, pgcode: str | None = None) -> None:
        super().__init__(message)
        self.pgcode = pgcode


class DjangoOperationalError(Exception):
    """Like django.db.utils.OperationalError: the driver's args, the driver's error as cause."""


def django_wrapped(driver_error: Exception) -> DjangoOperationalError:
    wrapped = DjangoOperationalError(*driver_error.args)
    wrapped.__cause__ = driver_error
    return wrapped


class Connector:
    """A connect function that raises the given errors in turn, then connects."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "connection"


class Reloads:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.mark.parametrize(
    "error",
    [
        PsycopgError("FATAL: password authentication failed", sqlstate="28P01"),
        PsycopgError("FATAL: role may not log in", sqlstate="28000"),
        Psycopg2Error("FATAL: password authentication failed", pgcode="28P01"),
        PsycopgError(REFUSED),  # no SQLSTATE: recognised by the server's words
        Psycopg2Error(REFUSED.upper()),
        django_wrapped(PsycopgError("...", sqlstate="28P01")),
        django_wrapped(PsycopgError(REFUSED)),
    ],
    ids=lambda error: f"{type(error).__name__}:{str(error)[:24]}",
)
def test_retries_exactly_once_after_an_authentication_failure(error: Exception) -> None:
    connect, reload = Connector(error), Reloads()
    assert is_authentication_failure(error)
    assert with_secret_reload(connect, reload=reload) == "connection"
    assert (connect.calls, reload.count) == (2, 1)


@pytest.mark.parametrize(
    "error",
    [
        PsycopgError("connection refused", sqlstate=None),
        PsycopgError("too many connections", sqlstate="53300"),
        # A SQLSTATE outside class 28 decides, whatever the text says.
        PsycopgError("password authentication failed, said the app", sqlstate="42501"),
        django_wrapped(Psycopg2Error("could not translate host name", pgcode=None)),
        ValueError("unrelated"),
    ],
    ids=lambda error: f"{type(error).__name__}:{str(error)[:24]}",
)
def test_any_other_error_propagates_unchanged_without_a_reload(error: Exception) -> None:
    connect, reload = Connector(error), Reloads()
    assert not is_authentication_failure(error)
    with pytest.raises(type(error)) as caught:
        with_secret_reload(connect, reload=reload)
    assert caught.value is error
    assert (connect.calls, reload.count) == (1, 0)


def test_a_second_refusal_propagates_after_one_reload() -> None:
    first = PsycopgError(REFUSED, sqlstate="28P01")
    second = PsycopgError(REFUSED, sqlstate="28P01")
    connect, reload = Connector(first, second), Reloads()
    with pytest.raises(PsycopgError) as caught:
        with_secret_reload(connect, reload=reload)
    assert caught.value is second
    assert caught.value.__context__ is first
    assert (connect.calls, reload.count) == (2, 1)


def test_a_failed_reload_propagates_with_the_refusal_as_context() -> None:
    refusal = PsycopgError(REFUSED, sqlstate="28P01")
    connect = Connector(refusal)

    def reload() -> None:
        raise SecretsLoadError("arn:db", "Secrets Manager secret arn:db could not be read")

    with pytest.raises(SecretsLoadError) as caught:
        with_secret_reload(connect, reload=reload)
    assert caught.value.__context__ is refusal
    assert connect.calls == 1


def test_the_decorator_passes_arguments_and_uses_the_default_reload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reload = Reloads()
    monkeypatch.setattr(loader_module, "reload_secrets", reload)
    attempts: list[tuple[str, int]] = []

    @reload_secrets_on_auth_failure
    def connect(host: str, *, port: int) -> str:
        attempts.append((host, port))
        if len(attempts) == 1:
            raise PsycopgError(REFUSED)
        return f"connected to {host}:{port}"

    assert connect("db.internal", port=5432) == "connected to db.internal:5432"
    assert attempts == [("db.internal", 5432)] * 2
    assert reload.count == 1
    assert connect.__name__ == "connect"


def test_recovers_from_a_rotated_password_with_the_real_loader(
    moto: MotoServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The case it exists for: RDS rotated the password after the server loaded the old one."""
    db_arn = moto.create_secret("rds!db-1", json.dumps({"username": "app", "password": "old-pw"}))
    env = {"ZONKE_SECRET_ARNS": f"DB_={db_arn}"}
    secrets = SecretsLoader(env=env, client_options=moto.client_options)
    secrets.load()
    moto.put_secret(db_arn, json.dumps({"username": "app", "password": "new-pw"}))
    database_password = "new-pw"
    caplog.set_level(logging.DEBUG)  # from here on only the loader and the helper log

    def connect() -> str:
        # Reads the credentials anew on each call, as the Django backend will.
        if env["DB_PASSWORD"] != database_password:
            raise PsycopgError(REFUSED)
        return f"connected as {env['DB_USERNAME']}"

    assert secrets.load().from_cache is True  # the cache alone would keep the old password
    assert with_secret_reload(connect, reload=secrets.reload) == "connected as app"
    assert env["DB_PASSWORD"] == "new-pw"
    assert len(moto.get_secret_value_calls()) == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "zonke secrets: the database refused the credentials (PsycopgError); reloading the"
        " secrets and connecting once more"
    ]
    assert not any(pw in r.getMessage() for r in caplog.records for pw in ("old-pw", "new-pw"))


def test_is_authentication_failure_survives_a_cycle_in_the_chain() -> None:
    outer = PsycopgError("outer")
    inner = PsycopgError("inner")
    outer.__cause__, inner.__context__ = inner, outer
    assert is_authentication_failure(outer) is False

