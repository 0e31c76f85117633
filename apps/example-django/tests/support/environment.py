"""The environment the app's settings see in the tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

SITE_HOST = "shop.example"  # the site's host name, in DJANGO_ALLOWED_HOSTS
SECRET_KEY = "tests-only-" + "k" * 50

_SETTINGS_PREFIXES = ("DJANGO_", "DB_", "GUNICORN_")
_SETTINGS_NAMES = ("ZONKE_DOMAINS", "API_KEY", "GREETING_SECRET", "AWS_LAMBDA_FUNCTION_NAME")


def clean_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without any variable the app's settings read, so that the developer's own
    settings cannot leak into a test."""
    environ = os.environ if environ is None else environ
    return {
        name: value
        for name, value in environ.items()
        if not name.startswith(_SETTINGS_PREFIXES) and name not in _SETTINGS_NAMES
    }


def production_settings(scratch: Path) -> dict[str, str]:
    """Production mode (DEBUG off), the site's hosts as zonke would set them, scratch paths."""
    return {
        "DJANGO_SETTINGS_MODULE": "example_django.settings",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": SITE_HOST,
        "ZONKE_DOMAINS": ".cloudfront.net",
        "DJANGO_STATIC_ROOT": str(scratch / "staticfiles"),
        "DJANGO_SQLITE_PATH": str(scratch / "db.sqlite3"),
    }
