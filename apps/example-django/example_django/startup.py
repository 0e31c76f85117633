"""Stopping with a message, not a traceback, when the environment's settings are wrong.

A ``SettingsError`` (a missing ``DJANGO_SECRET_KEY``, ``DJANGO_DEBUG=maybe``, ...) is the
operator's mistake, and its message says all there is to fix; a traceback would only bury it.
So ``manage.py`` and gunicorn's master (the ``on_starting`` hook in ``gunicorn.conf.py``, before
any worker forks) print ``example-django: <message>`` on stderr and exit with status 1. Any other
error keeps its traceback: that one is a bug. On Lambda, zonke's runtime loads the settings itself
and reports the message as the function's init error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from .environment import SettingsError

SETTINGS_MODULE = "example_django.settings"


@contextmanager
def exit_on_settings_error() -> Iterator[None]:
    """Turns a ``SettingsError`` raised inside into its message on stderr and exit status 1."""
    try:
        yield
    except SettingsError as error:
        print(f"example-django: {error}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def load_settings() -> None:
    """Imports the settings now (they are lazy), exiting with the message if they are wrong."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.conf import settings

    with exit_on_settings_error():
        settings.INSTALLED_APPS  # noqa: B018  (the first access imports the module)
