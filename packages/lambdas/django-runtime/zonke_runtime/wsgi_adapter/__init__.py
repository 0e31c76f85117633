"""The WSGI adapter: a Function URL (or HTTP API) payload 2.0 event in, Lambda's v2 result out.

- ``event``: reading and checking the event (malformed ones are answered 400, plain text);
- ``headers``: the header policy (edge mark, underscores, forwarding);
- ``environ``: the WSGI environ;
- ``response``: running the application, collecting its response, shaping the result;
- ``body_encoding``: text or base64.

``serve_http_event`` never raises: a failure of the application outside Django's own error
handling (Django answers its views' exceptions itself) or a response too large for Lambda's 6 MB
becomes a generic 500 and one structured log line.
"""

from __future__ import annotations

from typing import Any

from ..log import error_fields, log_line
from .environ import parse_base_path, wsgi_environ
from .event import BadRequestError, read_http_event
from .headers import request_headers
from .response import (
    MAX_BUFFERED_RESULT_BYTES,
    ResponseTooLargeError,
    WsgiApplication,
    call_wsgi_app,
    lambda_result,
    oversize_payload_bytes,
    plain_result,
)

__all__ = ["MAX_BUFFERED_RESULT_BYTES", "WsgiApplication", "parse_base_path", "serve_http_event"]

_TOO_LARGE_HINT = (
    "Lambda's buffered responses are at most 6 MB of JSON (base64 adds a third): serve large"
    " files from S3 or make the response smaller"
)


def serve_http_event(
    app: WsgiApplication,
    event: object,
    context: object = None,
    *,
    max_result_bytes: int = MAX_BUFFERED_RESULT_BYTES,
    base_path: str = "",
) -> dict[str, Any]:
    """Lambda's v2 result for ``event``. ``base_path`` (from ``parse_base_path``) is a path
    prefix that moves to ``SCRIPT_NAME``, like an HTTP API stage."""
    try:
        request = read_http_event(event)
    except BadRequestError as error:
        return plain_result(400, f"Bad Request: {error}")
    environ = wsgi_environ(request, request_headers(request), context, base_path=base_path)
    try:
        response = call_wsgi_app(app, environ, max_body_bytes=max_result_bytes)
    except ResponseTooLargeError as error:
        return _too_large(context, error.status, error.size, max_result_bytes)
    except Exception as error:
        log_line("error", "the WSGI application failed", **_request_id(context), **error_fields(error))
        return plain_result(500, "Internal Server Error")
    result = lambda_result(response, head_only=request.method == "HEAD")
    size = oversize_payload_bytes(result, max_result_bytes)
    if size is not None:
        return _too_large(context, response.status, size, max_result_bytes)
    return result


def _too_large(context: object, status: int, size: int, limit: int) -> dict[str, Any]:
    # Lambda would fail the invocation and the viewer get a bare 502: answer, and say why.
    log_line(
        "error",
        "response too large for Lambda's buffered mode",
        **_request_id(context),
        statusCode=status,
        bytes=size,
        limit=limit,
        hint=_TOO_LARGE_HINT,
    )
    return plain_result(500, "Internal Server Error")


def _request_id(context: object) -> dict[str, str]:
    request_id = getattr(context, "aws_request_id", None)
    return {"requestId": request_id} if isinstance(request_id, str) else {}
