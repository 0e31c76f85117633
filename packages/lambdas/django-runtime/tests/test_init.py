"""The init: importing ``zonke_runtime.handler`` (what the runtime client does first) loads the
secrets and sets Django up, before any event; a failure says what to fix. And the same Django as
``zonke_runtime.wsgi:application`` under gunicorn, as the image's ECS command serves it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support.events import body_json, http_event
from support.lambda_instance import PACKAGE_DIR, InitFailed, start_instance
from support.moto_server import FAKE_CREDENTIALS, REGION, MotoServer
from support.network import free_port
from support.projects import TINY


def moto_env(moto: MotoServer, arns: str) -> dict[str, str]:
    return {
        "ZONKE_SECRET_ARNS": arns,
        "AWS_ENDPOINT_URL": moto.endpoint,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
    }


def test_secrets_and_django_are_ready_before_the_first_event(moto: MotoServer, tmp_path: Path) -> None:
    arn = moto.create_secret("shop/dev/app", json.dumps({"GREETING_SECRET": "hello from the secret"}))
    env = {**TINY.sqlite_env(tmp_path), **moto_env(moto, arn)}
    instance = start_instance(TINY.directory, env, tmp_path / "instance.log")
    try:
        # Nothing was invoked yet: the init already read the secret and set Django up.
        assert moto.get_secret_value_calls() == [arn]
        [init] = [line for line in instance.json_log_lines() if line.get("message") == "init"]
        assert init["level"] == "info" and init["secretCount"] == 1
        assert {"secretsMs", "djangoMs", "urlconfMs"} <= set(init)
        assert instance.invoke({"zonke": "warm"})["instanceId"] == init["instanceId"]

        greeting = instance.invoke(http_event("GET", "/probe/greeting"))
        assert body_json(greeting) == {"greeting": "hello from the secret"}
        assert moto.get_secret_value_calls() == [arn]  # warm invocations make no call
        assert not [line for line in instance.json_log_lines() if line.get("message") == "init"]
    finally:
        instance.stop()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DJANGO_SETTINGS_MODULE": ""}, "zonke: DJANGO_SETTINGS_MODULE is not set; set it to the app's settings module"),
        (
            {"DJANGO_SETTINGS_MODULE": "nosuchsite.settings"},
            "zonke: Django could not start with DJANGO_SETTINGS_MODULE=nosuchsite.settings: ModuleNotFoundError:"
            " No module named 'nosuchsite' (is the app's directory on the Python path?)",
        ),
        ({"ZONKE_SECRET_ARNS": "not an arn"}, "zonke: the secrets could not be loaded: "),
        ({"ZONKE_BASE_PATH": "/shop?x"}, "zonke: ZONKE_BASE_PATH='/shop?x' is not a base path; give path segments"),
    ],
    ids=["no-settings-module", "missing-settings-module", "bad-secret-list", "bad-base-path"],
)
def test_an_init_failure_says_what_to_fix(tmp_path: Path, change: dict[str, str], message: str) -> None:
    env = {**TINY.sqlite_env(tmp_path), **change}
    with pytest.raises(InitFailed) as failure:
        start_instance(TINY.directory, env, tmp_path / "instance.log")
    assert failure.value.error_type == "RuntimeInitError"
    assert failure.value.message.startswith(message)


def test_a_secret_that_cannot_be_read_fails_the_init_naming_it(moto: MotoServer, tmp_path: Path) -> None:
    missing = f"arn:aws:secretsmanager:{REGION}:123456789012:secret:shop/dev/missing-AbCdEf"
    env = {**TINY.sqlite_env(tmp_path), **moto_env(moto, missing)}
    with pytest.raises(InitFailed) as failure:
        start_instance(TINY.directory, env, tmp_path / "instance.log")
    assert failure.value.message.startswith("zonke: the secrets could not be loaded: ")
    assert "shop/dev/missing-AbCdEf" in failure.value.message
    assert "ResourceNotFoundException" in failure.value.message or "not found" in failure.value.message


def test_a_configured_base_path_reaches_django_as_script_name(tmp_path: Path) -> None:
    env = {**TINY.sqlite_env(tmp_path), "ZONKE_BASE_PATH": "/shop/"}
    instance = start_instance(TINY.directory, env, tmp_path / "instance.log")
    try:
        seen = instance.invoke(http_event("GET", "/shop/probe/reverse", domain_name="api.shop.example"))
    finally:
        instance.stop()
    assert body_json(seen) == {"url": "/shop/api/items/", "script": "/shop"}


def test_gunicorn_serves_zonke_runtime_wsgi_application(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(TINY.directory), str(PACKAGE_DIR)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        **TINY.sqlite_env(tmp_path),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "zonke_runtime.wsgi:application"],
        cwd=TINY.directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    try:
        _wait_for_port(port, server, tmp_path / "gunicorn.log")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            assert (response.status, response.read()) == (200, b"ok")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert '"message": "init"' in (tmp_path / "gunicorn.log").read_text()


def _wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"gunicorn did not listen in time:\n{log.read_text()[-3000:]}")


@pytest.mark.parametrize("arns", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_without_secrets_the_init_imports_neither_the_loader_nor_boto3(tmp_path: Path, arns: str | None) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(TINY.directory), str(PACKAGE_DIR)]),
        **TINY.sqlite_env(tmp_path),
        **({} if arns is None else {"ZONKE_SECRET_ARNS": arns}),
    }
    probe = "import sys, zonke_runtime.handler; print(sorted(m for m in sys.modules if m.startswith(('zonke_runtime.secrets', 'boto'))))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=TINY.directory, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    init = json.loads(next(line for line in result.stderr.splitlines() if '"message": "init"' in line))
    assert init["secretCount"] == 0
