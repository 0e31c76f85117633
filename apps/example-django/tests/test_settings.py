"""Settings from the environment: the readers, hosts and database rules, the production
defaults, and the message (never a traceback) that a wrong environment gets."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from example_django.database import database_settings
from example_django.environment import SettingsError, env_bool, env_int, env_list
from example_django.hosts import allowed_hosts, csrf_trusted_origins
from support.environment import SECRET_KEY, SITE_HOST
from support.processes import APP_DIR, manage, only_env

# --- the readers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("true", True), (" On ", True), ("YES", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_words(text: str, expected: bool) -> None:
    assert env_bool({"FLAG": text}, "FLAG", default=not expected) is expected


def test_env_bool_defaults_when_unset_or_blank() -> None:
    assert env_bool({}, "FLAG", default=True) is True
    assert env_bool({"FLAG": "  "}, "FLAG", default=False) is False


def test_env_bool_refuses_anything_else_naming_variable_and_value() -> None:
    with pytest.raises(SettingsError, match=r"FLAG='maybe' is not a boolean; use one of 1, on"):
        env_bool({"FLAG": "maybe"}, "FLAG", default=False)


@pytest.mark.parametrize("text", ["abc", "1.5", "-1", "70000"])
def test_env_int_refuses_text_and_out_of_range(text: str) -> None:
    message = rf"PORT='{re.escape(text)}' is not a whole number from 1 to 65535"
    with pytest.raises(SettingsError, match=message):
        env_int({"PORT": text}, "PORT", 5432, minimum=1, maximum=65535)


def test_env_int_reads_numbers_and_defaults() -> None:
    assert env_int({"N": " 42 "}, "N", 7) == 42
    assert env_int({}, "N", 7) == 7


def test_env_list_drops_blanks() -> None:
    assert env_list({"L": " a.example, ,b.example ,"}, "L") == ["a.example", "b.example"]
    assert env_list({}, "L") == []


# --- hosts ---------------------------------------------------------------------------------------


def test_allowed_hosts_join_the_app_list_and_zonke_domains() -> None:
    env = {
        "DJANGO_ALLOWED_HOSTS": "Shop.Example, .example.org",
        "ZONKE_DOMAINS": "shop.example,www.shop.example,.cloudfront.net",
    }
    assert allowed_hosts(env) == [
        "shop.example",
        ".example.org",
        "www.shop.example",
        ".cloudfront.net",
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [("ZONKE_DOMAINS", "https://shop.example"), ("DJANGO_ALLOWED_HOSTS", "shop.example/app")],
)
def test_a_url_is_not_a_host_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=rf"{name} entry '{value}' is not a host name"):
        allowed_hosts({name: value})


def test_csrf_trusted_origins_are_the_exact_hosts_only() -> None:
    """Patterns are left out: ``https://*.cloudfront.net`` would trust every distribution."""
    hosts = ["shop.example", ".cloudfront.net", "*", "www.shop.example"]
    extra = {"DJANGO_CSRF_TRUSTED_ORIGINS": "https://partner.example, https://shop.example"}
    assert csrf_trusted_origins(hosts, extra) == [
        "https://shop.example",
        "https://www.shop.example",
        "https://partner.example",
    ]


def test_a_trusted_origin_needs_a_scheme() -> None:
    with pytest.raises(SettingsError, match="'partner.example' is not an origin"):
        csrf_trusted_origins([], {"DJANGO_CSRF_TRUSTED_ORIGINS": "partner.example"})


# --- the database --------------------------------------------------------------------------------

_DB = {"DB_HOST": "db.internal", "DB_NAME": "shop", "DB_USERNAME": "app", "DB_PASSWORD": "pw"}


def test_without_db_host_the_database_is_sqlite_next_to_manage_py(tmp_path: Path) -> None:
    database = database_settings({}, base_dir=tmp_path)
    assert database == {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "db.sqlite3"}


def test_sqlite_on_lambda_is_in_tmp_and_the_path_can_be_set(tmp_path: Path) -> None:
    lambda_env = {"AWS_LAMBDA_FUNCTION_NAME": "shop-web"}
    assert database_settings(lambda_env, base_dir=tmp_path)["NAME"] == Path("/tmp/db.sqlite3")
    chosen = {"DJANGO_SQLITE_PATH": str(tmp_path / "x.db")}
    assert database_settings(chosen, base_dir=tmp_path)["NAME"] == tmp_path / "x.db"


def test_db_host_means_postgresql_over_tls_from_the_injected_variables(tmp_path: Path) -> None:
    database = database_settings({**_DB, "DB_PORT": "6543"}, base_dir=tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"  # zonke's runtime is not installed
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 6543, "shop")
    assert (database["USER"], database["PASSWORD"]) == ("app", "pw")
    assert database["OPTIONS"]["sslmode"] == "require"
    assert database["CONN_MAX_AGE"] == 60 and database["CONN_HEALTH_CHECKS"] is True
    assert database_settings(_DB, base_dir=tmp_path)["PORT"] == 5432


def test_with_zonke_runtime_installed_the_engine_reloads_rotated_passwords(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "site-packages"
    (runtime / "zonke_runtime").mkdir(parents=True)
    (runtime / "zonke_runtime" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(runtime))
    database = database_settings(_DB, base_dir=tmp_path)
    assert database["ENGINE"] == "zonke_runtime.db.postgresql"


def test_db_host_without_credentials_says_which_are_missing(tmp_path: Path) -> None:
    env = {"DB_HOST": "db.internal", "DB_NAME": "shop"}
    with pytest.raises(SettingsError, match="DB_HOST is set but DB_USERNAME, DB_PASSWORD are not"):
        database_settings(env, base_dir=tmp_path)


def test_a_bad_ssl_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DB_SSLMODE='on' is not allowed; use one of disable"):
        database_settings({**_DB, "DB_SSLMODE": "on"}, base_dir=tmp_path)


# --- the settings the tests run with: production -------------------------------------------------


def test_production_is_secure_by_default() -> None:
    assert settings.DEBUG is False
    assert settings.SECRET_KEY == SECRET_KEY
    assert settings.SESSION_COOKIE_SECURE is True and settings.CSRF_COOKIE_SECURE is True
    assert settings.SECURE_HSTS_SECONDS == 31_536_000
    assert settings.ALLOWED_HOSTS == [SITE_HOST, ".cloudfront.net"]
    assert settings.CSRF_TRUSTED_ORIGINS == [f"https://{SITE_HOST}"]
    assert settings.USE_X_FORWARDED_HOST is False
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    assert storage == "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


# --- settings in a fresh process -----------------------------------------------------------------

_PRINT_SETTINGS = """
import json, sys
from example_django.startup import load_settings
load_settings()
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))
"""


def settings_of(env: dict[str, str], *names: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS, *names],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout)
    return result


def test_debug_mode_runs_without_a_secret_key_and_relaxes_https_only_settings() -> None:
    values = settings_of(
        only_env({"DJANGO_DEBUG": "1"}),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "STORAGES",
        "DATABASES",
        "SECRET_KEY",
    )
    assert values["DEBUG"] is True
    assert values["SESSION_COOKIE_SECURE"] is False and values["SECURE_HSTS_SECONDS"] == 0
    storages = values["STORAGES"]
    assert isinstance(storages, dict)
    assert storages["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")
    databases = values["DATABASES"]
    assert isinstance(databases, dict)
    assert databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert str(values["SECRET_KEY"]).startswith("django-insecure-")


def test_static_url_and_hsts_come_from_the_environment() -> None:
    env = only_env(
        {
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_STATIC_URL": "https://cdn.shop.example/static/",
            "DJANGO_HSTS_SECONDS": "600",
        }
    )
    values = settings_of(env, "STATIC_URL", "SECURE_HSTS_SECONDS", "DEBUG")
    assert values == {
        "STATIC_URL": "https://cdn.shop.example/static/",
        "SECURE_HSTS_SECONDS": 600,
        "DEBUG": False,
    }


_KEY = {"DJANGO_SECRET_KEY": SECRET_KEY}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "DJANGO_SECRET_KEY is not set. In production (DJANGO_DEBUG off)"),
        ({"DJANGO_SECRET_KEY": "   "}, "DJANGO_SECRET_KEY is not set."),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        (
            {**_KEY, "DB_HOST": "db.internal", "DB_NAME": "app"},
            "DB_HOST is set but DB_USERNAME, DB_PASSWORD are not",
        ),
        ({**_KEY, **_DB, "DB_PORT": "port"}, "DB_PORT='port' is not a whole number"),
        ({**_KEY, "ZONKE_DOMAINS": "https://shop.example"}, "ZONKE_DOMAINS entry"),
        ({**_KEY, "DJANGO_STATIC_URL": "/assets"}, "DJANGO_STATIC_URL='/assets' must end with '/'"),
        ({**_KEY, "DJANGO_LOG_LEVEL": "LOUD"}, "DJANGO_LOG_LEVEL='LOUD' is not allowed"),
    ],
    ids=["no-key", "blank-key", "debug", "db-credentials", "db-port", "domains", "static", "log"],
)
def test_a_wrong_environment_stops_manage_py_with_the_message_only(
    env: dict[str, str], message: str
) -> None:
    completed = manage("check", env=only_env(env))
    assert completed.returncode == 1
    assert completed.stderr.startswith(f"example-django: {message}"), completed.stderr
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1


def test_a_correct_environment_passes_the_checks() -> None:
    completed = manage("check", env=only_env(_KEY))
    assert completed.returncode == 0, completed.stderr
    assert "System check identified no issues" in completed.stdout
