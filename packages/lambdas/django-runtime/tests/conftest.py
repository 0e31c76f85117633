from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.counts import CountsPlugin
from support.lambda_instance import LambdaInstance, start_instance
from support.moto_server import MotoServer, start_moto_server
from support.postgres import Database, PostgresServer, create_database, running_postgres
from support.projects import PROJECTS, TINY, DjangoProject

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MIGRATE = {"zonke": "manage", "command": "migrate", "args": ["--noinput"]}
COLLECTSTATIC = {"zonke": "manage", "command": "collectstatic", "args": ["--noinput"]}


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(CountsPlugin(PACKAGE_DIR / "test-results"), "zonke-counts")


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = start_moto_server(tmp_path_factory.mktemp("moto"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    """The server with no secrets and an empty request log."""
    moto_server.reset()
    return moto_server


def start_migrated(
    project: DjangoProject, env: dict[str, str], workdir: Path
) -> LambdaInstance:
    """A cold instance of ``project`` whose database was migrated, and static files collected,
    through manage events."""
    instance = start_instance(project.directory, env, workdir / "instance.log")
    for event in (MIGRATE, COLLECTSTATIC):
        answer = instance.invoke(event)
        assert answer["exitCode"] == 0, answer["output"]
    return instance


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server (apps/example-django's test fixture) for the session."""
    with running_postgres() as server:
        yield server


@pytest.fixture
def fresh_database(postgres_server: PostgresServer) -> Database:
    """A new, empty database on the server, owned by the login role."""
    return create_database(postgres_server)


_SERVED = [(project, database) for project in PROJECTS for database in ("sqlite", "postgres")]


@pytest.fixture(scope="session", params=_SERVED, ids=lambda pair: f"{pair[0].name}-{pair[1]}")
def project_instance(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DjangoProject, LambdaInstance]]:
    """Each available project on SQLite and on PostgreSQL, migrated, one instance each."""
    project, database = request.param
    workdir = tmp_path_factory.mktemp(f"{project.name}-{database}")
    if database == "sqlite":
        env = project.sqlite_env(workdir)
    else:
        db = create_database(request.getfixturevalue("postgres_server"))
        env = project.postgres_env(workdir, db)
    instance = start_migrated(project, env, workdir)
    try:
        yield project, instance
    finally:
        instance.stop()


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LambdaInstance]:
    """The tiny project (with its probe views) on SQLite, migrated."""
    workdir = tmp_path_factory.mktemp("tiny-probes")
    instance = start_migrated(TINY, TINY.sqlite_env(workdir), workdir)
    try:
        yield instance
    finally:
        instance.stop()
