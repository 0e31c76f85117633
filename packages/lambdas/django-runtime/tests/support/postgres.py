"""PostgreSQL for the runtime's tests: the example app's throwaway-server fixture
(``apps/example-django/tests/support/postgres.py``, which the whole repository shares), loaded by
path, and a new database per test project on it."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
from psycopg import sql

SHARED_FIXTURE = Path(__file__).resolve().parents[5] / "apps/example-django/tests/support/postgres.py"
_numbers = itertools.count(1)


def _shared_fixture() -> ModuleType:
    spec = importlib.util.spec_from_file_location("zonke_shared_postgres", SHARED_FIXTURE)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"{SHARED_FIXTURE} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


_shared = _shared_fixture()
PostgresServer = _shared.PostgresServer
running_postgres = _shared.running_postgres


@dataclass(frozen=True)
class Database:
    server: Any
    name: str

    def env(self) -> dict[str, str]:
        """``DB_*`` as a zonke deployment sets them, for this database."""
        return {**self.server.zonke_env(), "DB_NAME": self.name}

    def connect(self, password: str | None = None) -> psycopg.Connection:
        return psycopg.connect(
            host=self.server.host,
            port=self.server.port,
            user=self.server.user,
            password=password or self.server.password,
            dbname=self.name,
            sslmode="disable",
            autocommit=True,
        )


def create_database(server: Any) -> Database:
    name = f"runtime_{next(_numbers)}"
    with psycopg.connect(server.conninfo, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return Database(server=server, name=name)
