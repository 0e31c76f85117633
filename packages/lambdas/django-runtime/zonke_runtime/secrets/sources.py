"""Which secrets to load: the value of ``ZONKE_SECRET_ARNS``.

It holds secret ARNs, comma-separated (``arn:...:secret:a,arn:...:secret:b``) or as a JSON array
(``["arn:...:secret:a", ...]``).

An entry may start with a prefix and ``=``: ``DB_=arn:...:secret:rds!db-1234`` loads that secret's
keys upper-cased behind the prefix, so the RDS-managed ``{"username", "password"}`` becomes
``DB_USERNAME`` and ``DB_PASSWORD``. Without a prefix the keys are used exactly as written
(``{"GREETING_SECRET": "..."}`` sets ``GREETING_SECRET``). A prefix is recognised only before an
ARN (``PREFIX=arn:``), because secret names may themselves contain ``=``.

Same format as ``@zonke/lambda-runtime`` (``src/secrets/sources.ts``), which Node servers use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .errors import SecretsConfigError

_PREFIXED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(arn:.+)")
_BLANK = re.compile(r"\s")
_NOT_JSON = object()


@dataclass(frozen=True)
class SecretSource:
    """One secret to read."""

    secret_id: str
    """ARN (or name) passed to GetSecretValue."""
    prefix: str = ""
    """Prepended to the upper-cased keys; "" keeps the keys as written."""


def parse_secret_sources(value: str | None) -> list[SecretSource]:
    """Parses the variable's value; no value (or only blanks) means no secrets."""
    text = (value or "").strip()
    if text == "":
        return []
    entries = _parse_json_list(text) if text.startswith("[") else text.split(",")
    sources: list[SecretSource] = []
    seen: set[str] = set()
    for raw in entries:
        entry = raw.strip()
        if entry == "":
            continue
        match = _PREFIXED.fullmatch(entry)
        source = (
            SecretSource(secret_id=match.group(2), prefix=match.group(1))
            if match
            else SecretSource(secret_id=entry)
        )
        if _BLANK.search(source.secret_id):
            raise SecretsConfigError(
                f'ZONKE_SECRET_ARNS entry "{entry}" contains blanks; use comma-separated ARNs,'
                " each optionally as PREFIX=arn:..."
            )
        if source.secret_id in seen:
            raise SecretsConfigError(f"ZONKE_SECRET_ARNS lists {source.secret_id} twice")
        seen.add(source.secret_id)
        sources.append(source)
    return sources


def _parse_json_list(text: str) -> list[str]:
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = _NOT_JSON
    if parsed is _NOT_JSON:
        raise SecretsConfigError(
            "ZONKE_SECRET_ARNS starts with [ but is not a JSON array; use a JSON array of strings"
            " or comma-separated ARNs"
        )
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise SecretsConfigError(
            "ZONKE_SECRET_ARNS must be a JSON array of strings (ARNs, each optionally as"
            " PREFIX=arn:...)"
        )
    return parsed
