"""Reading payload 2.0 events: what is accepted as it is, what is refused with a 400."""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest

from support.events import http_event
from zonke_runtime.wsgi_adapter import serve_http_event
from zonke_runtime.wsgi_adapter.event import BadRequestError, read_http_event


def _app_never_called(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise AssertionError("a malformed event reached the application")


def _with(change: Any) -> dict[str, Any]:
    event = http_event("POST", "/echo", body="hi")
    change(event)
    return event


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(event: dict[str, Any]) -> None:
        target = event
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _delete(path: tuple[str, ...]) -> Any:
    def change(event: dict[str, Any]) -> None:
        target = event
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


MALFORMED: list[tuple[str, Any, str]] = [
    ("a list", [1, 2], "the event is an array, not an object"),
    ("a string", "GET /", "the event is a str, not an object"),
    ("null", None, "the event is null, not an object"),
    ("a number", 42, "the event is a int, not an object"),
    ("an empty object", {}, "not a payload 2.0 event"),
    ("payload 1.0", _with(_set(("version",), "1.0")), "not a payload 2.0 event"),
    ("no requestContext", _with(_delete(("requestContext",))), "no requestContext.http"),
    ("requestContext.http a string", _with(_set(("requestContext", "http"), "GET")), "no requestContext.http"),
    ("no method", _with(_delete(("requestContext", "http", "method"))), "method is missing"),
    ("a method with a space", _with(_set(("requestContext", "http", "method"), "GE T")), "not an HTTP method"),
    ("a method that is a number", _with(_set(("requestContext", "http", "method"), 7)), "not an HTTP method"),
    ("no rawPath", _with(_delete(("rawPath",))), "rawPath is missing"),
    ("a relative rawPath", _with(_set(("rawPath",), "echo")), "does not start with /"),
    ("rawQueryString a list", _with(_set(("rawQueryString",), ["a=1"])), "rawQueryString is not a string"),
    ("headers a list", _with(_set(("headers",), [["host", "x"]])), "headers is not an object"),
    ("a header value that is a number", _with(_set(("headers", "x-count"), 3)), "header x-count has a value"),
    ("a header value with CR LF", _with(_set(("headers", "x-note"), "a\r\nx-injected: 1")), "header x-note has a value"),
    ("a header value with NUL", _with(_set(("headers", "x-note"), "a\x00b")), "header x-note has a value"),
    ("a header name with a space", _with(_set(("headers", "bad name"), "1")), "header name is not a valid"),
    ("cookies an object", _with(_set(("cookies",), {"a": "1"})), "cookies is not an array"),
    ("a cookie that is a number", _with(_set(("cookies",), ["a=1", 2])), "cookies holds a value"),
    ("body a number", _with(_set(("body",), 12)), "body is not a string"),
    ("isBase64Encoded a string", _with(_set(("isBase64Encoded",), "true")), "isBase64Encoded is not a boolean"),
    ("bad base64", _with(lambda e: e.update(body="not base64!", isBase64Encoded=True)), "not valid base64"),
    ("base64 with bad padding", _with(lambda e: e.update(body="aGk", isBase64Encoded=True)), "not valid base64"),
    ("base64 with non-ASCII", _with(lambda e: e.update(body="aGk=é", isBase64Encoded=True)), "not valid base64"),
]


@pytest.mark.parametrize(("case", "event", "message"), MALFORMED, ids=[case for case, _, _ in MALFORMED])
def test_malformed_events_are_answered_400_without_reaching_the_app(case: str, event: Any, message: str) -> None:
    result = serve_http_event(_app_never_called, copy.deepcopy(event))
    assert result["statusCode"] == 400
    assert result["headers"]["content-type"] == "text/plain; charset=utf-8"
    assert result["headers"]["cache-control"] == "no-store"
    assert result["body"].startswith("Bad Request: ")
    assert message in result["body"]
    assert "Traceback" not in result["body"]


def test_the_400_never_echoes_the_event() -> None:
    event = _with(_set(("headers", "authorization"), "Bearer secret-token\n"))
    result = serve_http_event(_app_never_called, event)
    assert result["statusCode"] == 400
    assert "secret-token" not in result["body"]


def test_a_valid_event_is_read_as_it_is() -> None:
    event = http_event("PUT", "/a%20b/c", "x=1&x=2", cookies=["a=1", "b=2"], body=b"\x00\xffbin")
    event["headers"]["X-Mixed-Case"] = "v"
    request = read_http_event(event)
    assert request.method == "PUT"
    assert request.raw_path == "/a%20b/c"
    assert request.raw_query == "x=1&x=2"
    assert request.body == b"\x00\xffbin"
    assert request.cookies == ["a=1", "b=2"]
    assert request.headers["x-mixed-case"] == "v"
    assert request.source_ip == "130.176.1.10"
    assert request.protocol == "HTTP/1.1"


def test_absent_optional_fields_mean_empty() -> None:
    event = http_event("GET", "/")
    for key in ("rawQueryString", "headers", "cookies", "body", "isBase64Encoded"):
        event.pop(key, None)
    del event["requestContext"]["http"]["sourceIp"]
    request = read_http_event(event)
    assert (request.raw_query, request.headers, request.cookies, request.body) == ("", {}, [], b"")
    assert request.source_ip == ""


def test_a_text_body_is_utf8_and_a_base64_body_is_decoded() -> None:
    assert read_http_event(http_event("POST", "/", body="héllo", base64_body=False)).body == "héllo".encode()
    encoded = base64.b64encode(bytes(range(256))).decode()
    event = http_event("POST", "/")
    event.update(body=encoded, isBase64Encoded=True)
    assert read_http_event(event).body == bytes(range(256))


def test_two_spellings_of_one_header_are_one_list() -> None:
    event = http_event("GET", "/", headers={"accept": "text/html"})
    event["headers"]["Accept"] = "application/json"
    assert read_http_event(event).headers["accept"] == "text/html, application/json"


def test_bad_request_error_is_what_read_raises() -> None:
    with pytest.raises(BadRequestError):
        read_http_event({"version": "2.0"})


# The headers and cookies of a usual event are checked all at once; these sweep single characters
# through that check and through the header-by-header one (an upper-case name forces it), so the
# two cannot disagree.
_ALLOWED_IN_VALUES = [chr(c) for c in range(0x20, 0x7F)] + ["\t", "\x80", "\x85", "\xa0", "é", "\u2028", "✓", "\ud800"]
_REFUSED_IN_VALUES = [chr(c) for c in [*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F]]
_TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@pytest.mark.parametrize("name", ["x-probe", "X-Probe"], ids=["as-lambda-sends-them", "one-by-one"])
def test_header_values_hold_anything_but_control_characters(name: str) -> None:
    for character in _ALLOWED_IN_VALUES:
        request = read_http_event(http_event("GET", "/", headers={name: f"a{character}b"}))
        assert request.headers["x-probe"] == f"a{character}b", repr(character)
    for character in _REFUSED_IN_VALUES:
        with pytest.raises(BadRequestError, match="header x-probe has a value that is not valid"):
            read_http_event(http_event("GET", "/", headers={name: f"a{character}b"}))


@pytest.mark.parametrize(("prefix", "suffix"), [("x-", "-y"), ("X-", "-Y")], ids=["as-lambda-sends-them", "one-by-one"])
def test_header_names_are_http_tokens(prefix: str, suffix: str) -> None:
    for code in range(0x00, 0x100):
        character = chr(code)
        event = http_event("GET", "/", headers={f"{prefix}{character}{suffix}": "1"})
        if character in _TOKEN_CHARACTERS:
            assert read_http_event(event).headers[f"x-{character.lower()}-y"] == "1", repr(character)
        else:
            with pytest.raises(BadRequestError, match="a header name is not a valid HTTP token"):
                read_http_event(event)


@pytest.mark.parametrize("name", ["", "x-a\nx-b", "x-a\n", "\n", "x-é", 7])
def test_header_names_that_are_not_tokens_are_refused_even_among_valid_ones(name: Any) -> None:
    event = http_event("GET", "/")
    event["headers"][name] = "1"
    with pytest.raises(BadRequestError, match="a header name is not a valid HTTP token"):
        read_http_event(event)


def test_cookies_hold_anything_but_control_characters() -> None:
    for character in _ALLOWED_IN_VALUES:
        request = read_http_event(http_event("GET", "/", cookies=["a=1", f"b={character}"]))
        assert request.cookies == ["a=1", f"b={character}"], repr(character)
    for character in _REFUSED_IN_VALUES:
        with pytest.raises(BadRequestError, match="cookies holds a value that is not a valid cookie"):
            read_http_event(http_event("GET", "/", cookies=["a=1", f"b={character}"]))


@pytest.mark.parametrize("method", ["GET", "M-SEARCH", "PROPFIND", "get"])
def test_any_token_is_a_method(method: str) -> None:
    assert read_http_event(http_event(method, "/")).method == method


@pytest.mark.parametrize(
    ("protocol", "read_as"),
    [("HTTP/1.1", "HTTP/1.1"), ("HTTP/2.0", "HTTP/2.0"), ("HTTP/3", "HTTP/3"), ("HTTP/1.2", "HTTP/1.2"),
     ("SPDY/3", "HTTP/1.1"), ("", "HTTP/1.1"), (None, "HTTP/1.1"), (["HTTP/2.0"], "HTTP/1.1")],
)  # fmt: skip
def test_the_protocol_is_informational(protocol: Any, read_as: str) -> None:
    event = http_event("GET", "/")
    event["requestContext"]["http"]["protocol"] = protocol
    assert read_http_event(event).protocol == read_as
