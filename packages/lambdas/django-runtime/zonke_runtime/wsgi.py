"""The WSGI application for gunicorn (Django on ECS: the image's web command runs
``gunicorn ... zonke_runtime.wsgi:application``). Keep this module path: the image uses it.

The same init as on Lambda: secrets from ``ZONKE_SECRET_ARNS`` (if any; ECS usually passes them
through the task definition's ``secrets``), Django from ``DJANGO_SETTINGS_MODULE``, the URLconf.
gunicorn imports this in each worker (or once, with ``preload_app``).
"""

from __future__ import annotations

from .django_app import initialise

application = initialise()
