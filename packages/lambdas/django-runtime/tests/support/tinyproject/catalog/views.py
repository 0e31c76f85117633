"""The same surface as apps/example-django's catalog: a JSON API (writes need ``X-Api-Key``
when ``API_KEY`` is set, as there), a CSRF-protected form, a health check."""

import hmac
import json
import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template import engines
from django.views.decorators.csrf import csrf_exempt

from .models import Item

FORM = engines["django"].from_string(
    '<form method="post">{% csrf_token %}<input name="name"><button>Add</button></form>'
)


@csrf_exempt
def api_items(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        api_key = os.environ.get("API_KEY", "")
        given = request.headers.get("X-Api-Key", "")
        if api_key and not hmac.compare_digest(given.encode(), api_key.encode()):
            return JsonResponse({"detail": "Missing or wrong X-Api-Key header."}, status=403)
        try:
            name = json.loads(request.body)["name"]
        except (ValueError, KeyError, TypeError):
            return JsonResponse({"errors": {"name": ["This field is required."]}}, status=400)
        item = Item.objects.create(name=name)
        return JsonResponse({"id": item.id, "name": item.name}, status=201)
    items = [{"id": item.id, "name": item.name} for item in Item.objects.order_by("-id")]
    return JsonResponse({"count": len(items), "results": items})


def new_item(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        Item.objects.create(name=request.POST["name"])
        return redirect("api-items")
    return HttpResponse(FORM.render({}, request))


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
