"""Who may write through the JSON API, and why it needs no CSRF token.

CSRF attacks ride on credentials a browser attaches by itself: cookies. This API never looks at
cookies or sessions; a write is authorised by the ``X-Api-Key`` header alone, compared in constant
time with ``API_KEY`` from the environment (read per request, so a rotated key applies at the next
secrets reload). A browser never adds that header on its own, and another site cannot make it
add one, so the API views are exempt from Django's cookie-based CSRF check, while the HTML pages
and the admin, which use sessions, keep it.

Writes must also be JSON (``Content-Type: application/json``). An HTML form cannot send that, and
a cross-site ``fetch`` with it (or with ``X-Api-Key``) needs a CORS preflight that this app never
grants.

Without ``API_KEY``, writes are refused in production; with ``DJANGO_DEBUG`` on (local
development) they are open, still JSON only.
"""

from __future__ import annotations

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, JsonResponse

API_KEY_HEADER = "X-Api-Key"


def write_refusal(request: HttpRequest) -> JsonResponse | None:
    """None when the request may write; otherwise the error response to send."""
    api_key = os.getenv("API_KEY", "")
    if api_key:
        given = request.headers.get(API_KEY_HEADER, "")
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            detail = f"Missing or wrong {API_KEY_HEADER} header."
            return JsonResponse({"detail": detail}, status=403)
    elif not settings.DEBUG:
        return JsonResponse(
            {"detail": "Writes through the API are disabled: the server has no API_KEY."},
            status=403,
        )
    if request.content_type != "application/json":
        return JsonResponse(
            {"detail": "Send the body as JSON, with Content-Type: application/json."}, status=415
        )
    return None
