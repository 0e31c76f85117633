"""The loader against moto's Secrets Manager, read with real boto3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from typing import Any

import pytest

from support.moto_server import FAKE_CREDENTIALS, REGION, MotoServer
from zonke_runtime.secrets import (
    ClientTimeouts,
    SecretsConfigError,
    SecretsLoader,
    SecretsLoadError,
    SecretsLoadResult,
    load_secrets,
    loader,
)

APP_SECRET = {"GREETING_SECRET": "hello-from-sm", "API_KEY": "k1"}
# What RDS writes into the secret it manages for the master user.
RDS_SECRET = {"username": "app", "password": "p@ss w0rd"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def make_loader(moto: MotoServer, env: dict[str, str], **options: Any) -> SecretsLoader:
    return SecretsLoader(env=env, client_options=moto.client_options, **options)


@pytest.fixture
def app_arn(moto: MotoServer) -> str:
    return moto.create_secret("shop/prod/app", json.dumps(APP_SECRET))


@pytest.fixture
def db_arn(moto: MotoServer) -> str:
    return moto.create_secret("rds!db-1234", json.dumps(RDS_SECRET))


def test_loads_app_and_rds_secrets_into_the_environment(
    moto: MotoServer, app_arn: str, db_arn: str
) -> None:
    env = {"ZONKE_SECRET_ARNS": f"{app_arn},DB_={db_arn}"}

    result = make_loader(moto, env).load()

    assert env == {
        "ZONKE_SECRET_ARNS": f"{app_arn},DB_={db_arn}",
        "GREETING_SECRET": "hello-from-sm",
        "API_KEY": "k1",
        "DB_USERNAME": "app",
        "DB_PASSWORD": "p@ss w0rd",
    }
    assert result == SecretsLoadResult(
        secret_count=2,
        applied=("GREETING_SECRET", "API_KEY", "DB_USERNAME", "DB_PASSWORD"),
        kept=(),
        removed=(),
        from_cache=False,
    )
    assert sorted(moto.get_secret_value_calls()) == sorted([app_arn, db_arn])


def test_reads_a_json_array_of_sources(moto: MotoServer, app_arn: str, db_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": json.dumps([app_arn, f"DB_={db_arn}"])}
    make_loader(moto, env).load()
    assert env["API_KEY"] == "k1" and env["DB_PASSWORD"] == "p@ss w0rd"


def test_keeps_variables_the_deployment_set(moto: MotoServer, app_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn, "API_KEY": "from-deployment"}
    result = make_loader(moto, env).load()
    assert env["API_KEY"] == "from-deployment"
    assert env["GREETING_SECRET"] == "hello-from-sm"
    assert result.kept == ("API_KEY",)
    assert result.applied == ("GREETING_SECRET",)


def test_an_empty_deployment_variable_is_still_the_deployments(
    moto: MotoServer, app_arn: str
) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn, "API_KEY": ""}
    make_loader(moto, env).load()
    assert env["API_KEY"] == ""


def test_override_flag_lets_the_secrets_win(moto: MotoServer, app_arn: str) -> None:
    env = {
        "ZONKE_SECRET_ARNS": app_arn,
        "API_KEY": "from-deployment",
        "ZONKE_SECRETS_OVERRIDE": "1",
    }
    result = make_loader(moto, env).load()
    assert env["API_KEY"] == "k1"
    assert result.kept == ()


def test_reads_nothing_and_imports_no_sdk_when_no_secret_is_configured(moto: MotoServer) -> None:
    env: dict[str, str] = {}
    assert make_loader(moto, env).load().secret_count == 0
    assert moto.get_secret_value_calls() == []
    # In a fresh interpreter: importing the package and loading nothing leaves boto3 unimported.
    probe = (
        "import sys; from zonke_runtime.secrets import SecretsLoader;"
        " SecretsLoader(env={}).load(); print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    answer = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=os.getcwd()
    )
    assert answer.stdout.strip() == "False False"


def test_one_missing_secret_applies_nothing(moto: MotoServer, app_arn: str) -> None:
    missing = app_arn.replace("shop/prod/app", "shop/prod/missing")
    env = {"ZONKE_SECRET_ARNS": f"{app_arn},{missing}", "API_KEY": "from-deployment"}
    before = dict(env)

    with pytest.raises(SecretsLoadError) as caught:
        make_loader(moto, env).load()

    assert env == before  # the secret that could be read was not applied either
    assert caught.value.secret_id == missing
    message = str(caught.value)
    assert message.startswith(
        f"Secrets Manager secret {missing} could not be read (ResourceNotFoundException: "
    )
    assert "deploy the stack that creates it, then write its value (zonke secrets set)" in message


def test_a_failed_reload_leaves_the_previous_load_in_place(moto: MotoServer, app_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn}
    secrets = make_loader(moto, env)
    secrets.load()
    moto.put_secret(app_arn, "not json s3cr3t-value")
    before = dict(env)

    with pytest.raises(SecretsLoadError, match="is not a JSON object"):
        secrets.reload()

    assert env == before


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("s3cr3t-value", "is not a JSON object of names to string values"),
        (json.dumps("s3cr3t-value"), "is not a JSON object of names to string values"),
        (json.dumps(["s3cr3t-value"]), "is not a JSON object of names to string values"),
        (json.dumps({"NESTED": {"v": "s3cr3t-value"}}), "key NESTED holds an object"),
        (json.dumps({"OK": "s3cr3t-value", "NONE": None}), "key NONE holds null"),
        (json.dumps({"bad key": "s3cr3t-value"}), '"bad key", which is not a valid'),
    ],
)
def test_refuses_a_secret_that_is_not_an_object_of_strings_naming_it(
    moto: MotoServer, app_arn: str, secret: str, message: str
) -> None:
    moto.put_secret(app_arn, secret)
    env = {"ZONKE_SECRET_ARNS": app_arn}
    with pytest.raises(SecretsLoadError) as caught:
        make_loader(moto, env).load()
    assert message in str(caught.value)
    assert app_arn in str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)
    assert env == {"ZONKE_SECRET_ARNS": app_arn}


def test_refuses_a_binary_secret(moto: MotoServer) -> None:
    arn = moto.create_secret("shop/prod/binary", b"\x00\x01")
    with pytest.raises(SecretsLoadError, match=f"{arn} has no SecretString"):
        make_loader(moto, {"ZONKE_SECRET_ARNS": arn}).load()


def test_refuses_two_secrets_that_define_the_same_variable(moto: MotoServer, app_arn: str) -> None:
    other = moto.create_secret("shop/prod/other", json.dumps({"API_KEY": "other"}))
    with pytest.raises(SecretsLoadError, match="both define API_KEY; give one of them a prefix"):
        make_loader(moto, {"ZONKE_SECRET_ARNS": f"{app_arn},{other}"}).load()


def test_a_malformed_list_is_a_config_error(moto: MotoServer) -> None:
    with pytest.raises(SecretsConfigError, match="not a JSON array"):
        make_loader(moto, {"ZONKE_SECRET_ARNS": "[oops"}).load()


def test_reuses_a_load_for_five_minutes_without_a_call(moto: MotoServer, app_arn: str) -> None:
    clock = Clock()
    env = {"ZONKE_SECRET_ARNS": app_arn}
    secrets = make_loader(moto, env, clock=clock)
    first = secrets.load()
    assert len(moto.get_secret_value_calls()) == 1

    clock.now += 5 * 60 - 0.001
    cached = secrets.load()
    assert cached.from_cache is True
    assert cached.applied == first.applied
    assert len(moto.get_secret_value_calls()) == 1

    clock.now += 0.001
    assert secrets.load().from_cache is False
    assert len(moto.get_secret_value_calls()) == 2


def test_reload_reads_now_and_updates_what_it_set(moto: MotoServer, app_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn, "API_KEY": "from-deployment"}
    secrets = make_loader(moto, env)
    secrets.load()
    moto.put_secret(app_arn, json.dumps({"GREETING_SECRET": "rotated", "API_KEY": "k2"}))

    assert secrets.load().from_cache is True
    assert env["GREETING_SECRET"] == "hello-from-sm"

    result = secrets.reload()
    assert result.from_cache is False
    assert env["GREETING_SECRET"] == "rotated"
    assert env["API_KEY"] == "from-deployment"  # still the deployment's
    assert len(moto.get_secret_value_calls()) == 2


def test_reload_removes_a_variable_whose_key_is_gone(moto: MotoServer, app_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn}
    secrets = make_loader(moto, env)
    secrets.load()
    moto.put_secret(app_arn, json.dumps({"API_KEY": "k3"}))

    result = secrets.reload()

    assert result.removed == ("GREETING_SECRET",)
    assert "GREETING_SECRET" not in env
    assert env["API_KEY"] == "k3"


def test_reload_never_removes_a_variable_the_deployment_set(
    moto: MotoServer, app_arn: str
) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn, "API_KEY": "from-deployment"}
    secrets = make_loader(moto, env)
    secrets.load()
    moto.put_secret(app_arn, json.dumps({"GREETING_SECRET": "still"}))
    assert secrets.reload().removed == ()
    assert env["API_KEY"] == "from-deployment"


def test_threads_that_load_at_once_share_one_read(moto: MotoServer, app_arn: str) -> None:
    env = {"ZONKE_SECRET_ARNS": app_arn}
    secrets = make_loader(moto, env)
    callers = 12
    start = threading.Barrier(callers)
    results: list[SecretsLoadResult] = []
    errors: list[BaseException] = []

    def call(index: int) -> None:
        start.wait()
        try:
            results.append(secrets.reload() if index % 3 == 0 else secrets.load())
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(moto.get_secret_value_calls()) == 1
    # One shared read, not a read and then the cache: every caller got the same result object.
    assert all(result is results[0] for result in results)
    assert results[0].from_cache is False


def test_threads_share_one_failure_too(moto: MotoServer, app_arn: str) -> None:
    moto.put_secret(app_arn, "not json")
    secrets = make_loader(moto, {"ZONKE_SECRET_ARNS": app_arn})
    callers = 6
    start = threading.Barrier(callers)
    errors: list[BaseException] = []

    def call() -> None:
        start.wait()
        try:
            secrets.load()
        except SecretsLoadError as error:
            errors.append(error)

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(errors) == callers
    assert len(moto.get_secret_value_calls()) == 1


def test_load_secrets_uses_os_environ_and_aws_endpoint_url(
    moto: MotoServer, app_arn: str, db_arn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_default_loader", None)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.endpoint)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", REGION)  # boto3 reads AWS_DEFAULT_REGION only: see fetch.py
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS["aws_secret_access_key"])
    monkeypatch.setenv("ZONKE_SECRET_ARNS", f"{app_arn},DB_={db_arn}")
    for name in ("GREETING_SECRET", "API_KEY", "DB_USERNAME", "DB_PASSWORD"):
        monkeypatch.delenv(name, raising=False)  # restored to unset after the test

    result = load_secrets()

    assert result.secret_count == 2
    assert os.environ["DB_PASSWORD"] == "p@ss w0rd"
    assert os.environ["GREETING_SECRET"] == "hello-from-sm"
    assert load_secrets().from_cache is True
    assert len(moto.get_secret_value_calls()) == 2


def test_default_timeouts_are_one_second_three_seconds_two_attempts() -> None:
    from zonke_runtime.secrets.fetch import secrets_client_config

    config = secrets_client_config(ClientTimeouts())
    assert config.connect_timeout == 1.0
    assert config.read_timeout == 3.0
    assert config.retries == {"total_max_attempts": 2, "mode": "standard"}
