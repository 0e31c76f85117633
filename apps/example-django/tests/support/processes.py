"""The app as separate processes: ``manage.py`` commands and a real gunicorn server, each started
with an environment the test chooses (settings are read once per process, at import)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .environment import clean_environ

APP_DIR = Path(__file__).resolve().parents[2]
_START_TIMEOUT_SECONDS = 30
_COMMAND_TIMEOUT_SECONDS = 120


def app_env(overrides: Mapping[str, str | None]) -> dict[str, str]:
    """The tests' environment (production settings) with ``overrides``; ``None`` removes one."""
    env = dict(os.environ)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def only_env(settings: Mapping[str, str]) -> dict[str, str]:
    """No app setting at all but ``settings``: what a fresh container would have."""
    return {**clean_environ(), **settings}


def manage(
    *args: str, env: Mapping[str, str], check: bool = False
) -> subprocess.CompletedProcess[str]:
    """``manage.py <args>`` in its own process."""
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=_COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {completed.returncode}:\n"
            f"{completed.stdout}{completed.stderr}"
        )
    return completed


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Gunicorn:
    process: subprocess.Popen[str]
    port: int
    log_path: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            # Host is whatever the caller says (a load balancer probes with an IP).
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            if body is not None:
                all_headers["Content-Length"] = str(len(body))
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            answer = connection.getresponse()
            return Response(
                answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
            )
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_path.read_text()


@contextmanager
def running_gunicorn(env: Mapping[str, str], log_path: Path) -> Iterator[Gunicorn]:
    """gunicorn with the app's gunicorn.conf.py on 127.0.0.1 and a free port, one worker; stopped
    (SIGTERM, then SIGKILL) at the end. Its stdout and stderr go to ``log_path``."""
    port = free_port()
    server_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "example_django.wsgi"],
            cwd=APP_DIR,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Gunicorn(process, port, log_path)
    try:
        _wait_until_listening(server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(server: Gunicorn) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {server.process.returncode}:\n{server.log()}"
            )
        try:
            if server.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer in {_START_TIMEOUT_SECONDS} s:\n{server.log()}")
