"""The correctness table in README.md, measured: the same payload 2.0 events through
zonke_runtime's adapter and its peers, each with its default options, in front of the tiny test
project (tests/support/tinyproject) in this process. Run by ``scripts/compare-adapters``.

- apig-wsgi and Mangum come with the repository's .venv (requirements-dev.txt). Mangum runs in
  front of Django's ASGI handler; the others in front of its WSGI handler.
- serverless-wsgi and Zappa are not in the .venv. Install them into a folder of their own and
  name it with ``--peers DIR``:
  ``.venv/bin/pip install --no-deps --target DIR serverless-wsgi==3.1.0 zappa==0.63.0``.
  Zappa runs through its ``LambdaHandler`` with a settings module made here (binary support on,
  its default); ``durationpy``, which Zappa imports for schedule strings only, is stubbed.

An adapter that is not installed is reported as such. Prints one line per behaviour and adapter;
exits 1 if zonke_runtime fails any.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent.parent
TESTS_DIR = PACKAGE_DIR / "tests"
TINY_DIR = TESTS_DIR / "support" / "tinyproject"
QUERY = "a=1&a=2&b=%20x+y&c=%E2%9C%93"
API_HOST = "abc123.execute-api.eu-west-1.amazonaws.com"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Adapter = Callable[[Any], Any]


def setup_django(workdir: Path) -> tuple[Any, Any]:
    import os

    sys.path[:0] = [str(TINY_DIR), str(PACKAGE_DIR), str(TESTS_DIR)]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tinysite.settings",
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        STATIC_ROOT=str(workdir / "static"),
    )
    import django
    from django.core.asgi import get_asgi_application
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    return get_wsgi_application(), get_asgi_application()


def adapters(wsgi: Any, asgi: Any) -> dict[str, Adapter | str]:
    """Each adapter as ``event -> result``, or why it cannot run."""
    found: dict[str, Adapter | str] = {}

    from zonke_runtime.wsgi_adapter import serve_http_event

    found["zonke_runtime"] = lambda event: serve_http_event(wsgi, event, None)

    try:
        import apig_wsgi

        apig = apig_wsgi.make_lambda_handler(wsgi)
        found["apig-wsgi"] = lambda event: apig(event, None)
    except ImportError:
        found["apig-wsgi"] = "not installed"

    try:
        from mangum import Mangum

        mangum = Mangum(asgi, lifespan="off")
        found["Mangum"] = lambda event: mangum(event, types.SimpleNamespace())
    except ImportError:
        found["Mangum"] = "not installed"

    try:
        import serverless_wsgi

        found["serverless-wsgi"] = lambda event: serverless_wsgi.handle_request(wsgi, event, None)
    except ImportError:
        found["serverless-wsgi"] = "not installed (--peers DIR)"

    try:
        sys.modules.setdefault("durationpy", types.ModuleType("durationpy"))
        settings = types.ModuleType("zonke_compare_zappa_settings")
        settings.__dict__.update(
            LOG_LEVEL=None,
            REMOTE_ENV=None,
            ENVIRONMENT_VARIABLES={},
            DJANGO_SETTINGS="tinysite.settings",
            APP_MODULE="tinysite.wsgi",
            APP_FUNCTION="application",
            BINARY_SUPPORT=True,
            CONTEXT_HEADER_MAPPINGS={},
            DEBUG=False,
            EXCEPTION_HANDLER=None,
            API_STAGE="prod",
            PROJECT_NAME="tiny",
            BASE_PATH=None,
        )
        sys.modules[settings.__name__] = settings
        from zappa.handler import LambdaHandler

        zappa = LambdaHandler(settings.__name__)
        found["Zappa"] = lambda event: zappa.handler(event, types.SimpleNamespace(aws_request_id="r"))
    except ImportError:
        found["Zappa"] = "not installed (--peers DIR)"
    return found


def call(adapter: Adapter, event: Any) -> dict[str, Any]:
    try:
        result = adapter(event)
    except Exception as error:  # what a peer raises is one of the facts measured
        return {"raised": f"{type(error).__name__}: {str(error)[:60]}"}
    return result if isinstance(result, dict) else {"raised": f"returned {type(result).__name__}"}


def body(result: dict[str, Any]) -> bytes:
    text = result.get("body") or ""
    return base64.b64decode(text) if result.get("isBase64Encoded") else text.encode()


def seen(adapter: Adapter, event: Any) -> dict[str, Any]:
    """What the probe view reports Django saw, or what went wrong."""
    result = call(adapter, event)
    if "raised" in result:
        return result
    try:
        parsed: dict[str, Any] = json.loads(body(result))
        return parsed
    except ValueError:
        return {"status": result.get("statusCode")}


def check_base64_request(adapter: Adapter, events: Any) -> tuple[bool, object]:
    payload = bytes(range(256)) * 4
    echo = seen(adapter, events.http_event("POST", "/probe/echo", body=payload, headers={"content-type": "application/octet-stream"}))
    return echo.get("hex") == payload[:64].hex() and echo.get("length") == len(payload), echo.get("length", echo)


def check_binary_response(adapter: Adapter, events: Any) -> tuple[bool, object]:
    image = call(adapter, events.http_event("GET", "/probe/image"))
    text = call(adapter, events.http_event("GET", "/healthz"))
    ok = image.get("isBase64Encoded") is True and body(image).startswith(PNG_SIGNATURE)
    ok = ok and text.get("isBase64Encoded") is False and text.get("body") == "ok"
    return ok, {"png base64": image.get("isBase64Encoded"), "text base64": text.get("isBase64Encoded")}


def check_set_cookies(adapter: Adapter, events: Any) -> tuple[bool, object]:
    result = call(adapter, events.http_event("GET", "/probe/cookies"))
    cookies = result.get("cookies") or []
    in_headers = [name for name in result.get("headers") or {} if name.lower() == "set-cookie"]
    return len(cookies) == 3, {"cookies": len(cookies), "set-cookie names in headers": in_headers}


def check_request_cookies(adapter: Adapter, events: Any) -> tuple[bool, object]:
    got = seen(adapter, events.http_event("GET", "/probe/environ", cookies=["a=1", "b=2"]))
    return got.get("cookies") == {"a": "1", "b": "2"}, got.get("cookies", got)


def check_query(adapter: Adapter, events: Any) -> tuple[bool, object]:
    got = seen(adapter, events.http_event("GET", "/probe/environ", QUERY))
    query = got.get("meta", {}).get("QUERY_STRING")
    return query == QUERY and got.get("get") == {"a": ["1", "2"], "b": [" x y"], "c": ["✓"]}, query


def check_head(adapter: Adapter, events: Any) -> tuple[bool, object]:
    result = call(adapter, events.http_event("HEAD", "/probe/image"))
    return result.get("statusCode") == 200 and not result.get("body"), {"body characters": len(result.get("body") or "")}


def check_stage(adapter: Adapter, events: Any) -> tuple[bool, object]:
    named = events.http_event("GET", "/prod/probe/reverse", stage="prod", domain_name=API_HOST, edge=False)
    default = events.http_event("GET", "/probe/reverse", domain_name=API_HOST, edge=False)
    for event in (named, default):
        event["headers"]["host"] = API_HOST
    got = seen(adapter, named), seen(adapter, default)
    ok = got == ({"url": "/prod/api/items/", "script": "/prod"}, {"url": "/api/items/", "script": ""})
    return ok, got


def check_remote_addr(adapter: Adapter, events: Any) -> tuple[bool, object]:
    got = seen(adapter, events.http_event("GET", "/probe/environ", headers={"x-forwarded-for": "192.0.2.66"}, edge=False))
    address = got.get("meta", {}).get("REMOTE_ADDR")
    return address == events.CLOUDFRONT_IP, address


def check_underscores(adapter: Adapter, events: Any) -> tuple[bool, object]:
    got = seen(adapter, events.http_event("GET", "/probe/environ", headers={"x_api_key": "forged"}, edge=False))
    value = got.get("meta", {}).get("HTTP_X_API_KEY")
    return value is None, value


def check_forwarded_host(adapter: Adapter, events: Any) -> tuple[bool, object]:
    got = seen(adapter, events.http_event("GET", "/probe/environ", headers={"x-forwarded-host": "evil.example"}, edge=False))
    value = got.get("meta", {}).get("HTTP_X_FORWARDED_HOST")
    return value is None, value


def check_malformed(adapter: Adapter, events: Any) -> tuple[bool, object]:
    bad_base64 = events.http_event("POST", "/probe/echo")
    bad_base64.update(body="not base64!", isBase64Encoded=True)
    answers = [call(adapter, event) for event in ({"version": "2.0"}, [], bad_base64)]
    outcomes = [answer.get("statusCode", answer.get("raised")) for answer in answers]
    return all(outcome == 400 for outcome in outcomes), outcomes


CHECKS = [
    ("base64 request body decoded", check_base64_request),
    ("binary response base64, text not", check_binary_response),
    ("every Set-Cookie in cookies", check_set_cookies),
    ("request cookies joined into Cookie", check_request_cookies),
    ("rawQueryString kept exactly", check_query),
    ("HEAD answered without a body", check_head),
    ("stage prefix moved to SCRIPT_NAME", check_stage),
    ("REMOTE_ADDR is sourceIp", check_remote_addr),
    ("headers with underscores dropped", check_underscores),
    ("X-Forwarded-Host only from the edge", check_forwarded_host),
    ("malformed event answered 400", check_malformed),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=Path, help="a folder with serverless-wsgi and zappa installed (pip --target)")
    args = parser.parse_args(argv)
    if args.peers:
        sys.path.append(str(args.peers.resolve()))
    with tempfile.TemporaryDirectory(prefix="zonke-compare-") as workdir:
        wsgi, asgi = setup_django(Path(workdir))
        import logging

        logging.disable(logging.CRITICAL)  # Django's 404 and 500 warnings are expected here
        # The stream probe under Django's ASGI handler (Mangum) warns; that is not measured here.
        warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume")
        from support import events

        failures = 0
        for name, adapter in adapters(wsgi, asgi).items():
            print(f"== {name}")
            if isinstance(adapter, str):
                print(f"   {adapter}")
                continue
            for behaviour, check in CHECKS:
                ok, detail = check(adapter, events)
                if name == "zonke_runtime" and not ok:
                    failures += 1
                print(f"   {'yes' if ok else 'no ':<4}{behaviour:<38}{str(detail)[:150]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
