"""The admin: login with CSRF over secure cookies, then managing the catalog."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from catalog.models import Category, Item
from support.html import csrf_token

PASSWORD = "a-long-admin-password-for-tests-7391"


@pytest.fixture
def admin_user(db: str) -> User:
    return User.objects.create_superuser("admin", "admin@shop.example", PASSWORD)


def log_in(client: Client, password: str = PASSWORD, *, with_token: bool = True) -> object:
    page = client.get("/admin/login/", {"next": "/admin/"})
    assert page.status_code == 200
    fields = {"username": "admin", "password": password, "next": "/admin/"}
    if with_token:
        fields["csrfmiddlewaretoken"] = csrf_token(page)
    return client.post("/admin/login/?next=/admin/", fields)


def test_the_admin_needs_a_login(client: Client, db: str) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_login_with_the_csrf_token_opens_a_secure_session(
    client: Client, admin_user: User
) -> None:
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    session = response.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert b"Site administration" in dashboard.content and b"Catalog" in dashboard.content


def test_login_without_the_csrf_token_is_refused(client: Client, admin_user: User) -> None:
    response = log_in(client, with_token=False)
    assert response.status_code == 403
    assert "sessionid" not in response.cookies
    assert client.get("/admin/").status_code == 302


def test_a_wrong_password_is_refused(client: Client, admin_user: User) -> None:
    response = log_in(client, "not-the-password")
    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content
    assert client.get("/admin/").status_code == 302


def test_an_admin_adds_an_item_through_the_admin_form(client: Client, admin_user: User) -> None:
    tea = Category.objects.create(name="Tea")
    log_in(client)
    add_page = client.get("/admin/catalog/item/add/")
    assert add_page.status_code == 200
    fields = {
        "name": "Hojicha",
        "description": "Roasted",
        "price": "9.90",
        "category": str(tea.pk),
        "csrfmiddlewaretoken": csrf_token(add_page),
    }
    response = client.post("/admin/catalog/item/add/", fields)
    assert response.status_code == 302, response.content[:1000]
    assert Item.objects.get().name == "Hojicha"
    listing = client.get("/admin/catalog/item/", {"q": "hoji"})
    assert listing.status_code == 200 and b"Hojicha" in listing.content
