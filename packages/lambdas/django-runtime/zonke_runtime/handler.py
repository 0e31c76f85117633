"""The Lambda entry point: the image's command is ``zonke_runtime.handler.handler``, which the
runtime interface client (``python -m awslambdaric``) imports at init.

Importing this module is the init: the secrets are loaded, Django is set up and the WSGI
application is built (``django_app.initialise``), so the first request pays no import cost. A
failure raises ``RuntimeInitError`` with a message that says what to fix, which Lambda reports as
the init error.

Each event is one of:

- a warm event ``{"zonke": "warm", "delayMs": n}``: answered with this instance's id, no request;
- a manage event ``{"zonke": "manage", "command": ..., "args": [...]}``: a management command
  run in this process, answered with its exit code and output (``management``);
- any other ``{"zonke": ...}`` event is answered 400, saying which kinds there are;
- anything else is an HTTP event (Function URL or HTTP API, payload 2.0) for Django; what is not
  a valid one is answered 400 (``wsgi_adapter``).

The handler never raises for a bad event: the caller gets an answer that says what is wrong,
never a stack trace.
"""

from __future__ import annotations

from typing import Any

from .django_app import configured_base_path, initialise
from .warm import answer_warm, count_invocation
from .wsgi_adapter import serve_http_event
from .wsgi_adapter.response import plain_result

application = initialise()
BASE_PATH = configured_base_path()


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    kind = event.get("zonke") if isinstance(event, dict) else None
    if kind == "warm":
        return dict(answer_warm(event))
    count_invocation()
    if kind is None:
        return serve_http_event(application, event, context, base_path=BASE_PATH)
    if kind == "manage":
        # Imported here: only the manage function ever needs the management machinery.
        from .management import run_manage_event

        return dict(run_manage_event(event))
    return plain_result(
        400,
        f"Bad Request: unknown zonke event {_describe_kind(kind)}; this function takes"
        ' {"zonke": "warm"}, {"zonke": "manage"} and HTTP (payload 2.0) events',
    )


def _describe_kind(kind: object) -> str:
    text = kind if isinstance(kind, str) else type(kind).__name__
    # The caller's own words, shortened: never a way to make the answer large.
    return repr(text[:40])
