"""Settings, all from the environment (see README.md for every variable).

Production is the default: DEBUG is off unless ``DJANGO_DEBUG`` turns it on, and without DEBUG the
app refuses to start without ``DJANGO_SECRET_KEY``. Secrets the app reads at request time
(``GREETING_SECRET``, ``API_KEY``) are read with ``os.getenv`` where they are used, so a secrets
reload reaches them without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

from .database import database_settings
from .edge import EDGE_SCHEME_KEY
from .environment import SettingsError, env_bool, env_choice, env_int, env_str
from .hosts import allowed_hosts, csrf_trusted_origins
from .logs import LOG_LEVELS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
_env = os.environ

DEBUG = env_bool(_env, "DJANGO_DEBUG", default=False)

SECRET_KEY = _env.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY.strip():
    if not DEBUG:
        raise SettingsError(
            "DJANGO_SECRET_KEY is not set. In production (DJANGO_DEBUG off) it must be a long "
            "random value kept in the app's secret, e.g. `npx zonke secrets set "
            "DJANGO_SECRET_KEY=<50+ random characters> --app <app> --env <env>`; for local "
            "development set DJANGO_DEBUG=1 instead"
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = allowed_hosts(_env)
CSRF_TRUSTED_ORIGINS = csrf_trusted_origins(ALLOWED_HOSTS, _env)

# The viewer's host and scheme are taken from X-Forwarded-* only on requests marked by zonke's
# CloudFront function, by example_django.edge; Django itself never reads those headers.
USE_X_FORWARDED_HOST = False
USE_X_FORWARDED_PORT = False
SECURE_PROXY_SSL_HEADER = (EDGE_SCHEME_KEY, "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "catalog",
]

MIDDLEWARE = [
    "example_django.health.HealthCheckMiddleware",  # before Host validation, without the database
    "example_django.edge.EdgeHeadersMiddleware",  # before anything reads the host or scheme
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_django.urls"
WSGI_APPLICATION = "example_django.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_settings(_env, base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: `manage.py collectstatic` at image build time, uploaded to S3 and served by
# CloudFront under STATIC_URL. Production names files by content hash (ManifestStaticFilesStorage),
# so a deploy never serves a stale file under an old name and old pages keep their files.
STATIC_URL = env_str(_env, "DJANGO_STATIC_URL", "/static/")
if not STATIC_URL.endswith("/"):
    raise SettingsError(f"DJANGO_STATIC_URL={STATIC_URL!r} must end with '/'")
STATIC_ROOT = Path(env_str(_env, "DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        )
    },
}

# HTTPS: cookies only over HTTPS, HSTS on HTTPS responses (DJANGO_HSTS_SECONDS, 0 turns it off).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int(_env, "DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SILENCED_SYSTEM_CHECKS = [
    # SECURE_SSL_REDIRECT: CloudFront redirects every viewer to HTTPS and is the only way in; a
    # redirect here would also break the plain-HTTP calls of health checks and local runs.
    "security.W008",
    # HSTS includeSubDomains and preload commit the whole domain, not just this app, to HTTPS;
    # that is the domain owner's decision, not an app default.
    "security.W005",
    "security.W021",
]

LOGGING = logging_config(env_choice(_env, "DJANGO_LOG_LEVEL", "INFO", LOG_LEVELS))
