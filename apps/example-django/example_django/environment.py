"""Typed readers for settings that come from the environment (12-factor).

Every value arrives as text, so each reader says which text it accepts. A bad value stops the app at
startup with a ``SettingsError`` that names the variable, the value and what is allowed: a typo
must never become a silently different setting. Never use these readers on secrets: the messages
quote the value.

``SettingsError`` is Django's ``ImproperlyConfigured``, for mistakes in the environment only: its
message says everything there is to fix, so ``manage.py`` and gunicorn print it alone, without a
traceback (see ``example_django.startup``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ImproperlyConfigured


class SettingsError(ImproperlyConfigured):
    """A setting in the environment is missing or wrong; the message says which and why."""


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def env_str(env: Mapping[str, str], name: str, default: str = "") -> str:
    """The value without surrounding blanks; ``default`` when unset or blank."""
    return env.get(name, "").strip() or default


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env_str(env, name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(
        f"{name}={env[name]!r} is not a boolean; use one of "
        f"{', '.join(sorted(_TRUE))} or {', '.join(sorted(_FALSE))}"
    )


def env_int(
    env: Mapping[str, str],
    name: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int | None = None,
) -> int:
    text = env_str(env, name)
    if not text:
        return default
    allowed = f"a whole number from {minimum}" + (f" to {maximum}" if maximum is not None else "")
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={env[name]!r} is not {allowed}") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise SettingsError(f"{name}={env[name]!r} is not {allowed}")
    return value


def env_choice(env: Mapping[str, str], name: str, default: str, allowed: Iterable[str]) -> str:
    choices = tuple(allowed)
    value = env_str(env, name, default)
    if value not in choices:
        raise SettingsError(
            f"{name}={env[name]!r} is not allowed; use one of {', '.join(choices)}"
        )
    return value


def env_list(env: Mapping[str, str], name: str) -> list[str]:
    """A comma-separated list; blanks around entries and empty entries are dropped."""
    return [entry.strip() for entry in env.get(name, "").split(",") if entry.strip()]
