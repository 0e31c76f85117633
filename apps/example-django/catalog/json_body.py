"""Turning a JSON request body into form data, with errors in the API's ``errors`` shape."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FieldErrors = dict[str, list[str]]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_form_data(body: bytes, fields: Iterable[str]) -> tuple[dict[str, Any], FieldErrors]:
    """The body's object as form data for ``fields``, or the errors that stop it.

    Numbers are read as Decimal, so a price keeps the digits that were sent. Only strings, numbers
    and null are accepted as values: a list or an object would otherwise be turned into its text
    and pass as a name.
    """
    try:
        payload = json.loads(body, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return {}, {"__all__": [f"The body is not valid JSON: {error}"]}
    if not isinstance(payload, dict):
        return {}, {"__all__": ["The body must be a JSON object."]}

    known = set(fields)
    errors: FieldErrors = {}
    for name, value in payload.items():
        if name not in known:
            errors[name] = [f"Unknown field; the fields are {', '.join(sorted(known))}."]
        elif isinstance(value, bool) or not isinstance(value, (str, int, Decimal, type(None))):
            errors[name] = ["Must be a string, a number or null."]
    return payload, errors
