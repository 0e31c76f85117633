"""ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS from the environment.

- ``DJANGO_ALLOWED_HOSTS``: the app's own list (comma-separated, Django's syntax: ``.example.com``
  matches the domain and its subdomains).
- ``ZONKE_DOMAINS``: the host names zonke routes to this app, set by the deployment (it always
  includes ``.cloudfront.net``, the distribution's own name).

CSRF_TRUSTED_ORIGINS holds ``https://<host>`` for every exact host name, plus the full origins in
``DJANGO_CSRF_TRUSTED_ORIGINS``. Patterns (``.example.com``, ``*``) are left out on purpose: a
form posted to the host it was served from passes Django's Origin check without any trusted
origin (the edge middleware gives Django the viewer's host and scheme), so trusted origins only
widen what other sites may post, and ``https://*.cloudfront.net`` would trust every CloudFront
distribution in the world.
"""

from __future__ import annotations

from collections.abc import Mapping

from .environment import SettingsError, env_list


def allowed_hosts(env: Mapping[str, str]) -> list[str]:
    hosts: list[str] = []
    for name in ("DJANGO_ALLOWED_HOSTS", "ZONKE_DOMAINS"):
        for host in env_list(env, name):
            if "://" in host or "/" in host:
                raise SettingsError(
                    f"{name} entry {host!r} is not a host name; give names like "
                    "shop.example.com or .example.com, without scheme or path"
                )
            if host.lower() not in hosts:
                hosts.append(host.lower())
    return hosts


def csrf_trusted_origins(hosts: list[str], env: Mapping[str, str]) -> list[str]:
    origins = [f"https://{host}" for host in hosts if not _is_pattern(host)]
    for origin in env_list(env, "DJANGO_CSRF_TRUSTED_ORIGINS"):
        if "://" not in origin:
            raise SettingsError(
                f"DJANGO_CSRF_TRUSTED_ORIGINS entry {origin!r} is not an origin; give "
                "scheme and host, like https://shop.example.com"
            )
        if origin not in origins:
            origins.append(origin)
    return origins


def _is_pattern(host: str) -> bool:
    return host.startswith(".") or "*" in host
