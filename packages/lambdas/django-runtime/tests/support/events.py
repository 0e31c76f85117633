"""Function URL events (payload 2.0) as Lambda builds them behind zonke's CloudFront, and a
cookie jar that follows ``cookies`` in the answers, like a browser."""

from __future__ import annotations

import base64
import json
from http.cookies import SimpleCookie
from typing import Any

FUNCTION_URL_HOST = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws"
VIEWER_HOST = "shop.example"
CLOUDFRONT_IP = "130.176.1.10"


def edge_headers(host: str = VIEWER_HOST) -> dict[str, str]:
    """What the viewer-request function adds: the viewer's host and the edge mark."""
    return {"x-forwarded-host": host, "x-zonke-edge": "1"}


def http_event(
    method: str = "GET",
    path: str = "/",
    query: str = "",
    *,
    headers: dict[str, str] | None = None,
    cookies: list[str] | None = None,
    body: bytes | str | None = None,
    base64_body: bool | None = None,
    edge: bool = True,
    stage: str = "$default",
    domain_name: str = FUNCTION_URL_HOST,
) -> dict[str, Any]:
    all_headers = {
        "host": domain_name,
        "user-agent": "Amazon CloudFront",
        "via": "2.0 abc.cloudfront.net (CloudFront)",
        "x-forwarded-for": f"203.0.113.7, {CLOUDFRONT_IP}",
        **(edge_headers() if edge else {}),
        **(headers or {}),
    }
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": all_headers,
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghijklmnopqrstuvwxyz012345",
            "domainName": domain_name,
            "domainPrefix": "abcdefghijklmnopqrstuvwxyz012345",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": CLOUDFRONT_IP,
                "userAgent": "Amazon CloudFront",
            },
            "requestId": "c7d9b6f0-0000-4000-8000-000000000000",
            "routeKey": "$default",
            "stage": stage,
            "time": "24/Nov/2026:08:00:00 +0000",
            "timeEpoch": 1795334400000,
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if body is not None:
        raw = body.encode() if isinstance(body, str) else body
        encode = base64_body if base64_body is not None else isinstance(body, bytes)
        event["body"] = base64.b64encode(raw).decode() if encode else raw.decode()
        event["isBase64Encoded"] = encode
    return event


def json_event(method: str, path: str, data: object, **kwargs: Any) -> dict[str, Any]:
    headers = {"content-type": "application/json", **kwargs.pop("headers", {})}
    return http_event(method, path, body=json.dumps(data).encode(), base64_body=True, headers=headers, **kwargs)


def body_bytes(result: dict[str, Any]) -> bytes:
    body: str = result["body"]
    return base64.b64decode(body) if result["isBase64Encoded"] else body.encode()


def body_json(result: dict[str, Any]) -> Any:
    return json.loads(body_bytes(result))


class CookieJar:
    """Keeps what ``cookies`` (Set-Cookie) sets; sends it back as the event's ``cookies``."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def update(self, result: dict[str, Any]) -> None:
        for header in result.get("cookies", []):
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.values.pop(name, None)
                else:
                    self.values[name] = morsel.value

    def event_cookies(self) -> list[str]:
        return [f"{name}={value}" for name, value in self.values.items()]
