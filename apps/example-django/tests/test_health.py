"""``/healthz``: liveness without the database; ``?db=1`` also asks the database."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_healthz_is_ok_without_touching_the_database(client: Client, db: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert len(queries) == 0


def test_healthz_with_db_asks_the_database(client: Client, db: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz", {"db": "1"})
    assert response.status_code == 200 and response.content == b"ok\n"
    assert [query["sql"] for query in queries] == ["SELECT 1"]


def test_healthz_head_has_no_body(client: Client) -> None:
    response = client.head("/healthz")
    assert response.status_code == 200 and response.content == b""


def test_healthz_only_reads(client: Client) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
