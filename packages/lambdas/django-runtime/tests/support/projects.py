"""The Django projects the suite runs the runtime on: the tiny project under
``tests/support/tinyproject`` always, and ``apps/example-django`` when it is in the repository
and complete (its migrations exist). Each says how to configure it from the environment, as a
deployment would."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .postgres import Database

REPO_ROOT = Path(__file__).resolve().parents[5]
TINY_PROJECT_DIR = Path(__file__).resolve().parent / "tinyproject"
EXAMPLE_APP_DIR = REPO_ROOT / "apps" / "example-django"
API_KEY = "test-api-key-0123456789"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "a-long-admin-password-for-tests-7391"
# createsuperuser --noinput reads the password from here.
_COMMON_ENV = {"API_KEY": API_KEY, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD}


@dataclass(frozen=True)
class DjangoProject:
    name: str
    directory: Path
    settings_module: str
    env: dict[str, str] = field(default_factory=dict)

    def sqlite_env(self, workdir: Path) -> dict[str, str]:
        return {**self._base_env(workdir), **self._sqlite(workdir / "db.sqlite3")}

    def postgres_env(self, workdir: Path, database: Database) -> dict[str, str]:
        return {**self._base_env(workdir), **database.env()}

    def _base_env(self, workdir: Path) -> dict[str, str]:
        # collectstatic writes here, as the image build does (the example app serves hashed
        # names from ManifestStaticFilesStorage, which needs the manifest).
        static_key = "STATIC_ROOT" if self.name == "tiny" else "DJANGO_STATIC_ROOT"
        return {
            **self.env,
            "DJANGO_SETTINGS_MODULE": self.settings_module,
            static_key: str(workdir / "static"),
        }

    def _sqlite(self, database: Path) -> dict[str, str]:
        key = "SQLITE_PATH" if self.name == "tiny" else "DJANGO_SQLITE_PATH"
        return {key: str(database)}


TINY = DjangoProject(
    name="tiny",
    directory=TINY_PROJECT_DIR,
    settings_module="tinysite.settings",
    env=dict(_COMMON_ENV),
)

EXAMPLE = DjangoProject(
    name="example",
    directory=EXAMPLE_APP_DIR,
    settings_module="example_django.settings",
    env={
        **_COMMON_ENV,
        "DJANGO_SECRET_KEY": "example-app-test-key-not-secret-0123456789abcdefghijklmnop",
        "ZONKE_DOMAINS": "shop.example,.cloudfront.net",
        "DJANGO_LOG_LEVEL": "INFO",
    },
)


#: Both projects the adapter is tested with: a tiny one with probe views, and the example app.
PROJECTS = [TINY, EXAMPLE]
