"""Error responses: JSON under ``/api/``, Django's own pages everywhere else.

Django answers these itself, before or outside the API's views: 400 for a request it refuses
(an oversized body, a malformed one it cannot parse), 403 for a ``PermissionDenied``, 404 for an
unknown path and 500 for an unhandled exception. Under ``/api/`` the body is ``{"detail": ...}``
like the API's own errors, so a client parses one shape. The 500 never says what failed (the
traceback goes to the log), and neither page is Django's DEBUG page in production.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("Bad request.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("Permission denied.", 403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return _json("Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json("Server error.", 500)
    return defaults.server_error(request)


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status: int) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    response["Cache-Control"] = "no-store"
    return response
