"""The header policy between the viewer and Django, the same as the Node adapter's
(``@zonke/next-server``'s ``request-headers.ts``) where WSGI allows:

- Names with an underscore are dropped, as gunicorn and nginx do. WSGI spells ``x-forwarded-host``
  and ``x-forwarded_host`` alike (``HTTP_X_FORWARDED_HOST``), so a viewer could otherwise smuggle
  one past a proxy that only knows the other.
- ``x-forwarded-host`` and our own ``x-zonke-*`` are trusted only with ``x-zonke-edge: 1``, which
  the CloudFront viewer-request function sets after overwriting ``x-forwarded-host`` with the
  viewer's host (and dropping any ``x-zonke-*`` the viewer sent). Only CloudFront can call the
  Function URL (``AWS_IAM`` behind OAC), so the mark cannot be forged through it. With the mark,
  ``host`` becomes the forwarded host too, so Django sees the viewer's host whether or not
  ``USE_X_FORWARDED_HOST`` is on. Without it, both are dropped (defence in depth: the example app
  checks the mark too) and ``host`` stays the Function URL's own.
- ``x-forwarded-proto: https`` and ``x-forwarded-port: 443`` (Function URLs are HTTPS only).
  ``x-forwarded-for`` ends with the TCP peer (``sourceIp``); with the edge mark the chain
  CloudFront built is kept before it, without the mark it is replaced.
- Hop-by-hop headers, ``expect`` and ``proxy`` (httpoxy) go: the body is complete and nothing can
  be upgraded. ``content-length`` is set from the body itself by the environ, never taken from the
  event.
- The event's ``cookies`` join any ``cookie`` header, with ``; ``.
"""

from __future__ import annotations

from .event import EventRequest

EDGE_MARK_HEADER = "x-zonke-edge"
_ZONKE_PREFIX = "x-zonke-"
_DROPPED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "proxy",
        "content-length",
    }
)


def request_headers(request: EventRequest) -> dict[str, str]:
    """The headers Django sees, names lower-cased."""
    incoming = request.headers
    from_edge = incoming.get(EDGE_MARK_HEADER) == "1"
    headers: dict[str, str] = {}
    for name, value in incoming.items():
        if "_" in name or name in _DROPPED:
            continue
        if not from_edge and (name.startswith(_ZONKE_PREFIX) or name == "x-forwarded-host"):
            continue
        headers[name] = value

    forwarded_host = headers.get("x-forwarded-host", "").strip()
    if forwarded_host:
        headers["x-forwarded-host"] = forwarded_host
        headers["host"] = forwarded_host
    else:
        headers.pop("x-forwarded-host", None)
        if "host" not in headers and request.domain_name:
            headers["host"] = request.domain_name

    headers["x-forwarded-proto"] = "https"
    headers["x-forwarded-port"] = "443"
    chain = headers.get("x-forwarded-for", "").strip() if from_edge else ""
    if request.source_ip:
        if not chain:
            headers["x-forwarded-for"] = request.source_ip
        elif chain.rsplit(",", 1)[-1].strip() != request.source_ip:
            headers["x-forwarded-for"] = f"{chain}, {request.source_ip}"
        else:
            headers["x-forwarded-for"] = chain
    elif chain:
        headers["x-forwarded-for"] = chain
    else:
        headers.pop("x-forwarded-for", None)

    if request.cookies:
        joined = "; ".join(request.cookies)
        existing = headers.get("cookie")
        headers["cookie"] = f"{existing}; {joined}" if existing else joined
    return headers
