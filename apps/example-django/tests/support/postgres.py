"""A throwaway PostgreSQL server for tests, and the session-scoped ``postgres_server`` fixture.

Self-contained (the standard library, psycopg and pytest), so other test suites can use it:
``from support.postgres import postgres_server`` in a conftest, or load this file by path.

The server is a fresh cluster (``initdb``) in a temporary directory, started with ``pg_ctl``:

- TCP only on 127.0.0.1, on a free port; its Unix socket in the temporary directory (mode 0700),
  so only this user (and root) can reach it.
- One login role with a random password and its own database. TCP logins need that password
  (``scram-sha-256`` in pg_hba.conf, as on RDS); the socket trusts the OS user, for setup only.
  The role may create databases, which Django's test runner needs for ``test_<name>``.
- No TLS (``ssl = off``): clients connect with ``sslmode=disable``.
- Durability is off (``fsync``, ``full_page_writes``, ``synchronous_commit``): the data dies with
  the test run anyway.

It is stopped and the directory deleted at the end. PostgreSQL refuses to run as root, so as root
the server runs as the ``postgres`` system user (``runuser``, else ``su``), which then owns the
directory. Binaries are found in ``$ZONKE_POSTGRES_BIN``, on PATH or in
``/usr/lib/postgresql/*/bin``; ``scripts/bootstrap-postgres`` installs them.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

__all__ = [
    "PostgresNotFoundError",
    "PostgresServer",
    "find_postgres_bin",
    "postgres_server",
    "running_postgres",
]

_SERVER_USER = "postgres"  # the system user that runs the server when the tests run as root
_SUPERUSER = "postgres"  # the cluster's superuser, reached over the socket only
_START_ATTEMPTS = 3  # a free port can be taken between probing it and the server binding it
_START_TIMEOUT_SECONDS = 30
_COMMAND_TIMEOUT_SECONDS = 120


class PostgresNotFoundError(RuntimeError):
    """No PostgreSQL server binaries (initdb, pg_ctl) on this machine."""


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    database: str
    bin_dir: Path
    data_dir: Path
    socket_dir: Path

    @property
    def conninfo(self) -> str:
        """A libpq connection string for the login role, over TCP with its password."""
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=self.database,
            sslmode="disable",
        )

    def connect(self, **kwargs: object) -> psycopg.Connection:
        return psycopg.connect(self.conninfo, **kwargs)

    def zonke_env(self) -> dict[str, str]:
        """The variables a zonke deployment gives an app for its database (``DB_*``)."""
        return {
            "DB_HOST": self.host,
            "DB_PORT": str(self.port),
            "DB_NAME": self.database,
            "DB_USERNAME": self.user,
            "DB_PASSWORD": self.password,
            "DB_SSLMODE": "disable",
        }


def find_postgres_bin(env: Mapping[str, str] | None = None) -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: ``$ZONKE_POSTGRES_BIN``, PATH, then
    Debian's ``/usr/lib/postgresql/<version>/bin``, newest first."""
    env = os.environ if env is None else env
    candidates: list[Path] = []
    if env.get("ZONKE_POSTGRES_BIN"):
        candidates.append(Path(env["ZONKE_POSTGRES_BIN"]))
    on_path = shutil.which("initdb", path=env.get("PATH"))
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(d) for d in debian), key=_version_key, reverse=True)
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return directory
    raise PostgresNotFoundError(
        "No PostgreSQL server found (initdb and pg_ctl are not in $ZONKE_POSTGRES_BIN, on PATH or "
        "in /usr/lib/postgresql/*/bin). Run scripts/bootstrap-postgres from the repository root: "
        "it installs Debian's postgresql package and prints the directory to put in "
        "ZONKE_POSTGRES_BIN."
    )


@contextmanager
def running_postgres(
    *,
    user: str = "app",
    database: str = "app",
    bin_dir: Path | None = None,
    can_create_databases: bool = True,
) -> Iterator[PostgresServer]:
    """Starts a throwaway server, yields how to reach it, then stops it and deletes its files."""
    bin_dir = bin_dir or find_postgres_bin()
    runner = _Runner.for_current_user()
    root = runner.private_directory(prefix="zonke-postgres-")
    try:
        data_dir, socket_dir, log_file = root / "data", root / "socket", root / "server.log"
        runner.run([str(bin_dir / "initdb"), *_initdb_args(data_dir)], cwd=root)
        runner.mkdir(socket_dir)
        _write_pg_hba(data_dir)
        port = _start(runner, bin_dir, data_dir, socket_dir, log_file)
        try:
            password = secrets.token_urlsafe(24)
            _create_role_and_database(
                socket_dir, port, user, password, database, can_create_databases
            )
            yield PostgresServer(
                host="127.0.0.1",
                port=port,
                user=user,
                password=password,
                database=database,
                bin_dir=bin_dir,
                data_dir=data_dir,
                socket_dir=socket_dir,
            )
        finally:
            _stop(runner, bin_dir, data_dir)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL server for the whole test session."""
    try:
        bin_dir = find_postgres_bin()
    except PostgresNotFoundError as error:
        pytest.fail(str(error), pytrace=False)
    with running_postgres(bin_dir=bin_dir) as server:
        yield server


class _Runner:
    """Runs the server's commands as the current user, or as ``postgres`` when that is root."""

    def __init__(self, as_user: pwd.struct_passwd | None) -> None:
        self._as_user = as_user

    @classmethod
    def for_current_user(cls) -> _Runner:
        if os.geteuid() != 0:
            return cls(None)
        try:
            return cls(pwd.getpwnam(_SERVER_USER))
        except KeyError:
            raise RuntimeError(
                "PostgreSQL refuses to run as root and there is no 'postgres' system user to run "
                "it as; run the tests as a normal user, or install Debian's postgresql package "
                "(scripts/bootstrap-postgres), which creates that user"
            ) from None

    def private_directory(self, prefix: str) -> Path:
        """A new directory (mode 0700) that the server user owns and can reach: under the
        temporary directory, or under ``/tmp`` when the server user cannot enter that (root's
        ``TMPDIR`` is often private to root)."""
        bases = [Path(tempfile.gettempdir())]
        if self._as_user is not None and bases[0] != Path("/tmp"):
            bases.append(Path("/tmp"))
        for base in bases:
            path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
            self.give(path)
            if self._can_enter(path):
                return path
            shutil.rmtree(path, ignore_errors=True)
        raise RuntimeError(
            f"the {_SERVER_USER!r} user, which runs PostgreSQL when the tests run as root, cannot "
            f"enter a directory under {' or '.join(str(base) for base in bases)}; point TMPDIR at "
            "a directory it can reach (e.g. /tmp), or run the tests as a normal user"
        )

    def _can_enter(self, path: Path) -> bool:
        if self._as_user is None:
            return True
        check = ["sh", "-c", 'cd "$1"', "sh", str(path)]
        completed = subprocess.run(
            self._wrap(check), capture_output=True, timeout=_COMMAND_TIMEOUT_SECONDS, check=False
        )
        return completed.returncode == 0

    def give(self, path: Path) -> None:
        """Makes ``path`` the server user's (it already is the current user's)."""
        if self._as_user is not None:
            os.chown(path, self._as_user.pw_uid, self._as_user.pw_gid)

    def mkdir(self, path: Path) -> None:
        path.mkdir(mode=0o700)
        self.give(path)

    def run(self, argv: Sequence[str], *, cwd: Path) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            self._wrap(argv),
            cwd=cwd,  # a directory the server user can enter (not root's home)
            capture_output=True,
            text=True,
            timeout=_COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(
                f"{Path(argv[0]).name} failed (exit {completed.returncode}):\n"
                f"{completed.stdout}{completed.stderr}".rstrip()
            )
        return completed

    def _wrap(self, argv: Sequence[str]) -> list[str]:
        if self._as_user is None:
            return list(argv)
        name = self._as_user.pw_name
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", name, "--", *argv]
        return ["su", name, "-s", "/bin/sh", "-c", shlex.join(argv)]


def _initdb_args(data_dir: Path) -> list[str]:
    return [
        "-D",
        str(data_dir),
        "-U",
        _SUPERUSER,
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "--encoding=UTF8",
        "--no-locale",  # no dependency on the machine's locales
        "--no-sync",
    ]


def _write_pg_hba(data_dir: Path) -> None:
    # Written in place, so the file keeps the owner and mode initdb gave it.
    with open(data_dir / "pg_hba.conf", "w") as hba:
        hba.write(
            "# zonke test server: the socket in a private directory; 127.0.0.1 with a password\n"
            "local all all trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
        )


def _server_settings(port: int, socket_dir: Path) -> str:
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(port),
        "unix_socket_directories": str(socket_dir),
        "ssl": "off",
        "password_encryption": "scram-sha-256",
        "fsync": "off",
        "full_page_writes": "off",
        "synchronous_commit": "off",
        "max_connections": "50",
        "shared_buffers": "16MB",
    }
    return "".join(f"{name} = '{value}'\n" for name, value in settings.items())


def _start(
    runner: _Runner, bin_dir: Path, data_dir: Path, socket_dir: Path, log_file: Path
) -> int:
    base_conf = (data_dir / "postgresql.conf").read_text()
    for attempt in range(1, _START_ATTEMPTS + 1):
        port = _free_port()
        # Written in place, like pg_hba.conf; the last setting of a name wins.
        (data_dir / "postgresql.conf").write_text(base_conf + _server_settings(port, socket_dir))
        pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file)]
        try:
            wait = ["-w", "-t", str(_START_TIMEOUT_SECONDS)]
            runner.run([*pg_ctl, *wait, "start"], cwd=data_dir.parent)
            return port
        except RuntimeError as error:
            log = log_file.read_text() if log_file.exists() else ""
            if attempt < _START_ATTEMPTS and "could not bind" in log:
                continue  # the port was taken in the meantime: try another
            raise RuntimeError(f"{error}\nserver log:\n{log[-3000:]}") from None
    raise AssertionError("unreachable")


def _create_role_and_database(
    socket_dir: Path, port: int, user: str, password: str, database: str, can_create_databases: bool
) -> None:
    with psycopg.connect(
        host=str(socket_dir), port=port, user=_SUPERUSER, dbname="postgres", autocommit=True
    ) as admin:
        create_role = "CREATE ROLE {} LOGIN PASSWORD {}"
        if can_create_databases:
            create_role += " CREATEDB"
        admin.execute(sql.SQL(create_role).format(sql.Identifier(user), sql.Literal(password)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(user)
            )
        )


def _stop(runner: _Runner, bin_dir: Path, data_dir: Path) -> None:
    """Stops at once (the data is thrown away); kills the postmaster if pg_ctl cannot."""
    try:
        runner.run(
            [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop"],
            cwd=data_dir.parent,
        )
        return
    except (RuntimeError, subprocess.TimeoutExpired):
        pass
    pid_file = data_dir / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split("\n", 1)[0])
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    """``/usr/lib/postgresql/16/bin`` sorts after ``.../9.6/bin``."""
    return tuple(int(part) for part in re.findall(r"\d+", bin_dir.parent.name))
