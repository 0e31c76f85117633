"""The warm protocol, the same as ``@zonke/lambda-runtime``'s ``warm.ts`` for Node servers.

The warmer invokes a function N times at once with ``{"zonke": "warm", "delayMs": D}``; each
instance holds its answer for D ms, so that the N invokes cannot be served one after another by
the same instance, then answers with the id it keeps for its whole life. N distinct ids mean N
warm instances. The answer never touches Django: init already did the expensive part.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from typing import Any, TypedDict

# A longer hold only bills idle time: 1 s already spreads 50 parallel invokes.
MAX_WARM_DELAY_MS = 5000

_INSTANCE_ID = str(uuid.uuid4())
_invocations = 0


class WarmAnswer(TypedDict):
    zonke: str
    instanceId: str
    coldStart: bool


def current_instance_id() -> str:
    """This execution environment's id, the same for its whole life."""
    return _INSTANCE_ID


def count_invocation() -> bool:
    """Counts an invocation of this instance; True for its first one. Every event counts, so a
    warm event after real traffic does not claim a cold start."""
    global _invocations
    _invocations += 1
    return _invocations == 1


def is_warm_event(event: object) -> bool:
    return isinstance(event, dict) and event.get("zonke") == "warm"


def warm_delay_ms(requested: Any) -> float:
    """``delayMs`` clamped to 0..MAX_WARM_DELAY_MS; what is not a finite number means 0 (as
    JavaScript's ``Number()`` would read it: numeric strings count, booleans are 0 or 1)."""
    try:
        value = float(requested) if requested is not None else 0.0
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(value):
        return 0.0
    return min(max(value, 0.0), float(MAX_WARM_DELAY_MS))


def answer_warm(
    event: dict[str, Any], *, sleep: Callable[[float], None] = time.sleep
) -> WarmAnswer:
    """Holds for the requested delay, then answers with this instance's id."""
    cold_start = count_invocation()
    delay_ms = warm_delay_ms(event.get("delayMs"))
    if delay_ms > 0:
        sleep(delay_ms / 1000)
    return {"zonke": "warm", "instanceId": _INSTANCE_ID, "coldStart": cold_start}
