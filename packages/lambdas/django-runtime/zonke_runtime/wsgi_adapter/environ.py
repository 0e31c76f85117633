"""The WSGI environ (PEP 3333) for an event's request, after the header policy.

- Strings in the environ are "bytes as latin-1", as a WSGI server reading the wire would give
  them. The event's strings are the UTF-8 decoding of those bytes, so anything beyond ASCII is
  re-encoded (Django decodes it back as UTF-8).
- ``PATH_INFO`` is the percent-decoded path; ``QUERY_STRING`` is ``rawQueryString`` exactly.
- ``SCRIPT_NAME``: an API Gateway HTTP API called on its own endpoint
  (``*.execute-api.<region>.amazonaws.com``) with a named stage puts ``/<stage>`` before every
  path. That prefix becomes ``SCRIPT_NAME``, so Django's URLs and ``reverse()`` include it.
  Function URLs (stage ``$default``) and custom domains (whose API mappings remove the stage)
  get an empty ``SCRIPT_NAME``. A configured base path (``ZONKE_BASE_PATH``, e.g. a custom
  domain's API mapping key, which stays in ``rawPath``) moves to ``SCRIPT_NAME`` the same way.
- ``wsgi.url_scheme`` is https (Function URLs and CloudFront in front are HTTPS only); the server
  name and port come from the host Django will see; ``REMOTE_ADDR`` is ``sourceIp``.
"""

from __future__ import annotations

import re
import sys
from io import BytesIO
from typing import Any
from urllib.parse import unquote_to_bytes

from .event import EventRequest

# Header name -> environ key, for the names met so far: the same few come with every request,
# and a lookup costs less than upper() + replace() + a concatenation. Bounded, since names are
# the viewer's to choose: past _MAX_ENVIRON_KEYS, new names are converted each time.
_ENVIRON_KEYS = {"content-type": "CONTENT_TYPE"}
_MAX_ENVIRON_KEYS = 512


def wsgi_environ(
    request: EventRequest, headers: dict[str, str], context: object = None, *, base_path: str = ""
) -> dict[str, Any]:
    script_name, path = split_stage_prefix(request)
    if base_path:
        prefix, path = split_prefix(path, base_path)
        script_name += prefix
    server_name, server_port = server_name_and_port(headers.get("host", ""))
    body = request.body
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": script_name,
        "PATH_INFO": path_info(path),
        "QUERY_STRING": wsgi_string(request.raw_query),
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": request.protocol,
        "REMOTE_ADDR": request.source_ip,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(body),
        "wsgi.input_terminated": True,
        "wsgi.errors": sys.stderr,
        # One request at a time per process, but many processes (instances) at once.
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "zonke.lambda_context": context,
    }
    keys = _ENVIRON_KEYS
    for name, value in headers.items():
        # isascii() reads a flag: most values need no re-encoding, and no call to find that out.
        environ[keys.get(name) or environ_key(name)] = value if value.isascii() else wsgi_string(value)
    return environ


def environ_key(header_name: str) -> str:
    """``HTTP_X_API_KEY`` for ``x-api-key``; ``CONTENT_TYPE`` for ``content-type``."""
    key = _ENVIRON_KEYS.get(header_name)
    if key is None:
        key = "HTTP_" + header_name.upper().replace("-", "_")
        if len(_ENVIRON_KEYS) < _MAX_ENVIRON_KEYS:
            _ENVIRON_KEYS[header_name] = key
    return key


def split_stage_prefix(request: EventRequest) -> tuple[str, str]:
    """``(SCRIPT_NAME, rest of the raw path)``; see the module's doc for when a stage counts."""
    stage = request.stage
    if not stage or stage == "$default" or not request.domain_name.endswith(".amazonaws.com"):
        return "", request.raw_path
    return split_prefix(request.raw_path, "/" + stage)


def split_prefix(raw_path: str, prefix: str) -> tuple[str, str]:
    """``(prefix, rest)`` when ``raw_path`` is ``prefix`` or under it as whole segments, else
    ``("", raw_path)``."""
    if not prefix:
        return "", raw_path
    if raw_path == prefix:
        return prefix, ""
    if raw_path.startswith(prefix + "/"):
        return prefix, raw_path[len(prefix) :]
    return "", raw_path


_BASE_PATH = re.compile(r"(?:/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+")


def parse_base_path(text: str) -> str:
    """``ZONKE_BASE_PATH`` as a prefix: ``""`` for none (unset, blank or ``/``), else ``/a`` or
    ``/a/b`` without a trailing slash. Raises ``ValueError`` saying what is allowed."""
    value = text.strip()
    if value in ("", "/"):
        return ""
    normalised = "/" + value.strip("/")
    if not _BASE_PATH.fullmatch(normalised):
        raise ValueError(
            f"ZONKE_BASE_PATH={text!r} is not a base path; give path segments such as /api or"
            " /shop/v1 (letters, digits and -._~!$&'()*+,;=:@, no percent-escapes, query or"
            " empty segment)"
        )
    return normalised


def path_info(raw_path: str) -> str:
    if "%" not in raw_path and raw_path.isascii():
        return raw_path
    return unquote_to_bytes(raw_path.encode("utf-8", "surrogatepass")).decode("latin-1")


def wsgi_string(text: str) -> str:
    """A native string holding ``text``'s UTF-8 bytes one per character (PEP 3333)."""
    if text.isascii():
        return text
    # surrogatepass: JSON can carry a lone surrogate; pass its bytes on rather than fail.
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def server_name_and_port(host: str) -> tuple[str, str]:
    host = host.strip()
    if not host:
        return "localhost", "443"
    if ":" not in host:  # the usual host: a name without a port (an IPv6 address has colons)
        return host, "443"
    if host.startswith("["):  # [IPv6]:port
        end = host.find("]")
        if end != -1:
            rest = host[end + 1 :]
            port = rest[1:] if rest.startswith(":") and rest[1:].isdigit() else "443"
            return host[: end + 1], port
        return host, "443"
    name, _, port = host.rpartition(":")
    if name and port.isdigit():
        return name, port
    return host, "443"
