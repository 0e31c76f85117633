"""Django behind the adapter, end to end: each project (the tiny one and apps/example-django) in
its own Lambda-like instance (a fresh interpreter that imports ``zonke_runtime.handler`` as the
runtime client does), on SQLite and on PostgreSQL, driven by Function URL events only."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from support.events import CookieJar, VIEWER_HOST, body_json, http_event, json_event
from support.lambda_instance import LambdaInstance
from support.projects import ADMIN_PASSWORD, ADMIN_USER, API_KEY, DjangoProject

Instance = tuple[DjangoProject, LambdaInstance]
ORIGIN = f"https://{VIEWER_HOST}"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def unique_name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def listed_names(instance: LambdaInstance) -> list[str]:
    result = instance.invoke(http_event("GET", "/api/items/", "limit=100"))
    assert result["statusCode"] == 200
    return [item["name"] for item in body_json(result)["results"]]


def form_post(path: str, fields: dict[str, str], jar: CookieJar, *, query: str = "") -> dict[str, Any]:
    return http_event(
        "POST",
        path,
        query,
        body=urlencode(fields),
        base64_body=True,  # what CloudFront sends for a form body through OAC
        cookies=jar.event_cookies(),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "origin": ORIGIN,
            "referer": f"{ORIGIN}{path}",
        },
    )


def csrf_token(result: dict[str, Any]) -> str:
    match = _CSRF_INPUT.search(result["body"])
    assert match, "no csrfmiddlewaretoken in the page"
    return match.group(1)


def test_api_create_then_list(project_instance: Instance) -> None:
    _, instance = project_instance
    name = unique_name("API item")
    created = instance.invoke(
        json_event("POST", "/api/items/", {"name": name, "price": "4.20"}, headers={"x-api-key": API_KEY})
    )
    assert created["statusCode"] == 201, created["body"]
    assert body_json(created)["name"] == name
    assert name in listed_names(instance)


def test_api_write_without_the_key_is_refused(project_instance: Instance) -> None:
    _, instance = project_instance
    refused = instance.invoke(json_event("POST", "/api/items/", {"name": "no key", "price": "1.00"}))
    assert refused["statusCode"] == 403


def test_healthz(project_instance: Instance) -> None:
    _, instance = project_instance
    result = instance.invoke(http_event("GET", "/healthz"))
    assert result["statusCode"] == 200 and result["body"].strip() == "ok"
    assert result["isBase64Encoded"] is False


def test_head_answers_headers_without_a_body(project_instance: Instance) -> None:
    _, instance = project_instance
    get = instance.invoke(http_event("GET", "/api/items/"))
    head = instance.invoke(http_event("HEAD", "/api/items/"))
    assert head["statusCode"] == 200 and get["body"]
    assert (head["body"], head["isBase64Encoded"]) == ("", False)
    assert head["headers"]["content-type"] == get["headers"]["content-type"] == "application/json"


def test_form_with_csrf_token_and_cookie(project_instance: Instance) -> None:
    _, instance = project_instance
    jar = CookieJar()
    page = instance.invoke(http_event("GET", "/items/new/"))
    assert page["statusCode"] == 200
    jar.update(page)
    assert "csrftoken" in jar.values
    name = unique_name("Form item")
    fields = {"name": name, "price": "2.50", "description": "", "csrfmiddlewaretoken": csrf_token(page)}
    posted = instance.invoke(form_post("/items/new/", fields, jar))
    assert posted["statusCode"] == 302, posted["body"][:500]
    assert name in listed_names(instance)


def test_form_post_without_the_token_is_forbidden(project_instance: Instance) -> None:
    _, instance = project_instance
    jar = CookieJar()
    jar.update(instance.invoke(http_event("GET", "/items/new/")))
    posted = instance.invoke(form_post("/items/new/", {"name": "forged", "price": "1.00"}, jar))
    assert posted["statusCode"] == 403


def test_admin_login_with_csrf_then_the_session_cookie(project_instance: Instance) -> None:
    _, instance = project_instance
    created = instance.invoke(
        {"zonke": "manage", "command": "createsuperuser", "args": ["--noinput", "--username", ADMIN_USER, "--email", "admin@shop.example"]}
    )
    assert created["exitCode"] == 0 or "already taken" in created["output"], created["output"]

    jar = CookieJar()
    login_page = instance.invoke(http_event("GET", "/admin/login/", "next=/admin/"))
    assert login_page["statusCode"] == 200
    jar.update(login_page)
    fields = {
        "username": ADMIN_USER,
        "password": ADMIN_PASSWORD,
        "next": "/admin/",
        "csrfmiddlewaretoken": csrf_token(login_page),
    }
    logged_in = instance.invoke(form_post("/admin/login/", fields, jar, query="next=/admin/"))
    assert logged_in["statusCode"] == 302, logged_in["body"][:500]
    assert logged_in["headers"]["location"] == "/admin/"
    # Django sets the session and rotates the CSRF token: two Set-Cookie, kept apart.
    set_names = {cookie.split("=", 1)[0] for cookie in logged_in["cookies"]}
    assert {"sessionid", "csrftoken"} <= set_names
    assert all("Secure" in cookie for cookie in logged_in["cookies"])
    jar.update(logged_in)

    dashboard = instance.invoke(http_event("GET", "/admin/", cookies=jar.event_cookies()))
    assert dashboard["statusCode"] == 200
    assert "Site administration" in dashboard["body"] and "Log out" in dashboard["body"]
    anonymous = instance.invoke(http_event("GET", "/admin/"))
    assert anonymous["statusCode"] == 302 and anonymous["headers"]["location"].startswith("/admin/login/")


def test_the_query_string_reaches_django_as_sent(project_instance: Instance) -> None:
    _, instance = project_instance
    # The login page writes "next" back into its form, decoded: UTF-8 escapes, %3F, %3D, and +.
    page = instance.invoke(http_event("GET", "/admin/login/", "a=1&a=2&next=/admin/caf%C3%A9/%3Fq%3D1+2&c=%E2%9C%93"))
    assert page["statusCode"] == 200
    assert '<input type="hidden" name="next" value="/admin/café/?q=1 2">' in page["body"]


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ([], "Bad Request: the event is an array, not an object"),
        ({"version": "2.0"}, "Bad Request: the event has no requestContext.http"),
        ({"version": "1.0", "httpMethod": "GET", "path": "/"}, "Bad Request: the event is not a payload 2.0 event"),
        ({"zonke": "unknown"}, "Bad Request: unknown zonke event 'unknown'"),
    ],
    ids=["array", "no-request-context", "payload-1.0", "unknown-zonke-event"],
)
def test_a_malformed_event_through_the_handler_is_a_400(project_instance: Instance, event: Any, message: str) -> None:
    _, instance = project_instance
    answer = instance.invoke_raw(event)
    assert "functionError" not in answer  # an answer, not a failed invocation
    result = answer["result"]
    assert result["statusCode"] == 400 and result["body"].startswith(message)
    assert "Traceback" not in result["body"]
