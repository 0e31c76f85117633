"""A secret's JSON as variables: the Node loader's rules, checked without a server."""

from __future__ import annotations

import json

import pytest

from zonke_runtime.secrets import SecretsLoadError, SecretSource
from zonke_runtime.secrets.values import combine_entries, environment_entries, js_number_text

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/app-AbCdEf"
OTHER_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/other-GhIjKl"


def test_keeps_keys_as_written_without_a_prefix() -> None:
    secret = json.dumps({"GREETING_SECRET": "hello", "api_key": "k1"})
    assert environment_entries(SecretSource(ARN), secret) == {
        "GREETING_SECRET": "hello",
        "api_key": "k1",
    }


def test_upper_cases_keys_behind_a_prefix() -> None:
    secret = json.dumps({"username": "app", "password": "p@ss w0rd"})
    assert environment_entries(SecretSource(ARN, prefix="DB_"), secret) == {
        "DB_USERNAME": "app",
        "DB_PASSWORD": "p@ss w0rd",
    }


def test_writes_numbers_and_booleans_as_javascript_does() -> None:
    secret = '{"port": 5432, "ratio": 1.0, "big": 1e21, "tiny": 1.5e-7, "on": true, "off": false}'
    assert environment_entries(SecretSource(ARN, prefix="X_"), secret) == {
        "X_PORT": "5432",
        "X_RATIO": "1",
        "X_BIG": "1e+21",
        "X_TINY": "1.5e-7",
        "X_ON": "true",
        "X_OFF": "false",
    }


@pytest.mark.parametrize(
    ("number", "text"),
    [
        # What node -e 'console.log(String(x))' prints for each.
        (5432, "5432"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (123.456, "123.456"),
        (1e16, "10000000000000000"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1e-6, "0.000001"),
        (1.5e-7, "1.5e-7"),
        (-2.5e-10, "-2.5e-10"),
        (float(12345678901234567890), "12345678901234567000"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),
    ],
)
def test_js_number_text_matches_javascript(number: float, text: str) -> None:
    assert js_number_text(number) == text


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ('"s3cr3t-value"', "is not a JSON object of names to string values"),
        ("s3cr3t-value", "is not a JSON object of names to string values"),
        ('["s3cr3t-value"]', "is not a JSON object of names to string values"),
        ('{"A": NaN, "B": "s3cr3t-value"}', "is not a JSON object of names to string values"),
        ('{"NESTED": {"v": "s3cr3t-value"}}', "key NESTED holds an object"),
        ('{"LIST": ["s3cr3t-value"]}', "key LIST holds an array"),
        ('{"NOTHING": null, "B": "s3cr3t-value"}', "key NOTHING holds null"),
        ('{"HUGE": 1e400, "B": "s3cr3t-value"}', "key HUGE holds a non-finite number"),
        ('{"BIG": 1' + "0" * 400 + "}", "key BIG holds a non-finite number"),
        ('{"bad key": "s3cr3t-value"}', 'the key "bad key", which is not a valid environment'),
        ('{"1ST": "s3cr3t-value"}', 'the key "1ST", which is not a valid environment'),
        ('{"NUL": "s3cr3t-value\\u0000"}', "key NUL holds a string that an environment variable"),
        ('{"HALF": "s3cr3t-value\\ud800"}', "key HALF holds a string that an environment variable"),
    ],
)
def test_refuses_what_cannot_be_a_variable_naming_the_secret_not_the_value(
    secret: str, message: str
) -> None:
    with pytest.raises(SecretsLoadError) as caught:
        environment_entries(SecretSource(ARN), secret)
    assert message in str(caught.value)
    assert ARN in str(caught.value)
    assert caught.value.secret_id == ARN
    assert "s3cr3t-value" not in str(caught.value)
    # Nothing that holds the text is chained either (JSONDecodeError keeps it in .doc).
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_refuses_a_binary_secret() -> None:
    with pytest.raises(SecretsLoadError, match="has no SecretString"):
        environment_entries(SecretSource(ARN), None)


def test_combining_refuses_two_secrets_that_define_the_same_variable() -> None:
    sources = [SecretSource(ARN), SecretSource(OTHER_ARN)]
    with pytest.raises(SecretsLoadError) as caught:
        combine_entries(sources, [{"API_KEY": "k1"}, {"API_KEY": "k2"}])
    assert str(caught.value) == (
        f"Secrets Manager secrets {ARN} and {OTHER_ARN} both define API_KEY; give one of them a"
        " prefix (PREFIX=arn:...) in ZONKE_SECRET_ARNS"
    )
    assert combine_entries(sources, [{"A": "1"}, {"B": "2"}]) == {"A": "1", "B": "2"}
