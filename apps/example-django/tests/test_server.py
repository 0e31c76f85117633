"""The app as ECS runs it: gunicorn with gunicorn.conf.py, configured only by the environment, on
a real PostgreSQL server (migrated by ``manage.py migrate``, as the pipeline's migrator does)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.environment import SITE_HOST
from support.postgres import PostgresServer
from support.processes import (
    APP_DIR,
    Gunicorn,
    app_env,
    free_port,
    manage,
    only_env,
    running_gunicorn,
)

API_KEY = "server-test-api-key-0123456789"
EDGE = {"Host": "origin.internal", "X-Forwarded-Host": SITE_HOST, "X-Zonke-Edge": "1"}


@pytest.fixture(scope="module")
def server(
    postgres_server: PostgresServer, static_files: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gunicorn]:
    env = app_env({**postgres_server.zonke_env(), "API_KEY": API_KEY})
    manage("migrate", "--noinput", env=env, check=True)
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with running_gunicorn(env, log) as gunicorn:
        yield gunicorn


def json_lines(log: str) -> list[dict[str, Any]]:
    entries = []
    for line in log.splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def test_the_database_check_passes(server: Gunicorn) -> None:
    response = server.request("GET", "/healthz?db=1")
    assert (response.status, response.text) == (200, "ok\n")
    assert "Control socket" not in server.log()  # gunicorn.conf.py turns it off


def test_the_api_writes_and_reads_postgresql_through_gunicorn(server: Gunicorn) -> None:
    body = json.dumps({"name": "Through gunicorn", "price": "3.10"}).encode()
    headers = {**EDGE, "Content-Type": "application/json", "X-Api-Key": API_KEY}
    created = server.request("POST", "/api/items/", body=body, headers=headers)
    assert created.status == 201, created.text
    item = json.loads(created.body)
    assert created.headers["location"] == f"/api/items/{item['id']}/"

    detail = server.request("GET", created.headers["location"], headers=EDGE)
    assert json.loads(detail.body) == item
    listed = json.loads(server.request("GET", "/api/items/", headers=EDGE).body)
    assert item in listed["results"]


def test_pages_are_served_with_hashed_static_names(server: Gunicorn, static_files: Path) -> None:
    manifest = json.loads((static_files / "staticfiles.json").read_text())["paths"]
    page = server.request("GET", "/", headers=EDGE)
    assert page.status == 200
    assert f'href="/static/{manifest["catalog/site.css"]}"' in page.text
    assert f"https://{SITE_HOST}/" in page.text  # the viewer's host and scheme, from the edge
    assert page.headers["strict-transport-security"] == "max-age=31536000"


def test_django_logs_json_lines(server: Gunicorn) -> None:
    missing = server.request("GET", "/api/no-such-thing/", headers=EDGE)
    assert missing.status == 404 and json.loads(missing.body) == {"detail": "Not found."}
    entries = [e for e in json_lines(server.log()) if e["logger"] == "django.request"]
    assert any(e["status"] == 404 and "/api/no-such-thing/" in e["message"] for e in entries)
    assert all(e["time"].endswith("+00:00") for e in entries)


def test_without_a_secret_key_gunicorn_stops_with_the_message(tmp_path: Path) -> None:
    env = only_env({"GUNICORN_BIND": f"127.0.0.1:{free_port()}", "WEB_CONCURRENCY": "1"})
    completed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "example_django.wsgi"],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "example-django: DJANGO_SECRET_KEY is not set." in output
    assert "Traceback" not in output
    assert "Booting worker" not in output  # stopped in the master, before any worker


def test_an_unreachable_database_fails_the_database_check_only(tmp_path: Path) -> None:
    password = "the-database-password-never-logged"
    env = app_env(
        {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(free_port()),  # nothing listens there
            "DB_NAME": "app",
            "DB_USERNAME": "app",
            "DB_PASSWORD": password,
        }
    )
    with running_gunicorn(env, tmp_path / "server.log") as gunicorn:
        assert gunicorn.request("GET", "/healthz").status == 200  # still alive: keep the task
        down = gunicorn.request("GET", "/healthz?db=1")
        assert (down.status, down.text) == (503, "database unavailable\n")
        assert down.headers["cache-control"] == "no-store"
        api = gunicorn.request("GET", "/api/items/", headers=EDGE)
        assert api.status == 500
        assert json.loads(api.body) == {"detail": "Server error."}  # nothing about the cause
        log = gunicorn.log()
    health_errors = [
        e for e in json_lines(log) if e["message"].startswith("health check: the database")
    ]
    assert len(health_errors) == 1 and "OperationalError" in health_errors[0]["message"]
    assert password not in log
