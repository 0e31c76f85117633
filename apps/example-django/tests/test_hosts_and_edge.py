"""Which hosts the app serves, and the forwarded host and scheme it trusts: only on requests that
zonke's CloudFront function marked with ``X-Zonke-Edge: 1``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from catalog.models import Item
from support.environment import SITE_HOST
from support.html import csrf_token, element_text

# The origin's own name: what Host holds when CloudFront calls a Function URL.
ORIGIN_HOST = "abcdefgh.lambda-url.eu-west-1.on.aws"
DISTRIBUTION = "d1234abcd.cloudfront.net"


def via_edge(host: str, **headers: str) -> dict[str, Any]:
    """A request as zonke's CloudFront function forwards it: the origin's Host, the viewer's host
    in X-Forwarded-Host, and the mark."""
    return {
        "HTTP_HOST": ORIGIN_HOST,
        "headers": {"X-Forwarded-Host": host, "X-Zonke-Edge": "1", **headers},
    }


def site_url(response: Any) -> str:
    assert response.status_code == 200, response.content[:300]
    return element_text(response, "site-url")


@pytest.mark.parametrize("host", [SITE_HOST, DISTRIBUTION, "SHOP.EXAMPLE"])
def test_the_app_and_zonke_hosts_are_served(client: Client, db: str, host: str) -> None:
    assert site_url(client.get("/", HTTP_HOST=host)) == f"http://{host}/"  # matched ignoring case


@pytest.mark.parametrize(
    "host",
    ["evil.example", "shop.example.evil.example", "cloudfront.net.evil.example", ORIGIN_HOST],
)
def test_other_hosts_are_refused(client: Client, db: str, host: str) -> None:
    assert client.get("/", HTTP_HOST=host).status_code == 400


def test_api_host_errors_are_json(client: Client, db: str) -> None:
    response = client.get("/api/items/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_marked_request_takes_the_viewers_host_and_https(client: Client, db: str) -> None:
    assert site_url(client.get("/", **via_edge(SITE_HOST))) == f"https://{SITE_HOST}/"
    assert site_url(client.get("/", **via_edge(DISTRIBUTION))) == f"https://{DISTRIBUTION}/"


def test_a_marked_request_keeps_the_edges_proto_and_first_host(client: Client, db: str) -> None:
    proxied = via_edge(f"{SITE_HOST}, evil.example", **{"X-Forwarded-Proto": "http"})
    assert site_url(client.get("/", **proxied)) == f"http://{SITE_HOST}/"


def test_a_marked_request_for_a_foreign_host_is_refused(client: Client, db: str) -> None:
    assert client.get("/", **via_edge("evil.example")).status_code == 400


@pytest.mark.parametrize("mark", [None, "", "0", "true", "1, 1"])
def test_without_the_mark_forwarded_headers_are_ignored(
    client: Client, db: str, mark: str | None
) -> None:
    forwarded = {"X-Forwarded-Host": SITE_HOST, "X-Forwarded-Proto": "https"}
    if mark is not None:
        forwarded["X-Zonke-Edge"] = mark
    # Reaching the origin by its own name, a forged forwarded host does not help ...
    assert client.get("/", HTTP_HOST=ORIGIN_HOST, headers=forwarded).status_code == 400
    # ... and on an allowed host, neither the forwarded host nor the scheme is taken.
    forged = {**forwarded, "X-Forwarded-Host": "evil.example"}
    assert site_url(client.get("/", HTTP_HOST=SITE_HOST, headers=forged)) == "http://shop.example/"


def test_the_internal_scheme_key_cannot_be_smuggled_in(client: Client, db: str) -> None:
    """The scheme reaches Django under a META key without HTTP_, which only the middleware sets."""
    response = client.get("/", HTTP_HOST=SITE_HOST, ZONKE_EDGE_SCHEME="https")
    assert site_url(response) == "http://shop.example/"
    assert "Strict-Transport-Security" not in response


def test_hsts_is_sent_on_https_only(client: Client, db: str) -> None:
    marked = client.get("/", **via_edge(SITE_HOST))
    assert marked["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/", HTTP_HOST=SITE_HOST)


def test_csrf_accepts_a_form_posted_to_the_host_that_served_it(client: Client, db: str) -> None:
    """Behind the edge the request is https, so Django checks Origin against the viewer's host:
    the distribution's own name passes without being a trusted origin."""
    edge = via_edge(DISTRIBUTION)
    token = csrf_token(client.get("/items/new/", **edge))
    origin = {"Origin": f"https://{DISTRIBUTION}", "Referer": f"https://{DISTRIBUTION}/items/new/"}
    fields = {"name": "via the edge", "price": "1.00", "csrfmiddlewaretoken": token}
    response = client.post("/items/new/", fields, **via_edge(DISTRIBUTION, **origin))
    assert response.status_code == 302, response.content[:500]
    assert Item.objects.filter(name="via the edge").exists()


def test_csrf_refuses_a_form_posted_from_another_distribution(client: Client, db: str) -> None:
    token = csrf_token(client.get("/items/new/", **via_edge(DISTRIBUTION)))
    other = "https://dother999.cloudfront.net"
    origin = {"Origin": other, "Referer": f"{other}/"}
    fields = {"name": "cross-site", "price": "1.00", "csrfmiddlewaretoken": token}
    response = client.post("/items/new/", fields, **via_edge(DISTRIBUTION, **origin))
    assert response.status_code == 403
    assert not Item.objects.exists()


def test_healthz_answers_any_host(client: Client) -> None:
    """Load balancers probe with the target's IP as Host."""
    response = client.get("/healthz", HTTP_HOST="10.0.12.34:8000")
    assert response.status_code == 200 and response.content == b"ok\n"
