"""``/healthz`` for load balancers, container health checks and deploy smoke tests.

- ``GET /healthz``: liveness. It proves that the process is up and Django is loaded, nothing more:
  ``200 ok``. It touches neither the database nor sessions, so a database outage does not make a
  load balancer drain every healthy task (they would all fail at once, and nothing would answer,
  not even with an error page). Point load balancer and container health checks here.
- ``GET /healthz?db=1``: also runs ``SELECT 1`` on the default database: ``200 ok`` when it
  answers, ``503 database unavailable`` when it does not (the reason is logged, never sent: it can
  name the host and the user). For humans, monitors and deploy smoke tests that must know that
  the app reaches its database with its current credentials.

It answers before any other middleware: load balancers probe with the target's IP as Host, which is
not in ALLOWED_HOSTS. Responses are never cached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/healthz"
DATABASE_PARAMETER = "db"

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _text("method not allowed", status=405)
            response["Allow"] = "GET, HEAD"
        elif request.GET.get(DATABASE_PARAMETER) in ("1", "true") and not database_answers():
            response = _text("database unavailable", status=503)
        else:
            response = _text("ok")
        response["Cache-Control"] = "no-store"
        return response


def database_answers() -> bool:
    """Whether the default database answers ``SELECT 1`` (connecting first if need be)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        reason = f"{type(error).__name__}: {error}".strip()
        logger.error("health check: the database is unavailable: %s", reason)
        # A failed connection is not reused: the next request (or check) connects afresh.
        connection.close_if_unusable_or_obsolete()
        return False


def _text(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")
