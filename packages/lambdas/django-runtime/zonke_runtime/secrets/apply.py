"""Writing the variables into the environment without overruling the deployment."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass


@dataclass(frozen=True)
class AppliedChanges:
    """What applying did, by variable name only."""

    applied: tuple[str, ...]
    """Variables set or updated from the secrets."""
    kept: tuple[str, ...]
    """Variables the deployment set itself, which the secrets did not overwrite."""
    removed: tuple[str, ...]
    """Variables an earlier load set whose key is gone from the secrets; removed."""


def apply_entries(
    env: MutableMapping[str, str],
    entries: Mapping[str, str],
    owned: dict[str, None],
    *,
    override: bool,
) -> AppliedChanges:
    """Sets ``entries`` in ``env``.

    ``owned`` holds the names the loader set before (a dict as an ordered set), and is updated:
    the loader may update or remove those, never a variable the deployment set (unless
    ``override``), so an explicit setting always wins over a secret of the same name.
    """
    applied: list[str] = []
    kept: list[str] = []
    for name, value in entries.items():
        if name in env and name not in owned and not override:
            kept.append(name)
            continue
        env[name] = value
        owned[name] = None
        applied.append(name)
    removed = [name for name in owned if name not in entries]
    for name in removed:
        env.pop(name, None)
        del owned[name]
    return AppliedChanges(applied=tuple(applied), kept=tuple(kept), removed=tuple(removed))
