"""Trusting the viewer's host and scheme only from zonke's CloudFront edge.

The servers sit behind CloudFront, which must send each origin its own Host (a Function URL's or
the load balancer's). The viewer-request CloudFront Function therefore copies the viewer's host
into ``X-Forwarded-Host`` and marks the request with ``X-Zonke-Edge: 1``, dropping any
``X-Zonke-*`` header the viewer sent. Only CloudFront can reach the servers.

- With the mark, this middleware makes ``X-Forwarded-Host`` the request's Host (so ALLOWED_HOSTS,
  CSRF's Origin check and absolute URLs see the viewer's host) and ``X-Forwarded-Proto`` its
  scheme; without a proto header the scheme is https, as every CloudFront behaviour redirects
  viewers to HTTPS.
- Without the mark, ``X-Forwarded-Host``/``-Proto``/``-Port`` are deleted, so nothing later (Django,
  a library, the app) can read a value a client wrote.

Django's own switches stay off (``USE_X_FORWARDED_HOST = False``); the scheme reaches Django
through ``SECURE_PROXY_SSL_HEADER = (EDGE_SCHEME_KEY, "https")``, a request META key with no
``HTTP_`` prefix, which no client header can produce. If this middleware were removed, requests
would keep the Host and scheme they arrived with: it fails closed. It must come before anything
that reads the host or scheme (SecurityMiddleware, CommonMiddleware, CSRF).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

EDGE_MARK_KEY = "HTTP_X_ZONKE_EDGE"
EDGE_SCHEME_KEY = "ZONKE_EDGE_SCHEME"
_FORWARDED_KEYS = ("HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PORT")


class EdgeHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        meta.pop(EDGE_SCHEME_KEY, None)  # only ever set below
        if meta.get(EDGE_MARK_KEY) == "1":
            host = _first(meta.get("HTTP_X_FORWARDED_HOST", ""))
            if host:
                meta["HTTP_HOST"] = host
            proto = _first(meta.get("HTTP_X_FORWARDED_PROTO", "")).lower()
            meta[EDGE_SCHEME_KEY] = proto if proto in ("http", "https") else "https"
        else:
            for key in _FORWARDED_KEYS:
                meta.pop(key, None)
        return self.get_response(request)


def _first(value: str) -> str:
    """The first entry of a header that proxies may have appended to: the edge's own value."""
    return value.split(",", 1)[0].strip()
