"""Init: secrets, then Django, then the WSGI application, all before the first event.

Lambda gives init a boosted CPU and reports its failures with their message; warm instances,
provisioned concurrency and the warmer all keep what init built. So everything a first request
would otherwise import happens here: the settings, the apps (``django.setup()``), the middleware
(``WSGIHandler``), and the URLconf with every view it imports. The database is not touched:
connections are opened by requests (and ``CONN_MAX_AGE`` keeps them), never frozen at init.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from .log import log_line
from .warm import current_instance_id

if TYPE_CHECKING:
    from django.core.handlers.wsgi import WSGIHandler


class RuntimeInitError(RuntimeError):
    """Init failed; the message says what to fix (Lambda shows it as the init error)."""


def initialise() -> WSGIHandler:
    """Loads the secrets into ``os.environ``, sets Django up from ``DJANGO_SETTINGS_MODULE`` and
    returns the WSGI application. Raises ``RuntimeInitError`` with a message that says why not."""
    started = time.perf_counter()
    secret_count = _load_secrets()
    secrets_done = time.perf_counter()

    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "").strip()
    if not settings_module:
        raise RuntimeInitError(
            "zonke: DJANGO_SETTINGS_MODULE is not set; set it to the app's settings module, e.g."
            " mysite.settings (the image's environment or the function's configuration)"
        )
    try:
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()
    except ImportError as error:
        raise RuntimeInitError(
            f"zonke: Django could not start with DJANGO_SETTINGS_MODULE={settings_module}:"
            f" {type(error).__name__}: {error} (is the app's directory on the Python path?)"
        ) from error
    except Exception as error:
        raise RuntimeInitError(
            f"zonke: Django could not start with DJANGO_SETTINGS_MODULE={settings_module}:"
            f" {type(error).__name__}: {error}"
        ) from error
    django_done = time.perf_counter()

    try:
        _import_urlconf()
    except Exception as error:
        raise RuntimeInitError(
            f"zonke: the URLconf could not be loaded: {type(error).__name__}: {error}"
        ) from error
    done = time.perf_counter()

    log_line(
        "info",
        "init",
        instanceId=current_instance_id(),
        secretCount=secret_count,
        secretsMs=round((secrets_done - started) * 1000, 1),
        djangoMs=round((django_done - secrets_done) * 1000, 1),
        urlconfMs=round((done - django_done) * 1000, 1),
    )
    return application


def _load_secrets() -> int:
    """Loads the secrets of ``ZONKE_SECRET_ARNS`` into ``os.environ``; returns how many."""
    if not os.environ.get("ZONKE_SECRET_ARNS", "").strip():
        # No secrets (the loader reads a blank list as none): the secrets package is not even
        # imported, which saves a few milliseconds of init. A later reload imports it.
        return 0
    from .secrets import SecretsError, load_secrets

    try:
        return load_secrets().secret_count
    except SecretsError as error:
        # The loader already dropped the traceback (its frames hold secret values).
        raise RuntimeInitError(f"zonke: the secrets could not be loaded: {error}") from error


def _import_urlconf() -> None:
    """Imports the root URLconf (and so every view it names) and builds the reverse lookup
    tables, which Django otherwise does on the first request."""
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018  (the import happens on first access)
    resolver.reverse_dict  # noqa: B018  (populates the lookup tables)


def configured_base_path() -> str:
    """``ZONKE_BASE_PATH`` (see ``wsgi_adapter.environ.parse_base_path``), or ``RuntimeInitError``
    saying what to write."""
    from .wsgi_adapter import parse_base_path

    try:
        return parse_base_path(os.environ.get("ZONKE_BASE_PATH", ""))
    except ValueError as error:
        raise RuntimeInitError(f"zonke: {error}") from None
