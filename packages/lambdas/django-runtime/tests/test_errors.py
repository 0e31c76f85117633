"""Failures: each names the secret and the likely cause, quickly, and never shows a value."""

from __future__ import annotations

import json
import logging
import time
import traceback
from pathlib import Path
from types import TracebackType

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from support.moto_server import FAKE_CREDENTIALS, REGION, MotoServer
from support.network import SilentServer, free_port
from zonke_runtime.secrets import ClientTimeouts, SecretsLoader, SecretsLoadError
from zonke_runtime.secrets.errors import explain_fetch_error
from zonke_runtime.secrets.log_redaction import REDACTED

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/app-AbCdEf"
SECRET_VALUE = "s3cr3t-value-7f3a"


def loader_for(endpoint: str, env: dict[str, str], timeouts: ClientTimeouts) -> SecretsLoader:
    return SecretsLoader(
        env=env,
        client_options={"endpoint_url": endpoint, "region_name": REGION, **FAKE_CREDENTIALS},
        timeouts=timeouts,
    )


def test_a_closed_port_fails_fast_and_points_at_the_vpc_route() -> None:
    env = {"ZONKE_SECRET_ARNS": ARN}
    secrets = loader_for(f"http://127.0.0.1:{free_port()}", env, ClientTimeouts())

    started = time.monotonic()
    with pytest.raises(SecretsLoadError) as caught:
        secrets.load()
    elapsed = time.monotonic() - started

    message = str(caught.value)
    assert message.startswith(
        f"Secrets Manager secret {ARN} could not be read (EndpointConnectionError: "
    )
    assert "No answer from Secrets Manager" in message
    assert "interface VPC endpoint for secretsmanager" in message
    assert "NAT gateway" in message
    assert env == {"ZONKE_SECRET_ARNS": ARN}
    # Two refused attempts and at most one second of retry backoff.
    assert elapsed < 3, f"took {elapsed:.1f} s"


def test_a_server_that_never_answers_times_out_after_two_attempts() -> None:
    env = {"ZONKE_SECRET_ARNS": ARN}
    timeouts = ClientTimeouts(read_timeout_seconds=0.3)
    with SilentServer() as silent:
        started = time.monotonic()
        with pytest.raises(SecretsLoadError) as caught:
            loader_for(silent.endpoint, env, timeouts).load()
        elapsed = time.monotonic() - started

        assert silent.connection_count == 2  # the first attempt and one retry
    assert "(ReadTimeoutError: " in str(caught.value)
    assert "No answer from Secrets Manager" in str(caught.value)
    assert elapsed < 3, f"took {elapsed:.1f} s"


def aws_error(code: str, message: str) -> ClientError:
    """The error botocore raises for Secrets Manager's JSON error answer with this code."""
    return ClientError({"Error": {"Code": code, "Message": message}}, "GetSecretValue")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            aws_error(
                "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/fn is not authorized to perform:"
                " secretsmanager:GetSecretValue",
            ),
            "(AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/fn is not"
            " authorized to perform: secretsmanager:GetSecretValue). The role is missing"
            " permission: it needs secretsmanager:GetSecretValue on this secret, and kms:Decrypt"
            " if a customer-managed KMS key encrypts it.",
        ),
        (
            aws_error("DecryptionFailure", "KMS refused"),
            "grant kms:Decrypt on the key",
        ),
        (
            aws_error("UnrecognizedClientException", "The security token is invalid"),
            "The AWS credentials were refused or missing.",
        ),
        (NoCredentialsError(), "(NoCredentialsError: Unable to locate credentials)"),
        (aws_error("InternalServiceError", "boom"), "(InternalServiceError: boom). See the error"),
    ],
)
def test_explains_each_kind_of_failure(error: BaseException, expected: str) -> None:
    explained = explain_fetch_error(ARN, error)
    assert explained.secret_id == ARN
    assert str(explained).startswith(f"Secrets Manager secret {ARN} could not be read (")
    assert expected in str(explained)


def test_no_value_in_any_message_log_or_traceback(
    moto: MotoServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Every way a load can go wrong, with the value somewhere in the secret."""
    good = moto.create_secret("shop/prod/good", json.dumps({"TOKEN": SECRET_VALUE}))
    rds = moto.create_secret("rds!db-9", json.dumps({"username": "app", "password": SECRET_VALUE}))
    bad_contents = [
        SECRET_VALUE,
        json.dumps([SECRET_VALUE]),
        json.dumps({"K": {"nested": SECRET_VALUE}}),
        json.dumps({"bad key": SECRET_VALUE}),
        json.dumps({"K": SECRET_VALUE, "N": None}),
        '{"K": "' + SECRET_VALUE + '", ',
    ]
    bad = [moto.create_secret(f"shop/prod/bad-{i}", text) for i, text in enumerate(bad_contents)]
    duplicate = moto.create_secret("shop/prod/dup", json.dumps({"TOKEN": "other"}))
    # From here on only the loader logs (the setup calls above log the values they send).
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    failures: list[BaseException] = []
    # The good secrets come first, so their values are in the loader's hands when it fails.
    lists = [f"{good},DB_={rds},{arn}" for arn in bad] + [f"{good},{duplicate}"]
    for arns in lists:
        secrets = SecretsLoader(env={"ZONKE_SECRET_ARNS": arns}, client_options=moto.client_options)
        with pytest.raises(SecretsLoadError) as caught:
            secrets.load()
        failures.append(caught.value)
    # A successful load logs what it did.
    env = {"ZONKE_SECRET_ARNS": f"{good},DB_={rds}"}
    SecretsLoader(env=env, client_options=moto.client_options).load()
    assert env["TOKEN"] == SECRET_VALUE

    messages = [record.getMessage() for record in caplog.records]
    assert any("set TOKEN, DB_USERNAME, DB_PASSWORD" in message for message in messages)
    # botocore's debug log of each GetSecretValue answer is there, without its body.
    assert any(message.endswith(REDACTED) for message in messages)
    for record in caplog.records:
        assert SECRET_VALUE not in record.getMessage()
    for failure in failures:
        for error in chain(failure):
            assert SECRET_VALUE not in str(error)
            assert SECRET_VALUE not in "".join(traceback.format_exception(error))
            for frame_locals in locals_in(error.__traceback__):
                assert SECRET_VALUE not in repr(frame_locals)


def chain(error: BaseException) -> list[BaseException]:
    links = [error]
    while links[-1].__cause__ or links[-1].__context__:
        links.append(links[-1].__cause__ or links[-1].__context__)  # type: ignore[arg-type]
    return links


def locals_in(tb: TracebackType | None) -> list[dict[str, object]]:
    """The local variables of the frames a traceback holds, as an error reporter that captures
    locals would send them; this test's own frames (which hold the value) left out."""
    frames: list[dict[str, object]] = []
    while tb is not None:
        if tb.tb_frame.f_code.co_filename != __file__:
            frames.append(dict(tb.tb_frame.f_locals))
        tb = tb.tb_next
    return frames


def test_no_region_is_explained_naming_the_first_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    secrets = SecretsLoader(env={"ZONKE_SECRET_ARNS": f"{ARN},{ARN}-2"})
    with pytest.raises(SecretsLoadError) as caught:
        secrets.load()
    assert str(caught.value) == (
        f"Secrets Manager secret {ARN} could not be read (NoRegionError: You must specify a"
        " region.). No AWS region is configured: set AWS_REGION (Lambda and ECS set it themselves)."
    )
