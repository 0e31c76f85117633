"""The JSON API: list, create, detail; validation; who may write."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings

from catalog.models import Category, Item

API_KEY = "test-api-key-0123456789"


@pytest.fixture
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("API_KEY", API_KEY)
    return API_KEY


def post_item(
    client: Client,
    payload: Any,
    *,
    key: str | None = API_KEY,
    content_type: str = "application/json",
) -> Any:
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    headers = {} if key is None else {"X-Api-Key": key}
    return client.post("/api/items/", body, content_type=content_type, headers=headers)


def test_list_is_empty_without_items(client: Client, db: str) -> None:
    response = client.get("/api/items/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_create_then_read_back(client: Client, db: str, api_key: str) -> None:
    tea = Category.objects.create(name="Tea")
    response = post_item(
        client, {"name": "Sencha", "description": "Green", "price": 12.5, "category": tea.pk}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert response["Location"] == f"/api/items/{created['id']}/"
    assert created["name"] == "Sencha"
    assert created["price"] == "12.50"
    assert created["category"] == {"id": tea.pk, "name": "Tea"}
    assert created["created_at"].endswith("Z")

    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.json() == created
    listed = client.get("/api/items/").json()
    assert listed["count"] == 1 and listed["results"] == [created]
    assert Item.objects.get().price == Decimal("12.50")


def test_list_pages_newest_first(client: Client, db: str) -> None:
    for name in ("first", "second", "third"):
        Item.objects.create(name=name, price=1)

    page = client.get("/api/items/?limit=2").json()
    assert [item["name"] for item in page["results"]] == ["third", "second"]
    assert page["count"] == 3
    assert page["next"] == "/api/items/?limit=2&offset=2"
    assert page["previous"] is None

    last = client.get(page["next"]).json()
    assert [item["name"] for item in last["results"]] == ["first"]
    assert last["next"] is None
    assert last["previous"] == "/api/items/?limit=2&offset=0"


def test_page_size_is_capped(client: Client, db: str) -> None:
    Item.objects.bulk_create(Item(name=f"item {n}", price=n) for n in range(101))
    page = client.get("/api/items/?limit=1000").json()
    assert len(page["results"]) == 100
    assert page["next"] == "/api/items/?limit=100&offset=100"
    assert len(client.get("/api/items/").json()["results"]) == 20  # the default


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=abc", "offset=-1", "limit=%C2%B2", "offset=99999999999"]
)
def test_bad_paging_is_a_400_naming_the_parameter(client: Client, db: str, query: str) -> None:
    response = client.get(f"/api/items/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert list(response.json()["errors"]) == [name]


def test_detail_of_a_missing_item_is_a_json_404(client: Client, db: str) -> None:
    response = client.get("/api/items/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Item 999999 not found."}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"price": "1"}, {"name": ["This field is required."]}),
        (
            {"name": "x" * 201, "price": "-1"},
            {
                "name": ["Ensure this value has at most 200 characters (it has 201)."],
                "price": ["Ensure this value is greater than or equal to 0."],
            },
        ),
        ({"name": "a", "price": "cheap"}, {"price": ["Enter a number."]}),
        ({"name": "a", "price": 1.999}, {"price": ["Ensure that there are no more than 2 decimal places."]}),
        (
            {"name": "a", "price": 1, "category": 424242},
            {"category": ["Select a valid choice. That choice is not one of the available choices."]},
        ),
        (
            {"name": ["a"], "price": 1, "colour": "red"},
            {
                "name": ["Must be a string, a number or null."],
                "colour": ["Unknown field; the fields are category, description, name, price."],
            },
        ),
        ({"name": "a", "price": True}, {"price": ["Must be a string, a number or null."]}),
    ],
)
def test_validation_errors_are_400_with_field_messages(
    client: Client, db: str, api_key: str, payload: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = post_item(client, payload)
    assert response.status_code == 400
    assert response.json() == {"errors": expected}
    assert not Item.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[1, 2]", "The body must be a JSON object."),
        ('{"name": ', "The body is not valid JSON: Expecting value: line 1 column 10 (char 9)"),
        ('{"name": "a", "price": NaN}', "The body is not valid JSON: NaN is not a number JSON allows"),
        (b"\xff\xfe{", "The body is not valid JSON"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(
    client: Client, db: str, api_key: str, body: str | bytes, message: str
) -> None:
    response = post_item(client, body)
    assert response.status_code == 400
    assert response.json()["errors"]["__all__"][0].startswith(message)


@pytest.mark.parametrize("key", [None, "", "wrong-key", API_KEY + "x"])
def test_writes_need_the_api_key(client: Client, db: str, api_key: str, key: str | None) -> None:
    response = post_item(client, {"name": "a", "price": 1}, key=key)
    assert response.status_code == 403
    assert response.json() == {"detail": "Missing or wrong X-Api-Key header."}
    assert not Item.objects.exists()


def test_without_api_key_production_refuses_writes(client: Client, db: str) -> None:
    response = post_item(client, {"name": "a", "price": 1}, key=None)
    assert response.status_code == 403
    assert "API_KEY" in response.json()["detail"]
    assert not Item.objects.exists()


@override_settings(DEBUG=True)
def test_without_api_key_debug_mode_allows_writes(client: Client, db: str) -> None:
    assert post_item(client, {"name": "a", "price": 1}, key=None).status_code == 201


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "a", "price": 1}', "text/plain"),
        ("name=a&price=1", "application/x-www-form-urlencoded"),
    ],
)
def test_writes_must_be_json(
    client: Client, db: str, api_key: str, body: str, content_type: str
) -> None:
    response = post_item(client, body, content_type=content_type)
    assert response.status_code == 415
    assert not Item.objects.exists()


def test_the_api_needs_no_csrf_token(client: Client, db: str, api_key: str) -> None:
    """Authorised by the header, not by cookies: with CSRF checks on (the client fixture) and a
    session cookie, but no CSRF token, the write goes through."""
    client.cookies["sessionid"] = "whatever"
    assert post_item(client, {"name": "a", "price": 1}).status_code == 201


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("delete", "/api/items/", "GET, HEAD, POST"), ("put", "/api/items/1/", "GET, HEAD")],
)
def test_other_methods_are_a_json_405(
    client: Client, db: str, method: str, path: str, allow: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert response.json() == {"detail": "Method not allowed."}


def test_unknown_api_paths_are_a_json_404(client: Client) -> None:
    response = client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("item_id", ["0", "9223372036854775808", "99999999999999999999999"])
def test_ids_out_of_range_are_a_404_too(client: Client, db: str, item_id: str) -> None:
    response = client.get(f"/api/items/{item_id}/")
    assert response.status_code == 404
    assert response.json() == {"detail": f"Item {item_id} not found."}


def test_head_of_the_list_has_the_headers_only(client: Client, db: str) -> None:
    response = client.head("/api/items/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


def test_an_oversized_body_is_a_json_400(client: Client, db: str, api_key: str) -> None:
    """Django's request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) answers in the API's
    shape."""
    body = json.dumps({"name": "a", "price": 1, "description": "x" * 3_000_000})
    response = post_item(client, body)
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}
    assert not Item.objects.exists()
