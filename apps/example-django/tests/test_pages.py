"""The server-rendered pages: the item list and the CSRF-protected form at /items/new/."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Category, Item
from support.html import csrf_token, element_text


def test_home_lists_items_newest_first(client: Client, db: str) -> None:
    tea = Category.objects.create(name="Tea")
    Item.objects.create(name="Sencha", price="12.50", category=tea)
    Item.objects.create(name="Mug", price="8")
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Mug") < html.index("Sencha")
    assert '<span class="category">Tea</span>' in html


def test_home_without_items_says_so(client: Client, db: str) -> None:
    assert element_text(client.get("/"), "no-items") == "No items yet."


def test_home_shows_the_greeting_secret_read_per_request(
    client: Client, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert element_text(client.get("/"), "greeting-secret-missing").startswith("GREETING_SECRET")
    monkeypatch.setenv("GREETING_SECRET", "hello from the secret")
    assert element_text(client.get("/"), "greeting-secret") == "hello from the secret"


def test_the_form_page_sets_a_secure_csrf_cookie(client: Client, db: str) -> None:
    page = client.get("/items/new/")
    assert page.status_code == 200
    assert csrf_token(page)
    cookie = page.cookies["csrftoken"]
    assert cookie["secure"] is True and cookie["samesite"] == "Lax"


def test_a_post_without_the_csrf_token_is_refused(client: Client, db: str) -> None:
    client.get("/items/new/")  # the CSRF cookie, but no token in the form
    response = client.post("/items/new/", {"name": "forged", "price": "1"})
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not Item.objects.exists()


def test_a_post_with_a_token_that_does_not_match_the_cookie_is_refused(
    client: Client, db: str
) -> None:
    token = csrf_token(client.get("/items/new/"))
    client.cookies["csrftoken"] = "x" * 32  # another browser's cookie
    response = client.post(
        "/items/new/", {"name": "forged", "price": "1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_a_post_with_the_token_creates_the_item_and_redirects(client: Client, db: str) -> None:
    tea = Category.objects.create(name="Tea")
    token = csrf_token(client.get("/items/new/"))
    fields = {
        "name": "Gyokuro",
        "description": "Shaded",
        "price": "31.00",
        "category": str(tea.pk),
        "csrfmiddlewaretoken": token,
    }
    response = client.post("/items/new/", fields)
    assert response.status_code == 302
    assert response["Location"] == "/"
    item = Item.objects.get()
    assert (item.name, item.description, str(item.price), item.category) == (
        "Gyokuro",
        "Shaded",
        "31.00",
        tea,
    )
    assert element_text(client.get("/"), "message") == "Created “Gyokuro”."


def test_an_invalid_post_shows_the_errors_with_a_400(client: Client, db: str) -> None:
    token = csrf_token(client.get("/items/new/"))
    response = client.post(
        "/items/new/", {"name": "", "price": "-3", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Ensure this value is greater than or equal to 0." in html
    assert csrf_token(response)  # the form can be sent again
    assert not Item.objects.exists()


def test_other_methods_are_not_allowed_on_the_form(client: Client, db: str) -> None:
    token = csrf_token(client.get("/items/new/"))  # past the CSRF check, which comes first
    response = client.delete("/items/new/", headers={"X-CSRFToken": token})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
