"""One JSON line per event worth reading (init, adapter failures, oversized responses), on
stderr, which Lambda and ECS send to the function's log. Nothing per request. Never headers,
cookies, query strings or bodies: they may carry a viewer's credentials.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any, Literal

Level = Literal["info", "warn", "error"]


def log_line(level: Level, message: str, **fields: Any) -> None:
    line = json.dumps({"level": level, "message": message, **fields}, default=str)
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def error_fields(error: BaseException) -> dict[str, str]:
    """The parts of an error worth logging; the stack goes to the log, never to the client."""
    return {
        "errorType": type(error).__name__,
        "errorMessage": str(error),
        "stack": "".join(traceback.format_exception(error)),
    }
