"""Helpers for the example-django tests: a throwaway PostgreSQL server (``postgres``), switching
Django between database backends (``django_db``), the environment the settings see
(``environment``), the app as separate processes, ``manage.py`` and gunicorn (``processes``), and
reading HTML pages (``html``)."""
