"""ZONKE_SECRET_ARNS parsing: the same inputs and answers as the Node loader's tests."""

from __future__ import annotations

import json
import re

import pytest

from zonke_runtime.secrets import SecretsConfigError, SecretSource, parse_secret_sources

APP_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/prod/app-AbCdEf"
DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-XyZ123"


def test_reads_a_comma_list_with_blanks_an_empty_entry_and_a_prefix() -> None:
    assert parse_secret_sources(f" {APP_ARN} , DB_={DB_ARN},") == [
        SecretSource(secret_id=APP_ARN, prefix=""),
        SecretSource(secret_id=DB_ARN, prefix="DB_"),
    ]


def test_reads_a_json_array_with_a_prefix() -> None:
    assert parse_secret_sources(json.dumps([APP_ARN, f"DB_={DB_ARN}"])) == [
        SecretSource(secret_id=APP_ARN),
        SecretSource(secret_id=DB_ARN, prefix="DB_"),
    ]


@pytest.mark.parametrize("value", [None, "", "  ", "[]", " , ,"])
def test_unset_or_blank_means_no_secrets(value: str | None) -> None:
    assert parse_secret_sources(value) == []


def test_keeps_an_equals_sign_inside_a_secret_name_as_part_of_the_arn() -> None:
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a=b-AbCdEf"
    assert parse_secret_sources(arn) == [SecretSource(secret_id=arn)]


def test_recognises_a_prefix_only_before_an_arn() -> None:
    # A secret given by name may contain "=": "DB_=name" is a name, not a prefix.
    assert parse_secret_sources("DB_=shop/prod/db") == [SecretSource(secret_id="DB_=shop/prod/db")]
    assert parse_secret_sources(f"1DB={DB_ARN}") == [SecretSource(secret_id=f"1DB={DB_ARN}")]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[not json", "starts with \\[ but is not a JSON array"),
        ("[1, 2]", "must be a JSON array of strings"),
        ('["a", null]', "must be a JSON array of strings"),
        (f"{APP_ARN},{APP_ARN}", re.escape(f"lists {APP_ARN} twice")),
        (f"{APP_ARN}, DB_={APP_ARN}", re.escape(f"lists {APP_ARN} twice")),
        (json.dumps([APP_ARN, APP_ARN]), "twice"),
        (f"{APP_ARN} {DB_ARN}", "contains blanks; use comma-separated ARNs"),
    ],
)
def test_refuses_a_malformed_list_with_a_message_that_says_what_to_write(
    value: str, message: str
) -> None:
    with pytest.raises(SecretsConfigError, match=message):
        parse_secret_sources(value)
