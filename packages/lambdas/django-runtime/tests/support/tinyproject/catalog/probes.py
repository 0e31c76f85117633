"""Views that show the adapter's work: what Django saw, and responses of every shape."""

import io
import json
import os

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

# The smallest valid PNG (1x1, transparent): bytes that are not UTF-8.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


_requests_served = 0


def count_request(sender: object, **kwargs: object) -> None:
    global _requests_served
    _requests_served += 1


def requests(request: HttpRequest) -> JsonResponse:
    """How many requests this process has served, this one included."""
    return JsonResponse({"count": _requests_served})


def greeting(request: HttpRequest) -> JsonResponse:
    """A value that comes from a secret, read the way an app reads it."""
    return JsonResponse({"greeting": os.getenv("GREETING_SECRET")})


def environ(request: HttpRequest) -> JsonResponse:
    meta = {key: value for key, value in request.META.items() if isinstance(value, (str, int))}
    return JsonResponse(
        {
            "meta": meta,
            "get": {key: request.GET.getlist(key) for key in request.GET},
            "path": request.path,
            "path_info": request.path_info,
            "host": request.get_host(),
            "secure": request.is_secure(),
            "cookies": request.COOKIES,
            "absolute": request.build_absolute_uri(),
        }
    )


def cookies(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("cookies set", content_type="text/plain")
    response.set_cookie("first", "1", max_age=3600, samesite="Lax")
    response.set_cookie("second", "2, with a comma", expires="Wed, 21 Oct 2037 07:28:00 GMT")
    response.set_cookie("third", "3", httponly=True, secure=True)
    return response


def image(request: HttpRequest) -> FileResponse:
    return FileResponse(io.BytesIO(PNG), content_type="image/png", filename="pixel.png")


def stream(request: HttpRequest) -> StreamingHttpResponse:
    parts = int(request.GET.get("parts", "3"))
    return StreamingHttpResponse(
        (f"part {n}\n".encode() for n in range(parts)), content_type="text/plain; charset=utf-8"
    )


def large(request: HttpRequest) -> HttpResponse:
    size = int(request.GET["bytes"])
    kind = request.GET.get("kind", "text")
    if kind == "stream":
        chunk = b"x" * 65536
        return StreamingHttpResponse(
            (chunk for _ in range(size // len(chunk))), content_type="application/octet-stream"
        )
    if kind == "binary":
        return HttpResponse(b"\xff" * size, content_type="application/octet-stream")
    return HttpResponse("a" * size, content_type="text/plain")


@csrf_exempt
def echo(request: HttpRequest) -> HttpResponse:
    body = request.body
    return HttpResponse(
        json.dumps({"length": len(body), "hex": body[:64].hex(), "type": request.content_type}),
        content_type="application/json",
    )


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom from a view")


def reverse_url(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"url": reverse("api-items"), "script": request.META["SCRIPT_NAME"]})
