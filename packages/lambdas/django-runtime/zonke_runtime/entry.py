"""The container image's entry point, ``zonke-runtime <command>`` (``ENTRYPOINT
["zonke-runtime"]``, ``CMD ["lambda"]``): one image per app, three commands.

- ``lambda`` (the default): execs the Lambda runtime interface client,
  ``python -m awslambdaric zonke_runtime.handler.handler``. Needs ``AWS_LAMBDA_RUNTIME_API``,
  which Lambda (or the Runtime Interface Emulator) sets.
- ``web [gunicorn options...]``: execs gunicorn serving ``zonke_runtime.wsgi:application``, for
  ECS. Settings from the environment, see ``gunicorn_argv``; options given after ``web`` go to
  gunicorn last, so they win.
- ``migrate [migrate options...]``: ``manage.py migrate --noinput`` through Django's
  ``call_command``, after the same init as the Lambda handler (secrets first). The command's
  output goes to stdout, errors to stderr; the process exits with the command's exit code. ECS
  RunTask runs it before a release moves traffic.
- ``manage <args...>``: any management command, as ``manage.py <args...>`` would run it, after
  the same init. Exits with the command's exit code.

An unknown command, or none, prints the usage and exits 2. Configuration errors (an init that
fails, a bad ``PORT``) print one line that says what to fix and exit 1 (2 for a bad command
line), never a stack trace. A migration that fails prints its traceback: that is the operator's
evidence.

``lambda`` and ``web`` replace this process (``os.execv``) with the same Python, so in a container
the server is PID 1 and receives ECS's and Lambda's signals itself.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
import time
import traceback
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import NoReturn

HANDLER = "zonke_runtime.handler.handler"
WSGI_APP = "zonke_runtime.wsgi:application"
DEFAULT_PORT = 8000
# ECS stops a task with SIGTERM, then SIGKILL after the container's stopTimeout (30 s by default):
# gunicorn must finish its in-flight requests and exit before that.
GRACEFUL_TIMEOUT_SECONDS = 25
# CloudFront waits 30 s for an origin by default (60 s at most without a quota raise): a worker busy
# for longer answers nobody, so gunicorn restarts it.
WORKER_TIMEOUT_SECONDS = 60
# Each sync worker holds at most one database connection: more workers than this per task is
# rarely what a database wants. WEB_CONCURRENCY sets any number.
MAX_DEFAULT_WORKERS = 12

USAGE_EXIT = 2
CONFIG_EXIT = 1

USAGE = """\
usage: zonke-runtime <command> [args...]

commands:
  lambda               serve Lambda invocations (the image's default command)
  web [options...]     serve HTTP with gunicorn on 0.0.0.0:$PORT (ECS); options go to gunicorn
  migrate [options...] apply the database migrations (manage.py migrate --noinput)
  manage <args...>     run a management command, as manage.py <args...> would

environment:
  DJANGO_SETTINGS_MODULE   the app's settings module (the image sets it at build)
  ZONKE_SECRET_ARNS        Secrets Manager secrets loaded into the environment first
  PORT, GUNICORN_BIND      web: port (8000) or full bind address (overrides 0.0.0.0:$PORT)
  WEB_CONCURRENCY          web: worker processes (default: 2 x CPUs + 1, at most 12)
"""


class UsageError(Exception):
    """A bad command line or setting: the message says what is wrong and what is allowed."""

    def __init__(self, message: str, exit_code: int = USAGE_EXIT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        return _usage_error("no command given")
    command, rest = args[0], args[1:]
    if command in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    try:
        if command == "lambda":
            if rest:
                raise UsageError(f"lambda takes no arguments, got: {' '.join(rest)}")
            _exec_lambda(os.environ)
        if command == "web":
            _exec_web(os.environ, rest)
        if command == "migrate":
            return run_migrate(rest)
        if command == "manage":
            return run_manage(rest)
    except UsageError as error:
        print(f"zonke-runtime {command}: {error}", file=sys.stderr)
        return error.exit_code
    return _usage_error(f"unknown command {command!r}")


def _usage_error(message: str) -> int:
    sys.stderr.write(f"zonke-runtime: {message}\n\n{USAGE}")
    return USAGE_EXIT


# --- lambda -----------------------------------------------------------------------------------


def lambda_argv() -> list[str]:
    return [sys.executable, "-m", "awslambdaric", HANDLER]


def _exec_lambda(env: Mapping[str, str]) -> NoReturn:
    if not env.get("AWS_LAMBDA_RUNTIME_API"):
        raise UsageError(
            "AWS_LAMBDA_RUNTIME_API is not set: this command serves the Lambda Runtime API, which"
            " Lambda sets (locally, run the image under the Runtime Interface Emulator, or use"
            " `zonke-runtime web` for HTTP)",
            CONFIG_EXIT,
        )
    _require_module("awslambdaric", "the Lambda runtime interface client")
    _exec(lambda_argv())


# --- web --------------------------------------------------------------------------------------


def gunicorn_argv(
    env: Mapping[str, str], extra: Sequence[str] = (), *, gunicorn_version: str | None = None
) -> list[str]:
    """gunicorn's command line for the web command, from the environment:

    - ``--bind``: ``GUNICORN_BIND`` as given, else ``0.0.0.0:$PORT`` (``PORT`` 8000);
    - ``--workers``: ``WEB_CONCURRENCY``, else ``default_workers()``;
    - access log to stdout, error log to stderr (both reach CloudWatch through ECS's log driver);
    - ``--graceful-timeout`` 25 s, under ECS's 30 s stop timeout; ``--timeout`` 60 s;
    - ``--preload``: the app (secrets, Django, URLconf) is loaded once, before the workers fork,
      so an init failure stops the task at once with its message, and the workers share the
      loaded code;
    - the workers' heartbeat files in ``/dev/shm`` when it is writable (a read-only root file
      system, and a disk-backed /tmp, would stall them);
    - no control socket (gunicorn 25.1 or newer): it would be created under ``$HOME``, which a
      container's non-root user cannot write, and a task is scaled by ECS, not by ``gunicornc``.

    An app's own ``gunicorn.conf.py`` in the working directory is still read (gunicorn's
    default), for anything this command line does not set; ``GUNICORN_CMD_ARGS`` too.
    """
    bind = env.get("GUNICORN_BIND", "").strip() or f"0.0.0.0:{_port(env)}"
    argv = [
        sys.executable, "-m", "gunicorn",
        "--bind", bind,
        "--workers", str(_workers(env)),
        "--access-logfile", "-",
        "--error-logfile", "-",
        "--graceful-timeout", str(GRACEFUL_TIMEOUT_SECONDS),
        "--timeout", str(WORKER_TIMEOUT_SECONDS),
        "--preload",
    ]  # fmt: skip
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        argv += ["--worker-tmp-dir", "/dev/shm"]
    if _has_control_socket(gunicorn_version):
        argv.append("--no-control-socket")
    return [*argv, *extra, WSGI_APP]


def installed_gunicorn_version() -> str | None:
    try:
        return metadata.version("gunicorn")
    except metadata.PackageNotFoundError:
        return None


def _has_control_socket(version: str | None) -> bool:
    """gunicorn 25.1 added the control socket (and ``--no-control-socket``)."""
    if not version:
        return False
    parts = [int(part) if part.isdigit() else 0 for part in version.split(".")[:2]]
    return tuple(parts + [0] * (2 - len(parts))) >= (25, 1)


def _port(env: Mapping[str, str]) -> int:
    text = env.get("PORT", "").strip()
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise UsageError(f"PORT={text!r} is not a port number; give 1 to 65535 (default 8000)")
    return int(text)


def _workers(env: Mapping[str, str]) -> int:
    text = env.get("WEB_CONCURRENCY", "").strip()
    if not text:
        return default_workers()
    if not text.isdigit() or int(text) < 1:
        raise UsageError(
            f"WEB_CONCURRENCY={text!r} is not a number of workers; give a whole number of 1 or"
            " more, or leave it unset for 2 x CPUs + 1"
        )
    return int(text)


def default_workers(cpus: float | None = None) -> int:
    """gunicorn's advice, 2 x CPUs + 1, from the CPUs this container may use (its cgroup's CPU
    quota when it has one: an ECS task's ``cpu``), at most ``MAX_DEFAULT_WORKERS``."""
    if cpus is None:
        cpus = available_cpus()
    return min(2 * max(1, math.ceil(cpus)) + 1, MAX_DEFAULT_WORKERS)


def available_cpus(cgroup_root: Path = Path("/sys/fs/cgroup")) -> float:
    """The cgroup's CPU quota in CPUs (v2 ``cpu.max``, or v1 ``cpu.cfs_quota_us``), else the CPUs
    this process may run on."""
    quota = _cgroup_cpu_quota(cgroup_root)
    if quota is not None:
        return quota
    try:
        return float(len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return float(os.cpu_count() or 1)


def _cgroup_cpu_quota(root: Path) -> float | None:
    try:
        text = (root / "cpu.max").read_text().split()
        if len(text) == 2 and text[0] != "max" and int(text[1]) > 0:
            return int(text[0]) / int(text[1])
        return None
    except (OSError, ValueError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None


def _exec_web(env: Mapping[str, str], extra: Sequence[str]) -> NoReturn:
    _require_module("gunicorn", "gunicorn, the HTTP server")
    argv = gunicorn_argv(env, extra, gunicorn_version=installed_gunicorn_version())
    _exec(argv)


# --- migrate and manage -----------------------------------------------------------------------


def run_migrate(args: Sequence[str]) -> int:
    """``migrate --noinput [args...]`` after the handler's init; returns the exit code."""
    _initialise_or_exit()
    from django.core.management import CommandError, call_command
    from django.db import connections

    from .log import log_line

    started = time.perf_counter()
    try:
        call_command("migrate", *args, interactive=False)
        exit_code = 0
    except CommandError as error:  # what run_from_argv prints for it
        print(f"CommandError: {error}", file=sys.stderr)
        exit_code = error.returncode
    except SystemExit as exit:
        exit_code = _exit_code(exit)
    except Exception:
        traceback.print_exc()
        exit_code = 1
    finally:
        _close_connections(connections)
    sys.stdout.flush()
    log_line(
        "info" if exit_code == 0 else "error",
        "migrate",
        exitCode=exit_code,
        durationMs=round((time.perf_counter() - started) * 1000),
    )
    return exit_code


def run_manage(args: Sequence[str]) -> int:
    """``manage.py <args...>`` after the handler's init; returns the exit code."""
    if not args:
        raise UsageError("give the management command to run, e.g. `manage showmigrations`")
    _initialise_or_exit()
    from django.core.management import ManagementUtility
    from django.db import connections

    try:
        # Django's own dispatch (its argument parsing, messages and exit codes). Its setup()
        # after init's finds the apps loaded and only configures logging again.
        ManagementUtility(["manage.py", *args]).execute()
        exit_code = 0
    except SystemExit as exit:
        exit_code = _exit_code(exit)
    except Exception:
        traceback.print_exc()
        exit_code = 1
    finally:
        _close_connections(connections)
    sys.stdout.flush()
    return exit_code


def _initialise_or_exit() -> None:
    """The Lambda handler's init: secrets into the environment, then Django and the URLconf.
    A failure is one line on stderr and exit 1."""
    from .django_app import RuntimeInitError, initialise

    try:
        initialise()
    except RuntimeInitError as error:
        raise UsageError(str(error).removeprefix("zonke: "), CONFIG_EXIT) from None


def _exit_code(exit: SystemExit) -> int:
    code = exit.code
    if code is None:
        return 0
    if isinstance(code, int):
        return int(code)
    print(code, file=sys.stderr)
    return 1


def _close_connections(connections: object) -> None:
    try:
        connections.close_all()  # type: ignore[attr-defined]
    except Exception as error:
        print(f"zonke-runtime: closing the database connections failed: {error}", file=sys.stderr)


# --- helpers ----------------------------------------------------------------------------------


def _require_module(name: str, what: str) -> None:
    if importlib.util.find_spec(name) is None:
        raise UsageError(
            f"{what} ({name}) is not installed in {sys.prefix}; the image installs it from the"
            " runtime's runtime-requirements.txt",
            CONFIG_EXIT,
        )


def _exec(argv: list[str]) -> NoReturn:
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
