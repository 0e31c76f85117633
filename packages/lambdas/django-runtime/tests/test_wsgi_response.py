"""Collecting a WSGI application's response into Lambda's v2 result, with plain WSGI apps."""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from support.events import http_event
from zonke_runtime.wsgi_adapter import serve_http_event
from zonke_runtime.wsgi_adapter.body_encoding import is_text_content


def app_returning(status: str, headers: list[tuple[str, str]], chunks: list[bytes]) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, headers)
        return chunks

    return app


class ClosingIterable:
    def __init__(self, chunks: list[bytes], fail_at: int | None = None) -> None:
        self.chunks = chunks
        self.fail_at = fail_at
        self.closed = False
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index == self.fail_at:
                raise RuntimeError("failed while streaming")
            self.read += 1
            yield chunk

    def close(self) -> None:
        self.closed = True


def test_every_set_cookie_stays_separate_and_names_are_lower_case() -> None:
    app = app_returning(
        "200 OK",
        [
            ("Content-Type", "text/plain"),
            ("Set-Cookie", "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/"),
            ("set-cookie", "b=2, 3; Path=/"),
            ("Vary", "Accept"),
            ("Vary", "Cookie"),
            ("Content-Length", "2"),
            ("Connection", "close"),
        ],
        [b"ok"],
    )
    result = serve_http_event(app, http_event())
    assert result["cookies"] == ["a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/", "b=2, 3; Path=/"]
    assert result["headers"] == {"content-type": "text/plain", "vary": "Accept, Cookie"}
    assert (result["statusCode"], result["body"], result["isBase64Encoded"]) == (200, "ok", False)


@pytest.mark.parametrize(
    ("content_type", "encoding", "text"),
    [
        ("text/html; charset=utf-8", None, True),
        ("application/json", None, True),
        ("application/problem+json", None, True),
        ("image/svg+xml", None, True),
        ("application/x-www-form-urlencoded", None, True),
        ('text/plain; charset="UTF-8"', None, True),
        ("text/plain; charset=iso-8859-1", None, False),
        ("text/html", "gzip", False),
        ("text/html", "identity", True),
        ("image/png", None, False),
        ("application/octet-stream", None, False),
        ("application/pdf", None, False),
        (None, None, False),
    ],
)
def test_text_only_for_text_types_in_utf8_without_content_encoding(content_type: str | None, encoding: str | None, text: bool) -> None:
    assert is_text_content(content_type, encoding) is text


def test_binary_bodies_are_base64_both_ways() -> None:
    payload = bytes(range(256))

    def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [environ["wsgi.input"].read()]

    result = serve_http_event(echo, http_event("POST", "/", body=payload))
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == payload


def test_a_text_type_whose_bytes_are_not_utf8_goes_as_base64() -> None:
    result = serve_http_event(app_returning("200 OK", [("Content-Type", "text/plain")], [b"\xff\xfe"]), http_event())
    assert result["isBase64Encoded"] is True and base64.b64decode(result["body"]) == b"\xff\xfe"


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 204), ("GET", 304)])
def test_head_204_and_304_answers_have_no_body(method: str, status: int) -> None:
    iterable = ClosingIterable([b"body that must not be sent"])

    def app(environ: dict[str, Any], start_response: Any) -> ClosingIterable:
        start_response(f"{status} Whatever", [("Content-Type", "text/plain"), ("ETag", '"1"')])
        return iterable

    result = serve_http_event(app, http_event(method, "/"))
    assert (result["statusCode"], result["body"], result["isBase64Encoded"]) == (status, "", False)
    assert result["headers"]["etag"] == '"1"'
    assert iterable.closed


def test_streamed_chunks_and_write_calls_are_collected_in_order() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> ClosingIterable:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return ClosingIterable([b"one ", b"", b"two"])

    assert serve_http_event(app, http_event())["body"] == "written one two"


def test_start_response_again_with_exc_info_replaces_the_answer() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("late failure")
        except ValueError:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"sorry"]

    result = serve_http_event(app, http_event())
    assert (result["statusCode"], result["body"]) == (503, "sorry")


def _error_logs(stderr: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(
    "app",
    [
        pytest.param(lambda environ, start_response: (_ for _ in ()).throw(RuntimeError("app exploded")), id="raises"),
        pytest.param(lambda environ, start_response: [b"no start_response"], id="no-start-response"),
        pytest.param(app_returning("OK", [], [b"x"]), id="bad-status"),
    ],
)
def test_an_application_failure_is_a_generic_500_and_one_log_line(app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    context = type("Context", (), {"aws_request_id": "req-1"})()
    result = serve_http_event(app, http_event(), context)
    assert result["statusCode"] == 500
    assert result["body"] == "Internal Server Error"
    logs = _error_logs(capsys.readouterr().err)
    assert len(logs) == 1
    assert logs[0]["level"] == "error" and logs[0]["requestId"] == "req-1"
    assert logs[0]["errorType"] in ("RuntimeError", "ApplicationError")


def test_an_exception_while_streaming_closes_the_iterable_and_answers_500(capsys: pytest.CaptureFixture[str]) -> None:
    iterable = ClosingIterable([b"a", b"b", b"c"], fail_at=1)

    def app(environ: dict[str, Any], start_response: Any) -> ClosingIterable:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iterable

    result = serve_http_event(app, http_event())
    assert result["statusCode"] == 500 and iterable.closed
    assert _error_logs(capsys.readouterr().err)[0]["errorMessage"] == "failed while streaming"


def test_a_stream_too_large_for_lambda_stops_being_read_and_answers_500(capsys: pytest.CaptureFixture[str]) -> None:
    iterable = ClosingIterable([b"x" * 1000] * 100)

    def app(environ: dict[str, Any], start_response: Any) -> ClosingIterable:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return iterable

    result = serve_http_event(app, http_event(), max_result_bytes=10_000)
    assert (result["statusCode"], result["body"]) == (500, "Internal Server Error")
    assert iterable.read == 11 and iterable.closed
    [log] = _error_logs(capsys.readouterr().err)
    assert log["message"] == "response too large for Lambda's buffered mode"
    assert log["limit"] == 10_000 and log["bytes"] > 10_000


def test_the_limit_counts_the_json_answer_not_just_the_body(capsys: pytest.CaptureFixture[str]) -> None:
    # 7,000 bytes of binary become 9,336 characters of base64: over a 9,000-byte limit.
    app = app_returning("200 OK", [("Content-Type", "image/png")], [b"\x89" * 7000])
    assert serve_http_event(app, http_event(), max_result_bytes=9000)["statusCode"] == 500
    assert serve_http_event(app, http_event(), max_result_bytes=10_000)["statusCode"] == 200
    capsys.readouterr()


def test_json_escapes_count_too(capsys: pytest.CaptureFixture[str]) -> None:
    text = "é" * 1000  # 2,000 bytes of UTF-8, 6,000 characters of JSON escapes
    app = app_returning("200 OK", [("Content-Type", "text/plain; charset=utf-8")], [text.encode()])
    assert serve_http_event(app, http_event(), max_result_bytes=5000)["statusCode"] == 500
    ok = serve_http_event(app, http_event(), max_result_bytes=7000)
    assert ok["statusCode"] == 200 and ok["body"] == text
    capsys.readouterr()


def test_headers_and_cookies_count_toward_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    big_header = app_returning("200 OK", [("Content-Type", "text/plain"), ("X-Big", "v" * 9000)], [b"ok"])
    assert serve_http_event(big_header, http_event(), max_result_bytes=9000)["statusCode"] == 500
    assert serve_http_event(big_header, http_event(), max_result_bytes=10_000)["statusCode"] == 200
    cookies = [("Set-Cookie", f"c{i}={'v' * 100}") for i in range(100)]
    many_cookies = app_returning("200 OK", [("Content-Type", "text/plain"), *cookies], [b"ok"])
    assert serve_http_event(many_cookies, http_event(), max_result_bytes=10_000)["statusCode"] == 500
    assert serve_http_event(many_cookies, http_event(), max_result_bytes=11_000)["statusCode"] == 200
    capsys.readouterr()


def test_the_body_encoding_follows_each_response_s_own_headers() -> None:
    """Decisions are remembered per Content-Type and Content-Encoding pair, never across pairs."""
    html = [b"<p>hi</p>"]
    answers = [
        serve_http_event(app_returning("200 OK", headers, html), http_event())
        for headers in (
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            [("Content-Type", "text/html; charset=utf-8")],
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
            [("Content-Type", "text/html; charset=latin-1")],
            [("Content-Type", "text/html; charset=utf-8")],
        )
    ]
    assert [answer["isBase64Encoded"] for answer in answers] == [True, False, True, True, False]
