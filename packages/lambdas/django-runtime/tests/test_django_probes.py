"""What Django sees and what it answers, through the tiny project's probe views."""

from __future__ import annotations

import base64
import json

import pytest

from support.events import FUNCTION_URL_HOST, VIEWER_HOST, body_bytes, body_json, http_event
from support.lambda_instance import LambdaInstance

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_several_set_cookie_headers_arrive_as_separate_cookies(tiny: LambdaInstance) -> None:
    result = tiny.invoke(http_event("GET", "/probe/cookies"))
    assert len(result["cookies"]) == 3
    first, second, third = result["cookies"]
    assert first.startswith("first=1;") and "Max-Age=3600" in first
    assert second.startswith('second="2\\054 with a comma";') and "expires=Wed, 21 Oct 2037 07:28:00 GMT" in second
    assert third.startswith("third=3;") and "HttpOnly" in third and "Secure" in third
    assert "set-cookie" not in result["headers"]


def test_a_file_response_is_binary_base64(tiny: LambdaInstance) -> None:
    result = tiny.invoke(http_event("GET", "/probe/image"))
    assert result["statusCode"] == 200 and result["isBase64Encoded"] is True
    assert result["headers"]["content-type"] == "image/png"
    assert 'filename="pixel.png"' in result["headers"]["content-disposition"]
    assert base64.b64decode(result["body"]).startswith(PNG_SIGNATURE)


def test_head_of_a_binary_response_keeps_its_headers_without_a_body(tiny: LambdaInstance) -> None:
    result = tiny.invoke(http_event("HEAD", "/probe/image"))
    assert (result["statusCode"], result["body"], result["isBase64Encoded"]) == (200, "", False)
    assert result["headers"]["content-type"] == "image/png"


def test_a_streaming_response_is_collected(tiny: LambdaInstance) -> None:
    result = tiny.invoke(http_event("GET", "/probe/stream", "parts=4"))
    assert result["body"] == "part 0\npart 1\npart 2\npart 3\n"
    assert result["isBase64Encoded"] is False


def test_a_binary_request_body_reaches_django_intact(tiny: LambdaInstance) -> None:
    payload = bytes(range(256)) * 4
    result = tiny.invoke(http_event("POST", "/probe/echo", body=payload, headers={"content-type": "application/octet-stream"}))
    echoed = body_json(result)
    assert echoed["length"] == 1024 and echoed["hex"] == payload[:64].hex()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a=1&a=2&b=3", {"a": ["1", "2"], "b": ["3"]}),
        ("q=caf%C3%A9+au+lait", {"q": ["café au lait"]}),
        ("plus=%2B&space=a+b&amp=%26&eq=%3D", {"plus": ["+"], "space": ["a b"], "amp": ["&"], "eq": ["="]}),
        ("empty=&flag", {"empty": [""], "flag": [""]}),
        ("name=Zo%C3%AB&name=%E2%9C%93", {"name": ["Zoë", "✓"]}),
        ("a=1&a=2&b=%20x+y&c=%E2%9C%93", {"a": ["1", "2"], "b": [" x y"], "c": ["✓"]}),
    ],
)
def test_query_strings_decode_in_django_as_sent(tiny: LambdaInstance, query: str, expected: dict[str, list[str]]) -> None:
    seen = body_json(tiny.invoke(http_event("GET", "/probe/environ", query)))
    assert seen["get"] == expected
    assert seen["meta"]["QUERY_STRING"] == query


def test_django_sees_the_viewer_host_https_and_the_peer(tiny: LambdaInstance) -> None:
    seen = body_json(tiny.invoke(http_event("GET", "/probe/environ", cookies=["a=1", "b=2"])))
    assert seen["host"] == VIEWER_HOST
    assert seen["secure"] is True
    assert seen["absolute"] == f"https://{VIEWER_HOST}/probe/environ"
    assert seen["cookies"] == {"a": "1", "b": "2"}
    assert seen["meta"]["REMOTE_ADDR"] == "130.176.1.10"


def test_without_the_edge_mark_a_forged_forwarded_host_never_reaches_django(tiny: LambdaInstance) -> None:
    event = http_event("GET", "/probe/environ", edge=False, headers={"x-forwarded-host": "evil.example", "x-forwarded_host": "evil.example"})
    seen = body_json(tiny.invoke(event))
    assert seen["host"] == FUNCTION_URL_HOST
    assert "HTTP_X_FORWARDED_HOST" not in seen["meta"]


def test_a_percent_encoded_path_is_decoded_for_django(tiny: LambdaInstance) -> None:
    # /probe/environ has no such path: Django's 404 proves routing saw the decoded form.
    assert tiny.invoke(http_event("GET", "/probe/%65nviron"))["statusCode"] == 200


def test_a_stage_prefix_is_script_name_in_urls(tiny: LambdaInstance) -> None:
    event = http_event("GET", "/prod/probe/reverse", stage="prod", domain_name="abc123.execute-api.eu-west-1.amazonaws.com", edge=False)
    event["headers"]["host"] = "abc123.execute-api.eu-west-1.amazonaws.com"
    assert body_json(tiny.invoke(event)) == {"url": "/prod/api/items/", "script": "/prod"}


def test_a_view_exception_is_djangos_own_500_not_the_adapters(tiny: LambdaInstance) -> None:
    tiny.new_log()
    result = tiny.invoke(http_event("GET", "/probe/boom"))
    assert result["statusCode"] == 500
    assert "boom from a view" not in result["body"]  # DEBUG is off
    assert "text/html" in result["headers"]["content-type"]  # Django's page, not our plain text
    assert not [line for line in tiny.json_log_lines() if line.get("level") == "error"]


@pytest.mark.parametrize("kind", ["text", "binary", "stream"])
def test_a_response_over_6_mb_is_a_logged_500(tiny: LambdaInstance, kind: str) -> None:
    tiny.new_log()
    result = tiny.invoke(http_event("GET", "/probe/large", f"bytes={7 * 1024 * 1024}&kind={kind}"))
    assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
    logs = [line for line in tiny.json_log_lines() if line.get("message", "").startswith("response too large")]
    assert len(logs) == 1 and logs[0]["limit"] == 6 * 1024 * 1024


def test_a_response_just_under_the_limit_goes_through(tiny: LambdaInstance) -> None:
    result = tiny.invoke(http_event("GET", "/probe/large", f"bytes={4 * 1024 * 1024}&kind=binary"))
    assert result["statusCode"] == 200 and len(body_bytes(result)) == 4 * 1024 * 1024
    assert len(json.dumps(result)) <= 6 * 1024 * 1024
