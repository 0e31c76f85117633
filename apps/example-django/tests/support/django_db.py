"""Running one test session against several database backends.

Django reads ``DATABASES`` once, into ``django.db.connections``, and has no public way to point
it elsewhere. ``migrated_databases`` does so between backends: it closes every connection, replaces
the handler's settings and forgets its connection objects, then lets Django's test runner
utilities (``setup_databases``, which migrates, and ``teardown_databases``) create and destroy
the test database, as ``manage.py test`` would. The internals it touches (``_settings``,
``_connections`` and the cached ``settings`` of ``BaseConnectionHandler``) have been stable since
Django 3.2; ``active_vendor`` lets the caller check that the switch took effect, so a change in
Django fails the tests instead of silently testing one backend twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.local import Local
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test.utils import setup_databases, teardown_databases


@contextmanager
def migrated_databases(databases: dict[str, dict[str, Any]]) -> Iterator[None]:
    """Test databases for ``databases`` (migrated), destroyed at the end."""
    previous = settings.DATABASES
    _point_connections_at(databases)
    try:
        # No serialized copy of the data: the tests roll back instead (see the db fixture).
        old_config = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
        try:
            yield
        finally:
            teardown_databases(old_config, verbosity=0)
    finally:
        _point_connections_at(previous)


def active_vendor() -> str:
    """The vendor of the default connection: "sqlite", "postgresql"."""
    return connection.vendor


def _point_connections_at(databases: dict[str, dict[str, Any]]) -> None:
    connections.close_all()
    settings.DATABASES = databases
    connections.__dict__.pop("settings", None)  # the cached_property over _settings
    connections._settings = None  # read settings.DATABASES again, with Django's defaults
    connections._connections = Local(connections.thread_critical)
    # Content type ids differ between databases; the cache would hand out the other one's.
    ContentType.objects.clear_cache()
