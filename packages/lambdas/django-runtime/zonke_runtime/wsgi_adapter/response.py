"""Runs a WSGI application on one environ and collects its whole response (the Function URL is
in BUFFERED invoke mode: Lambda answers with one JSON object), then shapes Lambda's v2 result.

- Streaming responses (``StreamingHttpResponse``, ``FileResponse``) are read to the end, but
  never past Lambda's 6 MB payload limit: a body that cannot fit stops being read at once.
- The iterable's ``close()`` is always called (PEP 3333): Django sends ``request_finished`` from
  it, which closes or recycles the database connection.
- ``start_response`` may be called again with ``exc_info`` (nothing is sent before the end);
  ``write()`` is supported for old-style applications.
- Every ``Set-Cookie`` goes in ``cookies``, never comma-joined (cookie values and ``Expires``
  dates contain commas). Other repeated fields are joined with ", " (RFC 9110, 5.3).
- Values lose their leading and trailing blanks, as an HTTP parser would drop them.
- Hop-by-hop fields and ``Content-Length`` are dropped: Lambda frames the body itself.
- HEAD, 1xx, 204 and 304 answers carry no body, as a WSGI server would send them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol

from .body_encoding import encode_body

# Lambda's limit for a buffered (RequestResponse) payload: 6 MB of JSON.
MAX_BUFFERED_RESULT_BYTES = 6 * 1024 * 1024

_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
    }
)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
StartResponse = Callable[..., Callable[[bytes], None]]


class WsgiApplication(Protocol):
    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]: ...


class ResponseTooLargeError(Exception):
    """The response cannot fit in Lambda's buffered payload."""

    def __init__(self, status: int, size: int) -> None:
        super().__init__(f"a {status} response of at least {size} bytes")
        self.status = status
        self.size = size


class ApplicationError(Exception):
    """The application broke the WSGI protocol (a bad status, no ``start_response``)."""


class WsgiResponse:
    """One application's response, collected: ``start_response`` and ``write`` are the WSGI
    callables. A class with slots rather than closures over a dataclass: fewer objects made per
    request."""

    __slots__ = ("status", "headers", "chunks", "size", "max_body_bytes")

    def __init__(self, max_body_bytes: int) -> None:
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.size = 0
        self.max_body_bytes = max_body_bytes

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: ExcInfo | None = None
    ) -> Callable[[bytes], None]:
        if self.status and exc_info is None:
            raise ApplicationError("start_response was called twice without exc_info")
        self.status = parse_status(status)
        self.headers = headers
        return self.write

    def write(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.max_body_bytes:
            raise ResponseTooLargeError(self.status, self.size)
        self.chunks.append(chunk)


def call_wsgi_app(
    app: WsgiApplication, environ: dict[str, Any], *, max_body_bytes: int
) -> WsgiResponse:
    """The application's whole response; raises what the application raises."""
    response = WsgiResponse(max_body_bytes)
    result = app(environ, response.start_response)
    try:
        write = response.write
        for chunk in result:
            write(chunk)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not response.status:
        raise ApplicationError("the application returned without calling start_response")
    return response


def parse_status(status: str) -> int:
    code = status[:3]
    if len(status) >= 3 and code.isdigit() and 100 <= int(code) <= 599 and status[3:4] in ("", " "):
        return int(code)
    raise ApplicationError("the application gave a status line that is not valid")


def lambda_result(response: WsgiResponse, *, head_only: bool) -> dict[str, Any]:
    """Lambda's v2 result object for a collected response."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, raw_value in response.headers:
        key = name.lower()
        # Leading and trailing blanks are not part of a field value (RFC 9110, 5.5); Django's
        # Set-Cookie values start with one (Morsel.output(header="")).
        value = raw_value.strip(" \t")
        if key == "set-cookie":
            cookies.append(value)
        elif key in _DROPPED:
            continue
        elif key in headers:
            headers[key] = f"{headers[key]}, {value}"
        else:
            headers[key] = value
    status = response.status
    if head_only or status < 200 or status in (204, 304):
        body, is_base64 = "", False
    else:
        body, is_base64 = encode_body(
            b"".join(response.chunks), headers.get("content-type"), headers.get("content-encoding")
        )
    return {
        "statusCode": status,
        "headers": headers,
        "cookies": cookies,
        "body": body,
        "isBase64Encoded": is_base64,
    }


def plain_result(status: int, text: str) -> dict[str, Any]:
    """The adapter's own answers (400, 500): plain text, never cached."""
    return {
        "statusCode": status,
        "headers": {"content-type": "text/plain; charset=utf-8", "cache-control": "no-store"},
        "cookies": [],
        "body": text,
        "isBase64Encoded": False,
    }


def oversize_payload_bytes(result: dict[str, Any], limit: int) -> int | None:
    """The size of ``result`` as JSON when it is over ``limit``, else None. A cheap upper bound
    first, so that only results near the limit are serialised: base64 needs no escapes, a JSON
    escape takes at most 6 bytes per character, or 12 for a character outside the BMP."""
    body: str = result["body"]
    if result["isBase64Encoded"]:
        bound = len(body)
    else:
        bound = (6 if body.isascii() else 12) * len(body)
    bound += 256
    for name, value in result["headers"].items():
        bound += 12 * (len(name) + len(value)) + 6
    for cookie in result["cookies"]:
        bound += 12 * len(cookie) + 3
    if bound <= limit:
        return None
    # ensure_ascii (the default) escapes everything beyond ASCII: at least the UTF-8 size.
    size = len(json.dumps(result))
    return size if size > limit else None
