"""The JSON API the Next.js example calls, server to server.

- ``GET /api/items/?limit=&offset=``: newest first, ``{"count", "next", "previous", "results"}``
  (the page links are paths, so they hold behind any host); ``limit`` 1 to 100, default 20.
- ``POST /api/items/``: creates an item from a JSON object; 201 with the item and its
  ``Location``; 400 with ``{"errors": {field: [messages]}}``. Access: see ``api_access``.
- ``GET /api/items/<id>/``: one item, or 404 ``{"detail": ...}``.

Responses are ``Cache-Control: no-store``: the data changes with every write.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .api_access import write_refusal
from .forms import ItemForm
from .json_body import FieldErrors, parse_form_data
from .models import Item
from .serializers import item_json

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_MAX_QUERY_INT = 2**31 - 1


@csrf_exempt  # authorised by X-Api-Key, never by cookies: see api_access
def items(request: HttpRequest) -> JsonResponse:
    if request.method in ("GET", "HEAD"):
        return _list_items(request)
    if request.method == "POST":
        return _create_item(request)
    return _method_not_allowed("GET, HEAD, POST")


@csrf_exempt  # read-only: writes get the API's JSON 405, not the CSRF page
def item_detail(request: HttpRequest, item_id: int) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        return _method_not_allowed("GET, HEAD")
    item = Item.objects.select_related("category").filter(pk=item_id).first()
    if item is None:
        return _json({"detail": f"Item {item_id} not found."}, status=404)
    return _json(item_json(item))


def _list_items(request: HttpRequest) -> JsonResponse:
    errors: FieldErrors = {}
    limit = _query_int(request, "limit", DEFAULT_PAGE_SIZE, 1, errors)
    offset = _query_int(request, "offset", 0, 0, errors)
    if errors:
        return _json({"errors": errors}, status=400)
    limit = min(limit, MAX_PAGE_SIZE)

    queryset = Item.objects.select_related("category")
    count = queryset.count()
    page = queryset[offset : offset + limit]
    path = reverse("api:items")
    return _json(
        {
            "count": count,
            "next": _page_link(path, limit, offset + limit) if offset + limit < count else None,
            "previous": _page_link(path, limit, max(offset - limit, 0)) if offset > 0 else None,
            "results": [item_json(item) for item in page],
        }
    )


def _create_item(request: HttpRequest) -> JsonResponse:
    refusal = write_refusal(request)
    if refusal is not None:
        refusal["Cache-Control"] = "no-store"
        return refusal
    data, errors = parse_form_data(request.body, ItemForm.Meta.fields)
    if errors:
        return _json({"errors": errors}, status=400)
    form = ItemForm(data=data)
    if not form.is_valid():
        messages = {field: [str(text) for text in errors] for field, errors in form.errors.items()}
        return _json({"errors": messages}, status=400)
    item = form.save()
    response = _json(item_json(item), status=201)
    response["Location"] = reverse("api:item-detail", args=[item.pk])
    return response


def _query_int(
    request: HttpRequest, name: str, default: int, minimum: int, errors: FieldErrors
) -> int:
    text = request.GET.get(name, "")
    if text == "":
        return default
    # ASCII digits only (int() also takes " 1", "1_0" and "²"), few enough for int() to be cheap.
    digits = text.isascii() and text.isdigit() and len(text) <= 10
    if digits and minimum <= int(text) <= _MAX_QUERY_INT:
        return int(text)
    errors[name] = [f"Must be a whole number from {minimum} to {_MAX_QUERY_INT}."]
    return default


def _page_link(path: str, limit: int, offset: int) -> str:
    return f"{path}?{urlencode({'limit': limit, 'offset': offset})}"


def _method_not_allowed(allow: str) -> JsonResponse:
    response = _json({"detail": "Method not allowed."}, status=405)
    response["Allow"] = allow
    return response


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response
