"""A secret's SecretString (a JSON object of names to values) as environment variables.

Strings are kept as they are; numbers and booleans (rotation templates write ``"port": 5432``)
become the text the Node loader gives them (``String(value)`` in JavaScript), so a Next.js and a
Django server see the same variables. Errors name the secret and the key, never the value or the
secret's text.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import NoReturn

from .errors import SecretsLoadError
from .sources import SecretSource

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOT_JSON = object()


def environment_entries(source: SecretSource, secret_string: str | None) -> dict[str, str]:
    """The variables one secret defines, checked so that applying them cannot fail halfway."""
    secret_id = source.secret_id
    if secret_string is None:
        raise SecretsLoadError(
            secret_id,
            f"Secrets Manager secret {secret_id} has no SecretString (a binary secret?); zonke"
            " reads a JSON object of names to string values",
        )
    # The parse error is dropped, not chained: JSONDecodeError keeps the whole text in `.doc`.
    try:
        parsed = json.loads(secret_string, parse_constant=_refuse_constant)
    except ValueError:
        parsed = _NOT_JSON
    if not isinstance(parsed, dict):
        raise _not_an_object(secret_id)

    entries: dict[str, str] = {}
    for key, value in parsed.items():
        name = key if source.prefix == "" else f"{source.prefix}{key.upper()}"
        if not _ENV_NAME.fullmatch(name):
            raise SecretsLoadError(
                secret_id,
                f"Secrets Manager secret {secret_id} has the key {json.dumps(key)}, which is not a"
                " valid environment variable name (letters, digits and _, not starting with a"
                " digit)",
            )
        text = _variable_text(value)
        if text is None:
            raise SecretsLoadError(
                secret_id,
                f"Secrets Manager secret {secret_id} key {key} holds {_describe(value)}; only"
                " strings, numbers and booleans are allowed",
            )
        if not _fits_environment(text):
            raise SecretsLoadError(
                secret_id,
                f"Secrets Manager secret {secret_id} key {key} holds a string that an environment"
                " variable cannot contain (a NUL character or an unpaired surrogate)",
            )
        entries[name] = text
    return entries


def combine_entries(
    sources: Sequence[SecretSource], per_secret: Sequence[dict[str, str]]
) -> dict[str, str]:
    """Every secret's variables in one mapping; two secrets may not define the same variable."""
    combined: dict[str, str] = {}
    origin: dict[str, str] = {}
    for source, entries in zip(sources, per_secret, strict=True):
        for name, value in entries.items():
            other = origin.get(name)
            if other is not None:
                raise SecretsLoadError(
                    source.secret_id,
                    f"Secrets Manager secrets {other} and {source.secret_id} both define {name};"
                    " give one of them a prefix (PREFIX=arn:...) in ZONKE_SECRET_ARNS",
                )
            origin[name] = source.secret_id
            combined[name] = value
    return combined


def js_number_text(number: float) -> str:
    """``String(number)`` as JavaScript writes a finite number (ECMA-262 Number::toString)."""
    if number == 0:
        return "0"  # -0 too
    sign = "-" if number < 0 else ""
    # repr() gives the shortest digits that read back as the same float, like JavaScript does.
    digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()[1:]
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent = int(exponent) + len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.<digits> x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = f"0.{'0' * -n}{digits}"
    else:
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text


def _variable_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        try:
            number = float(value)  # JSON numbers are doubles in JavaScript, big integers too
        except OverflowError:
            return None
        return js_number_text(number) if math.isfinite(number) else None
    return None


def _fits_environment(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        return False
    return True


def _refuse_constant(name: str) -> NoReturn:
    # NaN and Infinity are not JSON; JavaScript's JSON.parse refuses them too.
    raise ValueError(f"{name} is not JSON")


def _not_an_object(secret_id: str) -> SecretsLoadError:
    return SecretsLoadError(
        secret_id,
        f"Secrets Manager secret {secret_id} is not a JSON object of names to string values"
        ' (e.g. {"API_KEY": "..."})',
    )


def _describe(value: object) -> str:
    """The kind of a value, for messages that must not show the value itself."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (int, float)):
        return "a non-finite number"
    return f"a {type(value).__name__}"
