"""``zonke_runtime.db.postgresql`` on a real PostgreSQL server: a rotated password is picked up
from the secret after one refusal, without a redeploy; anything else is not retried."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from support.events import body_json, http_event, json_event
from support.lambda_instance import LambdaInstance, start_instance
from support.moto_server import FAKE_CREDENTIALS, REGION, MotoServer
from support.postgres import Database
from support.projects import API_KEY, TINY

MIGRATE = {"zonke": "manage", "command": "migrate", "args": ["--noinput"]}


def set_password(database: Database, current: str, new: str) -> None:
    with database.connect(password=current) as connection:
        connection.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(database.server.user), sql.Literal(new))
        )


@dataclass
class Rotation:
    instance: LambdaInstance
    database: Database
    arn: str
    moto: MotoServer
    password: str
    """The role's password in the database now."""

    def change_password(self, new: str) -> None:
        set_password(self.database, current=self.password, new=new)
        self.password = new


@pytest.fixture
def rotating(moto: MotoServer, fresh_database: Database, tmp_path: Path) -> Iterator[Rotation]:
    """The tiny project with its database credentials only in an RDS-style secret (read at init
    into DB_USERNAME/DB_PASSWORD), and a new connection per request (CONN_MAX_AGE=0)."""
    server = fresh_database.server
    arn = moto.create_secret("rds!db-rotation", json.dumps({"username": server.user, "password": server.password}))
    env = {
        **TINY.sqlite_env(tmp_path),  # settings module, static root, API key
        "DB_HOST": server.host,
        "DB_PORT": str(server.port),
        "DB_NAME": fresh_database.name,
        "DB_CONN_MAX_AGE": "0",
        "ZONKE_SECRET_ARNS": f"DB_={arn}",
        "AWS_ENDPOINT_URL": moto.endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
    }
    instance = start_instance(TINY.directory, env, tmp_path / "instance.log")
    rotation = Rotation(instance, fresh_database, arn, moto, password=server.password)
    try:
        assert instance.invoke(MIGRATE)["exitCode"] == 0
        yield rotation
    finally:
        instance.stop()
        # The server is shared by the session: give the role its password back.
        rotation.change_password(server.password)


def test_a_rotated_password_is_reloaded_once_and_the_request_succeeds(rotating: Rotation) -> None:
    instance, arn, moto, user = rotating.instance, rotating.arn, rotating.moto, rotating.database.server.user
    created = instance.invoke(json_event("POST", "/api/items/", {"name": "before"}, headers={"x-api-key": API_KEY}))
    assert created["statusCode"] == 201
    assert moto.get_secret_value_calls() == [arn]  # read once, at init

    # RDS rotates: the role's password changes, and the secret gets the new one.
    rotating.change_password("rotated-password-1")
    moto.put_secret(arn, json.dumps({"username": user, "password": "rotated-password-1"}))
    instance.new_log()

    listed = instance.invoke(http_event("GET", "/api/items/"))
    assert listed["statusCode"] == 200, listed["body"][:300]
    assert [item["name"] for item in body_json(listed)["results"]] == ["before"]
    assert moto.get_secret_value_calls() == [arn, arn]  # one reload
    assert "reloading the secrets and connecting once more" in instance.new_log()
    # Later connections use the new credentials without reading the secret again.
    assert instance.invoke(http_event("GET", "/api/items/"))["statusCode"] == 200
    assert len(moto.get_secret_value_calls()) == 2


def test_a_password_the_secret_does_not_have_is_retried_once_only(rotating: Rotation) -> None:
    instance, arn, moto = rotating.instance, rotating.arn, rotating.moto
    rotating.change_password("not-in-the-secret")

    refused = instance.invoke(http_event("GET", "/api/items/"))
    assert refused["statusCode"] == 500  # Django's own answer to the OperationalError
    assert moto.get_secret_value_calls() == [arn, arn]  # init, then exactly one reload
    instance.invoke(http_event("GET", "/api/items/"))
    assert len(moto.get_secret_value_calls()) == 3  # one reload per new connection, no loop


def test_other_connection_errors_do_not_reload(rotating: Rotation) -> None:
    instance, database, arn, moto = rotating.instance, rotating.database, rotating.arn, rotating.moto
    # A database that is gone is not an authentication failure (SQLSTATE 3D000).
    _rename(database, database.name, database.name + "_moved")
    try:
        assert instance.invoke(http_event("GET", "/api/items/"))["statusCode"] == 500
        assert moto.get_secret_value_calls() == [arn]
    finally:
        _rename(database, database.name + "_moved", database.name)


def _rename(database: Database, old: str, new: str) -> None:
    with psycopg.connect(database.server.conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new)))
