"""The example app's tests run against its real settings module, in production mode (DEBUG off),
once on SQLite and once on a real PostgreSQL server.

- The environment is set here, before Django starts, and every other variable the settings read
  is removed, so the developer's own environment cannot leak in.
- A test that takes the ``backend`` fixture (directly or through ``db``) runs on both databases:
  ``test_x[sqlite]`` and ``test_x[postgres]``. pytest groups them by backend, so each backend's
  test database is created (migrated) once.
- ``db`` wraps a test in a transaction that is rolled back, like Django's TestCase.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.environment import SITE_HOST, clean_environ, production_settings
from support.postgres import postgres_server  # noqa: F401  (a fixture, used by name)

APP_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = APP_DIR.parent.parent
BACKENDS = ("sqlite", "postgres")

_scratch = Path(tempfile.mkdtemp(prefix="example-django-tests-"))


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_counts_plugin(APP_DIR / "test-results"), "zonke-counts")
    environ = clean_environ()
    os.environ.clear()
    os.environ.update(environ, **production_settings(_scratch))

    import django
    from django.conf import settings
    from django.test.utils import setup_test_environment

    django.setup()
    allowed_hosts = list(settings.ALLOWED_HOSTS)
    setup_test_environment()
    # Django's test setup also allows "testserver"; the host tests check the app's own list.
    settings.ALLOWED_HOSTS = allowed_hosts


def pytest_unconfigure(config: pytest.Config) -> None:
    from django.test.utils import teardown_test_environment

    teardown_test_environment()
    shutil.rmtree(_scratch, ignore_errors=True)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database backend under test, with its migrated test database."""
    from django.conf import settings
    from example_django.database import database_settings
    from support.django_db import active_vendor, migrated_databases

    name: str = request.param
    if name == "postgres":
        server = request.getfixturevalue("postgres_server")
        env = server.zonke_env()  # read by the app's own code, as in a deployment
    else:
        env = {}
    databases = {"default": database_settings(env, base_dir=settings.BASE_DIR)}
    with migrated_databases(databases):
        expected = "postgresql" if name == "postgres" else "sqlite"
        assert active_vendor() == expected, f"tests meant for {name} run on {active_vendor()}"
        yield name


@pytest.fixture
def db(backend: str) -> Iterator[str]:
    """The test runs in a transaction that is rolled back afterwards."""
    from django.db import transaction

    with transaction.atomic():
        yield backend
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def static_files() -> Path:
    """collectstatic, once: production pages link the hashed names from its manifest."""
    from django.conf import settings
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


@pytest.fixture
def client(static_files: Path):  # type: ignore[no-untyped-def]
    """A browser-like client on the site's host, with CSRF checks on (Django's default client
    skips them)."""
    from django.test import Client

    return Client(enforce_csrf_checks=True, HTTP_HOST=SITE_HOST)


def _counts_plugin(results_dir: Path) -> object:
    """The counts.json writer of packages/lambdas/django-runtime, which scripts/test-all sums;
    loaded by path, because both suites name their helper package ``support``."""
    path = REPO_ROOT / "packages" / "lambdas" / "django-runtime" / "tests" / "support" / "counts.py"
    spec = importlib.util.spec_from_file_location("zonke_test_counts", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load the test counts plugin from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.CountsPlugin(results_dir)
