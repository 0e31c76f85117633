"""Reads a Lambda Function URL (or API Gateway HTTP API) payload 2.0 event, refusing anything
malformed with a ``BadRequestError`` whose message is safe to send back: it says what is wrong and
never echoes the event. Same checks as the Node adapter (``@zonke/next-server``'s ``event.ts``).
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from dataclasses import dataclass
from typing import Any


class BadRequestError(Exception):
    """The event is not a request this adapter can serve; answered with a 400."""


@dataclass(frozen=True, slots=True)
class EventRequest:
    """An HTTP request as the event describes it, before any header policy."""

    method: str
    raw_path: str
    """As the event has it: percent-encoded from Function URLs, decoded from HTTP APIs."""
    raw_query: str
    """``rawQueryString`` exactly: repeated keys, order, ``+`` and percent-encoding untouched."""
    headers: dict[str, str]
    """Names lower-cased; repeats already comma-joined by Lambda."""
    cookies: list[str]
    body: bytes
    source_ip: str
    """The TCP peer Lambda saw (CloudFront, behind it); empty when the event has none."""
    domain_name: str
    """The Function URL's (or API's) own host name; empty when the event has none."""
    stage: str
    protocol: str


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# What a header field value may hold: no CR, LF, NUL or other controls but tab (RFC 9110, 5.5).
_BAD_FIELD_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_PROTOCOL = re.compile(r"HTTP/\d(?:\.\d)?")


def read_http_event(event: object) -> EventRequest:
    if not isinstance(event, dict):
        raise BadRequestError(f"the event is {_describe(event)}, not an object")
    version = event.get("version")
    if version != "2.0":
        raise BadRequestError(
            "the event is not a payload 2.0 event; this function takes Lambda Function URL or"
            " HTTP API (2.0) events"
        )
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, dict) else None
    if not isinstance(context, dict) or not isinstance(http, dict):
        raise BadRequestError("the event has no requestContext.http")
    method = http.get("method")
    if not isinstance(method, str) or not _TOKEN.fullmatch(method):
        raise BadRequestError("requestContext.http.method is missing or not an HTTP method")
    raw_path = event.get("rawPath")
    if not isinstance(raw_path, str) or not raw_path.startswith("/"):
        raise BadRequestError("rawPath is missing or does not start with /")
    protocol = http.get("protocol")
    return EventRequest(
        method=method,
        raw_path=raw_path,
        raw_query=_optional_string(event, "rawQueryString"),
        headers=_read_headers(event.get("headers")),
        cookies=_read_cookies(event.get("cookies")),
        body=_read_body(event),
        source_ip=_lenient_string(http.get("sourceIp")),
        domain_name=_lenient_string(context.get("domainName")),
        stage=_lenient_string(context.get("stage")),
        protocol=protocol if isinstance(protocol, str) and _PROTOCOL.fullmatch(protocol) else "HTTP/1.1",
    )


def _read_headers(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequestError("headers is not an object")
    headers: dict[str, str] = {}
    for name, header_value in value.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise BadRequestError("a header name is not a valid HTTP token")
        key = name.lower()
        if not isinstance(header_value, str) or _BAD_FIELD_VALUE.search(header_value):
            raise BadRequestError(f"header {key} has a value that is not valid")
        # Lambda lower-cases names already; two spellings of one name are one list.
        headers[key] = f"{headers[key]}, {header_value}" if key in headers else header_value
    return headers


def _read_cookies(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequestError("cookies is not an array")
    for cookie in value:
        if not isinstance(cookie, str) or _BAD_FIELD_VALUE.search(cookie):
            raise BadRequestError("cookies holds a value that is not a valid cookie")
    return value


def _read_body(event: dict[str, Any]) -> bytes:
    is_base64 = event.get("isBase64Encoded", False)
    if not isinstance(is_base64, bool):
        raise BadRequestError("isBase64Encoded is not a boolean")
    body = event.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise BadRequestError("body is not a string")
    if not is_base64:
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON can carry one, UTF-8 cannot
            raise BadRequestError("body is not valid text") from None
    try:
        # validate=True: a corrupted body must not reach the app as other bytes.
        return b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequestError("body is marked isBase64Encoded but is not valid base64") from None


def _optional_string(event: dict[str, Any], key: str) -> str:
    value = event.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadRequestError(f"{key} is not a string")
    return value


def _lenient_string(value: object) -> str:
    """Informational fields: a missing or odd value is treated as absent, not as an error."""
    return value if isinstance(value, str) else ""


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"
