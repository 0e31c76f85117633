"""The image's entry commands (``zonke_runtime.entry``), run as the image runs them but from this
virtualenv: ``python -m zonke_runtime.entry <command>`` in a fresh process, in the project's
directory, with the environment a deployment gives.

- ``web``: gunicorn really started on 127.0.0.1 at a free port, serving the example app, then
  stopped with SIGTERM as ECS stops a task.
- ``migrate`` and ``manage``: on SQLite, their exit codes and output, secrets loaded first (from
  moto's Secrets Manager).
- ``lambda``: the real runtime interface client (awslambdaric) against a fake Lambda Runtime API
  on 127.0.0.1, answering Function URL events through Django.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from support.events import body_json, http_event, json_event
from support.moto_server import FAKE_CREDENTIALS, REGION, MotoServer
from support.network import free_port
from support.projects import API_KEY, EXAMPLE, TINY, DjangoProject
from zonke_runtime import entry

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 120

def project_env(project: DjangoProject, workdir: Path, **extra: str) -> dict[str, str]:
    """A clean environment, as a deployment gives it: the project on SQLite in ``workdir``."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(project.directory), str(PACKAGE_DIR)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": REGION,
        **project.sqlite_env(workdir),
        **extra,
    }


def run_entry(
    args: list[str], project: DjangoProject, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zonke_runtime.entry", *args],
        cwd=project.directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# --- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "zonke-runtime: no command given"),
        (["serve"], "zonke-runtime: unknown command 'serve'"),
        (["lambda", "extra"], "zonke-runtime lambda: lambda takes no arguments, got: extra"),
        (["manage"], "zonke-runtime manage: give the management command to run"),
    ],
)
def test_a_bad_command_line_prints_the_usage_and_exits_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = run_entry(args, TINY, project_env(TINY, tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr
    if args in ([], ["serve"]):
        assert "usage: zonke-runtime <command>" in result.stderr
        assert "migrate" in result.stderr and "web" in result.stderr


def test_help_prints_the_usage_to_stdout(tmp_path: Path) -> None:
    result = run_entry(["--help"], TINY, project_env(TINY, tmp_path))
    assert result.returncode == 0
    assert result.stdout.startswith("usage: zonke-runtime <command> [args...]")


# --- migrate ------------------------------------------------------------------------------------


def test_migrate_applies_the_migrations_then_finds_none_to_apply(tmp_path: Path) -> None:
    env = project_env(EXAMPLE, tmp_path)
    first = run_entry(["migrate"], EXAMPLE, env)
    assert first.returncode == 0, first.stderr
    assert "Applying catalog.0001_initial... OK" in first.stdout
    with sqlite3.connect(env["DJANGO_SQLITE_PATH"]) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type='table'")}
    assert {"catalog_item", "catalog_category", "django_migrations"} <= tables
    assert [line for line in json_lines(first.stderr) if line["message"] == "migrate"] == [
        {"level": "info", "message": "migrate", "exitCode": 0, "durationMs": pytest.approx(0, abs=60_000)}
    ]

    again = run_entry(["migrate"], EXAMPLE, env)
    assert again.returncode == 0, again.stderr
    assert "No migrations to apply." in again.stdout


def test_migrate_passes_its_arguments_to_the_migrate_command(tmp_path: Path) -> None:
    env = project_env(TINY, tmp_path)
    result = run_entry(["migrate", "catalog", "zero"], TINY, env)
    assert result.returncode == 0, result.stderr
    assert "No migrations to apply." in result.stdout  # nothing was applied: nothing to unapply

    plan = run_entry(["migrate", "catalog", "--plan"], TINY, env)
    assert plan.returncode == 0, plan.stderr
    assert "catalog.0001_initial" in plan.stdout


def test_a_failing_migration_exits_1_with_the_database_error(tmp_path: Path) -> None:
    env = project_env(TINY, tmp_path, SQLITE_PATH=str(tmp_path / "missing-dir" / "db.sqlite3"))
    result = run_entry(["migrate"], TINY, env)
    assert result.returncode == 1
    assert "OperationalError: unable to open database file" in result.stderr
    assert {"level": "error", "message": "migrate", "exitCode": 1} == {
        key: value
        for line in json_lines(result.stderr)
        if line["message"] == "migrate"
        for key, value in line.items()
        if key != "durationMs"
    }


def test_a_command_error_exits_with_its_code_and_message(tmp_path: Path) -> None:
    result = run_entry(["migrate", "nosuchapp"], TINY, project_env(TINY, tmp_path))
    assert result.returncode == 1
    assert "CommandError: No installed app with label 'nosuchapp'." in result.stderr
    assert "Traceback" not in result.stderr


def test_an_init_failure_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = project_env(EXAMPLE, tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = run_entry(["migrate"], EXAMPLE, env)
    assert result.returncode == 1
    # One line: what failed, and the settings' own message, which names the variable.
    first_line, *rest = result.stderr.splitlines()
    assert first_line.startswith(
        "zonke-runtime migrate: Django could not start with"
        " DJANGO_SETTINGS_MODULE=example_django.settings: "
    )
    assert "DJANGO_SECRET_KEY" in first_line
    assert rest == []
    assert not Path(env["DJANGO_SQLITE_PATH"]).exists()


def test_migrate_loads_the_secrets_before_django(tmp_path: Path, moto: MotoServer) -> None:
    """The deployment's environment has neither the secret key nor the database: both are in
    the secret, so the migration can only succeed if the secrets were loaded first."""
    database = tmp_path / "from-the-secret.sqlite3"
    arn = moto.create_secret(
        "shop/prod/app",
        json.dumps({"DJANGO_SECRET_KEY": "k" * 50, "DJANGO_SQLITE_PATH": str(database)}),
    )
    env = project_env(
        EXAMPLE,
        tmp_path,
        ZONKE_SECRET_ARNS=arn,
        AWS_ENDPOINT_URL_SECRETS_MANAGER=moto.endpoint,
        AWS_ACCESS_KEY_ID=FAKE_CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=FAKE_CREDENTIALS["aws_secret_access_key"],
    )
    del env["DJANGO_SECRET_KEY"], env["DJANGO_SQLITE_PATH"]
    result = run_entry(["migrate"], EXAMPLE, env)
    assert result.returncode == 0, result.stderr
    assert database.exists()
    assert moto.get_secret_value_calls() == [arn]
    assert [line["secretCount"] for line in json_lines(result.stderr) if line["message"] == "init"] == [1]


def test_migrate_refuses_when_the_secrets_cannot_be_loaded(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = project_env(
        TINY,
        tmp_path,
        ZONKE_SECRET_ARNS="arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/app-AbCdEf",
        AWS_ENDPOINT_URL_SECRETS_MANAGER=closed,
        AWS_ACCESS_KEY_ID="AKIDTEST",
        AWS_SECRET_ACCESS_KEY="test",
    )
    result = run_entry(["migrate"], TINY, env)
    assert result.returncode == 1
    assert result.stderr.startswith("zonke-runtime migrate: the secrets could not be loaded:")
    assert "Traceback" not in result.stderr
    assert not Path(env["SQLITE_PATH"]).exists()


# --- manage ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "exit_code", "expected"),
    [
        (["tinyfail", "--how", "ok"], 0, "tinyfail done"),
        (["tinyfail", "--how", "error", "--code", "3"], 3, "CommandError: tinyfail: a command error"),
        (["tinyfail", "--how", "exit", "--code", "4"], 4, "tinyfail warns on stderr"),
        (["tinyfail", "--how", "raise"], 1, "ValueError: tinyfail: an unexpected exception"),
        (["nosuchcommand"], 1, "Unknown command: 'nosuchcommand'"),
    ],
)
def test_manage_runs_a_command_and_exits_with_its_code(
    args: list[str], exit_code: int, expected: str, tmp_path: Path
) -> None:
    result = run_entry(["manage", *args], TINY, project_env(TINY, tmp_path))
    assert result.returncode == exit_code, result.stderr
    assert expected in result.stdout + result.stderr


def test_manage_sees_what_migrate_did(tmp_path: Path) -> None:
    env = project_env(TINY, tmp_path)
    assert run_entry(["migrate"], TINY, env).returncode == 0
    result = run_entry(["manage", "showmigrations", "catalog"], TINY, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["catalog", " [X] 0001_initial"]


# --- web --------------------------------------------------------------------------------------------


def test_gunicorn_command_line_defaults() -> None:
    argv = entry.gunicorn_argv({}, gunicorn_version="27.0.1")
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[-1] == "zonke_runtime.wsgi:application"
    options = _options(argv)
    assert options["--bind"] == "0.0.0.0:8000"
    assert options["--workers"] == str(entry.default_workers())
    assert options["--access-logfile"] == "-"  # stdout
    assert int(options["--graceful-timeout"]) < 30  # ECS's default stopTimeout
    assert "--preload" in argv and "--no-control-socket" in argv


def test_gunicorn_command_line_from_the_environment() -> None:
    argv = entry.gunicorn_argv({"PORT": "9000", "WEB_CONCURRENCY": "7"}, gunicorn_version="27.0.1")
    assert _options(argv)["--bind"] == "0.0.0.0:9000"
    assert _options(argv)["--workers"] == "7"
    bound = entry.gunicorn_argv({"PORT": "9000", "GUNICORN_BIND": "127.0.0.1:9999"}, ["--threads", "4"])
    assert _options(bound)["--bind"] == "127.0.0.1:9999"
    assert bound[-3:] == ["--threads", "4", "zonke_runtime.wsgi:application"]  # last: they win
    assert "--no-control-socket" not in entry.gunicorn_argv({}, gunicorn_version="23.0.0")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "70000"}, "PORT='70000' is not a port number; give 1 to 65535"),
        ({"PORT": "http"}, "PORT='http' is not a port number"),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY='0' is not a number of workers"),
        ({"WEB_CONCURRENCY": "many"}, "WEB_CONCURRENCY='many' is not a number of workers"),
    ],
)
def test_web_refuses_bad_settings(env: dict[str, str], message: str, tmp_path: Path) -> None:
    result = run_entry(["web"], TINY, project_env(TINY, tmp_path, **env))
    assert result.returncode == 2
    assert result.stderr.startswith(f"zonke-runtime web: {message}")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("cpus", "workers"), [(0.25, 3), (1, 3), (1.5, 5), (2, 5), (4, 9), (16, 12)])
def test_default_workers(cpus: float, workers: int) -> None:
    assert entry.default_workers(cpus) == workers


def test_available_cpus_reads_the_cgroup_quota(tmp_path: Path) -> None:
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert entry.available_cpus(tmp_path) == 1.5
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert entry.available_cpus(tmp_path) == len(os.sched_getaffinity(0))
    (tmp_path / "cpu.max").unlink()
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("50000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert entry.available_cpus(tmp_path) == 0.5


def _options(argv: list[str]) -> dict[str, str]:
    return {argv[i]: argv[i + 1] for i in range(3, len(argv) - 1) if argv[i].startswith("--")}


def test_web_serves_the_example_app_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = project_env(EXAMPLE, tmp_path)
    assert run_entry(["migrate"], EXAMPLE, env).returncode == 0
    # As the image build does: pages name the hashed files from collectstatic's manifest.
    collected = run_entry(["manage", "collectstatic", "--noinput"], EXAMPLE, env)
    assert collected.returncode == 0, collected.stderr
    port = free_port()
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    stdout, stderr = tmp_path / "web.out", tmp_path / "web.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "zonke_runtime.entry", "web"],
            cwd=EXAMPLE.directory,
            env=env,
            stdout=out,
            stderr=err,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        assert _get(base + "/healthz", wait=True, process=process, log=stderr) == (200, b"ok\n")
        # exec: the process is gunicorn's master now, so ECS's SIGTERM reaches gunicorn itself.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[1:3] == [b"-m", b"gunicorn"]

        status, body = _get(base + "/api/items/", headers={"Host": "shop.example"})
        assert status == 200
        assert json.loads(body)["results"] == []
        status, body = _get(base + "/", headers={"Host": "shop.example"})
        assert status == 200 and b"</html>" in body
        status, _ = _get(base + "/api/items/", headers={"Host": "evil.example"})
        assert status == 400  # ALLOWED_HOSTS holds
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=entry.GRACEFUL_TIMEOUT_SECONDS + 5)
    assert exit_code == 0, stderr.read_text()
    access_log = stdout.read_text()
    assert '"GET /api/items/ HTTP/1.1" 200' in access_log
    assert '"GET /healthz HTTP/1.1" 200' in access_log
    log = stderr.read_text()
    assert f"Listening at: http://127.0.0.1:{port}" in log
    assert log.count("Booting worker with pid") == 2
    assert "Handling signal: term" in log and "Shutting down: Master" in log
    assert "Control socket" not in log
    # Preloaded: init ran once, in the master, before the workers forked.
    assert [line["message"] for line in json_lines(log)].count("init") == 1


def _get(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    wait: bool = False,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> tuple[int, bytes]:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, ConnectionError):
            if not wait or time.monotonic() > deadline:
                raise
            if process is not None and process.poll() is not None:
                raise AssertionError(f"web exited {process.returncode}:\n{log.read_text() if log else ''}")
            time.sleep(0.1)


# --- lambda -------------------------------------------------------------------------------------


@dataclass
class FakeRuntimeApi:
    """The Lambda Runtime API as the runtime interface client uses it: ``invocation/next`` hands
    out queued events (and holds the request while there is none, like Lambda between
    invocations); responses, invocation errors and init errors are recorded."""

    events: queue.Queue[tuple[str, Any] | None] = field(default_factory=queue.Queue)
    answers: queue.Queue[tuple[str, str, Any]] = field(default_factory=queue.Queue)
    next_requests: int = 0
    _stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != "/2018-06-01/runtime/invocation/next":
                    return self._reply(404, {"errorMessage": f"unknown path {self.path}"})
                api.next_requests += 1
                item = None
                while not api._stopping.is_set():
                    try:
                        item = api.events.get(timeout=0.1)
                        break
                    except queue.Empty:
                        continue
                if item is None:
                    return self._reply(500, {"errorMessage": "the fake runtime API is stopping"})
                request_id, event = item
                body = json.dumps(event).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
                self.send_header(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:eu-west-1:123456789012:function:shop-django",
                )
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path.split("/")
                if self.path == "/2018-06-01/runtime/init/error":
                    kind, request_id = "init-error", ""
                elif len(parts) == 6 and parts[3] == "invocation" and parts[5] in ("response", "error"):
                    kind, request_id = parts[5], parts[4]
                else:
                    return self._reply(404, {"errorMessage": f"unknown path {self.path}"})
                payload = json.loads(body) if body else None
                if kind != "response":
                    payload = {"errorType": self.headers.get("Lambda-Runtime-Function-Error-Type"), **(payload or {})}
                api.answers.put((kind, request_id, payload))
                self._reply(202, {"status": "OK"})

            def _reply(self, status: int, data: object) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    def invoke(self, event: Any, timeout: float = 60) -> tuple[str, Any]:
        """Queues the event and waits for the runtime's answer: ("response" | "error", payload)."""
        request_id = str(uuid.uuid4())
        self.events.put((request_id, event))
        kind, answered_id, payload = self.answers.get(timeout=timeout)
        assert answered_id == request_id, (kind, answered_id, payload)
        return kind, payload

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def runtime_api() -> Iterator[FakeRuntimeApi]:
    api = FakeRuntimeApi()
    try:
        yield api
    finally:
        api.stop()


def start_lambda(project: DjangoProject, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("w") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "zonke_runtime.entry", "lambda"],
            cwd=project.directory,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_lambda_answers_function_url_events_through_the_runtime_api(
    tmp_path: Path, runtime_api: FakeRuntimeApi
) -> None:
    env = project_env(EXAMPLE, tmp_path)
    assert run_entry(["migrate"], EXAMPLE, env).returncode == 0
    env.update(AWS_LAMBDA_RUNTIME_API=runtime_api.address, AWS_LAMBDA_FUNCTION_NAME="shop-django")
    log = tmp_path / "lambda.log"
    process = start_lambda(EXAMPLE, env, log)
    try:
        created_kind, created = runtime_api.invoke(
            json_event("POST", "/api/items/", {"name": "Lamp", "price": "12.50"}, headers={"x-api-key": API_KEY})
        )
        assert created_kind == "response", created
        assert created["statusCode"] == 201, created

        kind, listed = runtime_api.invoke(http_event("GET", "/api/items/"))
        assert kind == "response", listed
        assert listed["statusCode"] == 200
        assert listed["headers"]["content-type"] == "application/json"
        assert [item["name"] for item in body_json(listed)["results"]] == ["Lamp"]

        kind, warm = runtime_api.invoke({"zonke": "warm", "delayMs": 0})
        assert kind == "response"
        assert warm["zonke"] == "warm" and warm["coldStart"] is False

        # exec: the process is the runtime interface client itself.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[1:4] == [b"-m", b"awslambdaric", b"zonke_runtime.handler.handler"]
        assert process.poll() is None, log.read_text()
    finally:
        stop(process)
    init_lines = [line for line in json_lines(log.read_text()) if line.get("message") == "init"]
    assert len(init_lines) == 1  # one init for all three invocations


def test_lambda_reports_an_init_failure_to_the_runtime_api(
    tmp_path: Path, runtime_api: FakeRuntimeApi
) -> None:
    env = project_env(EXAMPLE, tmp_path, AWS_LAMBDA_RUNTIME_API=runtime_api.address)
    del env["DJANGO_SECRET_KEY"]
    process = start_lambda(EXAMPLE, env, tmp_path / "lambda.log")
    try:
        kind, _, error = runtime_api.answers.get(timeout=60)
        assert kind == "init-error"
        assert error["errorType"] == "RuntimeInitError"
        assert error["errorMessage"].startswith(
            "zonke: Django could not start with DJANGO_SETTINGS_MODULE=example_django.settings: "
        )
        assert "DJANGO_SECRET_KEY" in error["errorMessage"]
        assert process.wait(timeout=30) == 1
        assert runtime_api.next_requests == 0  # it never asked for an event
    finally:
        stop(process)


def test_lambda_needs_the_runtime_api(tmp_path: Path) -> None:
    result = run_entry(["lambda"], TINY, project_env(TINY, tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("zonke-runtime lambda: AWS_LAMBDA_RUNTIME_API is not set")
    assert "Traceback" not in result.stderr
