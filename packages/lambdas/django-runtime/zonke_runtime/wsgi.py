"""The WSGI application for gunicorn (Django on ECS). Keep this module path: the image uses it.

The same init as on Lambda: secrets from ``ZONKE_SECRET_ARNS`` (if any; ECS usually passes them
through the task definition's ``secrets``), Django from ``DJANGO_SETTINGS_MODULE``, the URLconf.

The image's ``zonke-runtime web`` command execs gunicorn with the command line that
``zonke_runtime.entry.gunicorn_argv`` builds from the environment (there is no gunicorn config
module of ours): ``python -m gunicorn --bind ... --workers ... --preload ...
zonke_runtime.wsgi:application``. With ``--preload`` the master imports this module once, before
the workers fork, so an init failure stops the task with its message and the workers share what
init loaded. An app's own ``gunicorn.conf.py`` in the working directory is still read for what
that command line does not set. Run by gunicorn without ``--preload``, each worker imports it.
"""

from __future__ import annotations

from .django_app import initialise

application = initialise()
