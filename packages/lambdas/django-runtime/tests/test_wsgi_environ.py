"""The WSGI environ an event becomes, and the header policy on the way (PEP 3333)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from support.events import CLOUDFRONT_IP, FUNCTION_URL_HOST, http_event
from zonke_runtime.wsgi_adapter.environ import parse_base_path, server_name_and_port, wsgi_environ
from zonke_runtime.wsgi_adapter.event import read_http_event
from zonke_runtime.wsgi_adapter.headers import request_headers


def environ_for(event: dict[str, Any], base_path: str = "") -> dict[str, Any]:
    request = read_http_event(event)
    return wsgi_environ(request, request_headers(request), context="ctx", base_path=base_path)


def test_the_basic_keys_of_pep_3333() -> None:
    environ = environ_for(http_event("POST", "/api/items/", "a=1", body=b"{}", headers={"content-type": "application/json"}))
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["PATH_INFO"] == "/api/items/"
    assert environ["QUERY_STRING"] == "a=1"
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["CONTENT_LENGTH"] == "2"
    assert "HTTP_CONTENT_TYPE" not in environ and "HTTP_CONTENT_LENGTH" not in environ
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert environ["REMOTE_ADDR"] == CLOUDFRONT_IP
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["wsgi.version"] == (1, 0)
    assert environ["wsgi.input"].read() == b"{}"
    assert environ["wsgi.errors"] is sys.stderr
    assert environ["wsgi.multithread"] is False and environ["wsgi.run_once"] is False
    assert environ["zonke.lambda_context"] == "ctx"


def test_content_length_is_the_body_length_not_the_header() -> None:
    environ = environ_for(http_event("POST", "/", body=b"abc", headers={"content-length": "999"}))
    assert environ["CONTENT_LENGTH"] == "3"


@pytest.mark.parametrize(
    "query",
    ["a=1&a=2&b=3", "q=caf%C3%A9+au+lait", "x=%2B%26%3D&y=a+b", "flag&empty=&=v", "z=%", "utm=a%20b;c=d"],
)
def test_the_query_string_is_kept_exactly(query: str) -> None:
    assert environ_for(http_event("GET", "/", query))["QUERY_STRING"] == query


def test_a_non_ascii_query_becomes_its_utf8_bytes_as_latin1() -> None:
    environ = environ_for(http_event("GET", "/", "name=café"))
    assert environ["QUERY_STRING"].encode("latin-1").decode("utf-8") == "name=café"


@pytest.mark.parametrize(
    ("raw_path", "path_info"),
    [
        ("/plain/path", "/plain/path"),
        ("/caf%C3%A9", "/café"),
        ("/café", "/café"),  # HTTP APIs deliver rawPath decoded
        ("/a%2Fb", "/a/b"),
        ("/100%25", "/100%"),
    ],
)
def test_path_info_is_the_decoded_path_as_wsgi_bytes(raw_path: str, path_info: str) -> None:
    environ = environ_for(http_event("GET", raw_path))
    assert environ["PATH_INFO"].encode("latin-1").decode("utf-8") == path_info


def test_a_named_stage_on_the_api_endpoint_becomes_script_name() -> None:
    event = http_event("GET", "/prod/api/items/", stage="prod", domain_name="abc123.execute-api.eu-west-1.amazonaws.com")
    environ = environ_for(event)
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/prod", "/api/items/")
    bare = environ_for(http_event("GET", "/prod", stage="prod", domain_name="abc123.execute-api.eu-west-1.amazonaws.com"))
    assert (bare["SCRIPT_NAME"], bare["PATH_INFO"]) == ("/prod", "")


@pytest.mark.parametrize(
    ("path", "stage", "domain"),
    [
        ("/api/items/", "$default", FUNCTION_URL_HOST),  # Function URLs
        ("/prod/api/items/", "prod", "api.shop.example"),  # custom domain: its mapping strips the stage
        ("/production/x", "prod", "abc123.execute-api.eu-west-1.amazonaws.com"),  # not a whole segment
    ],
)
def test_no_script_name_otherwise(path: str, stage: str, domain: str) -> None:
    environ = environ_for(http_event("GET", path, stage=stage, domain_name=domain))
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("", path)


@pytest.mark.parametrize(
    ("path", "script_name", "path_info"),
    [
        ("/shop/api/items/", "/shop", "/api/items/"),
        ("/shop", "/shop", ""),
        ("/shopping/x", "", "/shopping/x"),  # only whole segments
        ("/other/x", "", "/other/x"),
    ],
)
def test_a_configured_base_path_becomes_script_name(path: str, script_name: str, path_info: str) -> None:
    environ = environ_for(http_event("GET", path, domain_name="api.shop.example"), base_path="/shop")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == (script_name, path_info)


def test_a_base_path_follows_a_stage_prefix() -> None:
    event = http_event("GET", "/prod/shop/x", stage="prod", domain_name="abc123.execute-api.eu-west-1.amazonaws.com")
    environ = environ_for(event, base_path="/shop")
    assert (environ["SCRIPT_NAME"], environ["PATH_INFO"]) == ("/prod/shop", "/x")


@pytest.mark.parametrize(
    ("text", "base_path"),
    [("", ""), ("  ", ""), ("/", ""), ("/api", "/api"), ("api/", "/api"), (" /shop/v1/ ", "/shop/v1"), ("/a.b~c", "/a.b~c")],
)
def test_base_paths_are_normalised(text: str, base_path: str) -> None:
    assert parse_base_path(text) == base_path


@pytest.mark.parametrize("text", ["/a b", "/api?x=1", "/a//b", "/caf%C3%A9", "/a#b", "/é"])
def test_a_base_path_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a base path; give path segments such as /api"):
        parse_base_path(text)


def test_headers_map_to_http_keys() -> None:
    environ = environ_for(http_event("GET", "/", headers={"accept-language": "en", "x-request-id": "r1"}))
    assert environ["HTTP_ACCEPT_LANGUAGE"] == "en"
    assert environ["HTTP_X_REQUEST_ID"] == "r1"


def test_headers_with_underscores_are_dropped_so_none_can_pose_as_another() -> None:
    environ = environ_for(
        http_event("GET", "/", headers={"x-forwarded_host": "evil.example", "x_api_key": "forged", "x-api-key": "real"})
    )
    assert environ["HTTP_X_FORWARDED_HOST"] == "shop.example"
    assert environ["HTTP_X_API_KEY"] == "real"


def test_the_edge_mark_lets_the_forwarded_host_through_and_makes_it_the_host() -> None:
    environ = environ_for(http_event("GET", "/", headers={"x-zonke-route": "web"}))
    assert environ["HTTP_X_ZONKE_EDGE"] == "1"
    assert environ["HTTP_X_ZONKE_ROUTE"] == "web"
    assert environ["HTTP_X_FORWARDED_HOST"] == "shop.example"
    assert environ["HTTP_HOST"] == "shop.example"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("shop.example", "443")


@pytest.mark.parametrize("mark", [None, "0", "true", "1, 1"])
def test_without_the_edge_mark_forwarded_host_and_zonke_headers_are_dropped(mark: str | None) -> None:
    headers = {"x-forwarded-host": "evil.example", "x-zonke-route": "forged"}
    if mark is not None:
        headers["x-zonke-edge"] = mark
    environ = environ_for(http_event("GET", "/", headers=headers, edge=False))
    assert "HTTP_X_FORWARDED_HOST" not in environ
    assert not [key for key in environ if key.startswith("HTTP_X_ZONKE_")]
    assert environ["HTTP_HOST"] == FUNCTION_URL_HOST


def test_forwarded_for_keeps_the_edge_chain_and_ends_with_the_peer() -> None:
    marked = environ_for(http_event("GET", "/", headers={"x-forwarded-for": "203.0.113.7"}))
    assert marked["HTTP_X_FORWARDED_FOR"] == f"203.0.113.7, {CLOUDFRONT_IP}"
    unmarked = environ_for(http_event("GET", "/", headers={"x-forwarded-for": "1.2.3.4"}, edge=False))
    assert unmarked["HTTP_X_FORWARDED_FOR"] == CLOUDFRONT_IP
    assert marked["HTTP_X_FORWARDED_PROTO"] == "https" and marked["HTTP_X_FORWARDED_PORT"] == "443"


def test_hop_by_hop_and_proxy_headers_are_dropped() -> None:
    environ = environ_for(
        http_event("GET", "/", headers={"connection": "close", "transfer-encoding": "chunked", "proxy": "http://evil:3128", "expect": "100-continue"})
    )
    for key in ("HTTP_CONNECTION", "HTTP_TRANSFER_ENCODING", "HTTP_PROXY", "HTTP_EXPECT"):
        assert key not in environ


def test_event_cookies_join_the_cookie_header() -> None:
    environ = environ_for(http_event("GET", "/", cookies=["a=1", "b=two words"], headers={"cookie": "c=3"}))
    assert environ["HTTP_COOKIE"] == "c=3; a=1; b=two words"


def test_header_values_beyond_ascii_are_their_utf8_bytes() -> None:
    environ = environ_for(http_event("GET", "/", headers={"x-name": "Zoë"}))
    assert environ["HTTP_X_NAME"] == "Zoë".encode().decode("latin-1")


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("shop.example", ("shop.example", "443")),
        ("shop.example:8443", ("shop.example", "8443")),
        ("[2001:db8::1]:8443", ("[2001:db8::1]", "8443")),
        ("[2001:db8::1]", ("[2001:db8::1]", "443")),
        ("", ("localhost", "443")),
    ],
)
def test_server_name_and_port_come_from_the_host(host: str, expected: tuple[str, str]) -> None:
    assert server_name_and_port(host) == expected


def test_without_any_host_header_the_function_url_domain_is_the_host() -> None:
    event = http_event("GET", "/", edge=False)
    del event["headers"]["host"]
    assert environ_for(event)["HTTP_HOST"] == FUNCTION_URL_HOST


def test_any_number_of_distinct_header_names_map_right_and_the_name_table_stays_bounded() -> None:
    from zonke_runtime.wsgi_adapter import environ as environ_module

    for batch in range(8):  # 800 names: more than the table keeps
        headers = {f"x-custom-{batch}-{i}": f"v{i}" for i in range(100)}
        environ = environ_for(http_event("GET", "/", headers=headers))
        for name, value in headers.items():
            assert environ["HTTP_" + name.upper().replace("-", "_")] == value
    assert len(environ_module._ENVIRON_KEYS) <= environ_module._MAX_ENVIRON_KEYS
    assert environ_for(http_event("GET", "/", headers={"content-type": "text/plain"}))["CONTENT_TYPE"] == "text/plain"
