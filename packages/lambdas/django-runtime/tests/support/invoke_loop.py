"""A stand-in for the Lambda runtime interface client, run as a script in a fresh interpreter:
``python invoke_loop.py zonke_runtime.handler.handler``.

It loads the handler the way awslambdaric does (``module.function``: import the module, which is
the function's init, then take the attribute), reports the init on the first line, then reads one
JSON request per line from stdin and writes one JSON line per answer, serialised with ``json.dumps``
as the client sends it (an answer that is not JSON is a failure, as on Lambda).

File descriptor 1 is moved to stderr before anything is imported, so nothing the app prints can
corrupt the protocol, which uses a private copy of the original stdout.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass


@dataclass
class FakeContext:
    aws_request_id: str
    function_name: str = "tiny-django"


def main() -> int:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message: object) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    handler_name = sys.argv[1]
    started = time.perf_counter()
    try:
        module_name, function_name = handler_name.rsplit(".", 1)
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:
        send({"initError": {"errorType": type(error).__name__, "errorMessage": str(error)}})
        return 1
    send({"init": "ok", "initMs": (time.perf_counter() - started) * 1000})

    for line in sys.stdin:
        request = json.loads(line)
        try:
            result = handler(request["event"], FakeContext(request["requestId"]))
            send({"result": result})
        except Exception as error:
            send(
                {
                    "functionError": {
                        "errorType": type(error).__name__,
                        "errorMessage": str(error),
                        "stackTrace": traceback.format_exception(error),
                    }
                }
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
