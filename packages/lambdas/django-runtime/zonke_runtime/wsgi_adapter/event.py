"""Reads a Lambda Function URL (or API Gateway HTTP API) payload 2.0 event, refusing anything
malformed with a ``BadRequestError`` whose message is safe to send back: it says what is wrong and
never echoes the event. Same checks as the Node adapter (``@zonke/next-server``'s ``event.ts``).

This runs for every request, so the headers of a usual event are checked all at once (all the
names in one string, all the values in another) rather than one by one. Only an event that
fails that check is read header by header, which says what is wrong.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from typing import Any, NamedTuple


class BadRequestError(Exception):
    """The event is not a request this adapter can serve; answered with a 400."""


# A named tuple rather than a frozen dataclass: as immutable, but a frozen dataclass sets each
# field through object.__setattr__ (a microsecond per request) and takes longer to define (init).
class EventRequest(NamedTuple):
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

# The same sets as bytes, for bytes.translate: deleting the bytes of a set and comparing what is
# left costs a fraction of a regex over the same text. A UTF-8 encoding has these bytes only
# where the text has these characters.
_LOWER_CASE_TOKEN_BYTES = b"!#$%&'*+.^_`|~0123456789abcdefghijklmnopqrstuvwxyz-"
_BAD_FIELD_VALUE_BYTES = bytes([*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F])

# Looked up before the regexes: almost every request is one of these.
_COMMON_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_COMMON_PROTOCOLS = frozenset({"HTTP/1.1", "HTTP/2.0", "HTTP/1.0", "HTTP/2", "HTTP/3"})


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
    if not _is_method(method):
        raise BadRequestError("requestContext.http.method is missing or not an HTTP method")
    raw_path = event.get("rawPath")
    if not isinstance(raw_path, str) or not raw_path.startswith("/"):
        raise BadRequestError("rawPath is missing or does not start with /")
    # Positional, in the fields' order: keywords would double the cost of making the tuple.
    return EventRequest(
        method,
        raw_path,
        _optional_string(event, "rawQueryString"),  # raw_query
        _read_headers(event.get("headers")),
        _read_cookies(event.get("cookies")),
        _read_body(event),
        _lenient_string(http.get("sourceIp")),  # source_ip
        _lenient_string(context.get("domainName")),  # domain_name
        _lenient_string(context.get("stage")),  # stage
        _read_protocol(http.get("protocol")),
    )


def _is_method(value: object) -> bool:
    return isinstance(value, str) and (value in _COMMON_METHODS or _TOKEN.fullmatch(value) is not None)


def _read_protocol(value: object) -> str:
    """Informational too: anything but ``HTTP/n`` or ``HTTP/n.n`` counts as HTTP/1.1."""
    if isinstance(value, str) and (value in _COMMON_PROTOCOLS or _PROTOCOL.fullmatch(value)):
        return value
    return "HTTP/1.1"


def _read_headers(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequestError("headers is not an object")
    if _are_valid_lower_case_headers(value):
        return dict(value)
    return _checked_headers(value)


def _are_valid_lower_case_headers(headers: dict[Any, Any]) -> bool:
    """True when every name is a lower-case token and every value a valid field value, as
    Lambda sends them: then ``_checked_headers`` would return them as they are."""
    try:
        names = "\n".join(headers).encode("ascii")
        values = " ".join(headers.values()).encode()
    except (TypeError, UnicodeEncodeError):  # not a string, a name beyond ASCII, a lone surrogate
        return False
    return (
        "" not in headers
        # Without the token characters, only the line breaks that join the names are left.
        and names.translate(None, _LOWER_CASE_TOKEN_BYTES) == b"\n" * (len(headers) - 1)
        and _has_no_bad_field_value_bytes(values)
    )


def _checked_headers(value: dict[Any, Any]) -> dict[str, str]:
    """Header by header: says which one is wrong, and lower-cases the names."""
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
    if value and not _are_field_values(value):
        raise BadRequestError("cookies holds a value that is not a valid cookie")
    return value


def _are_field_values(values: list[Any]) -> bool:
    """True when every item is a string that a header field value may hold."""
    try:
        text = " ".join(values)
    except TypeError:  # an item that is not a string
        return False
    try:
        return _has_no_bad_field_value_bytes(text.encode())
    except UnicodeEncodeError:  # a lone surrogate (JSON can carry one): the regex decides
        return _BAD_FIELD_VALUE.search(text) is None


def _has_no_bad_field_value_bytes(encoded: bytes) -> bool:
    return len(encoded.translate(None, _BAD_FIELD_VALUE_BYTES)) == len(encoded)


def _read_body(event: dict[str, Any]) -> bytes:
    is_base64 = event.get("isBase64Encoded", False)
    if not isinstance(is_base64, bool):
        raise BadRequestError("isBase64Encoded is not a boolean")
    body = event.get("body")
    if body is None or body == "":  # most requests have none
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
