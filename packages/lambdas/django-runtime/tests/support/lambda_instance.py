"""One Lambda instance of a Django project, in its own interpreter: the handler module is
imported there exactly as the runtime interface client imports it, and events go in and answers
come out as JSON (``invoke_loop.py``). Each instance is a cold start with its own settings, so
SQLite and PostgreSQL, the tiny project and the example app can all be tested in one session.
"""

from __future__ import annotations

import itertools
import json
import os
import selectors
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parents[2]
INVOKE_LOOP = Path(__file__).resolve().parent / "invoke_loop.py"
HANDLER = "zonke_runtime.handler.handler"
_TIMEOUT_SECONDS = 60.0
_request_ids = itertools.count(1)


class InitFailed(Exception):
    def __init__(self, error_type: str, message: str, log: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.log = log


@dataclass
class LambdaInstance:
    process: subprocess.Popen[str]
    log_path: Path
    init_ms: float
    _log_offset: int = field(default=0)

    def invoke(self, event: Any) -> Any:
        """The handler's answer to ``event``; raises if the handler raised (a FunctionError)."""
        answer = self.invoke_raw(event)
        if "functionError" in answer:
            error = answer["functionError"]
            raise AssertionError(f"the handler raised {error['errorType']}: {error['errorMessage']}")
        return answer["result"]

    def invoke_raw(self, event: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        request = {"event": event, "requestId": f"request-{next(_request_ids)}"}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        return _read_line(self.process, self.log_path)

    def new_log(self) -> str:
        """What the instance wrote to stderr since the last call."""
        with self.log_path.open("r", encoding="utf-8", errors="replace") as log:
            log.seek(self._log_offset)
            text = log.read()
            self._log_offset = log.tell()
        return text

    def json_log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.new_log().splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
        return lines

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_instance(
    project_dir: Path, env: dict[str, str], log_path: Path, *, handler: str = HANDLER
) -> LambdaInstance:
    """Starts an instance of the Django project in ``project_dir`` (the function's task root)
    with ``env`` over a clean environment; raises ``InitFailed`` when its init fails."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(project_dir), str(PACKAGE_DIR)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "AWS_REGION": "eu-west-1",
        **env,
    }
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, str(INVOKE_LOOP), handler],
        cwd=project_dir,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
    )
    log_file.close()
    first = _read_line(process, log_path)
    if "initError" in first:
        process.wait(timeout=10)
        error = first["initError"]
        raise InitFailed(error["errorType"], error["errorMessage"], log_path.read_text())
    return LambdaInstance(process=process, log_path=log_path, init_ms=first["initMs"])


def _read_line(process: subprocess.Popen[str], log_path: Path) -> dict[str, Any]:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=_TIMEOUT_SECONDS):
            process.kill()
            raise AssertionError(f"the instance did not answer in time:\n{log_path.read_text()[-3000:]}")
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise AssertionError(
            f"the instance exited ({process.returncode}):\n{log_path.read_text()[-3000:]}"
        )
    answer: dict[str, Any] = json.loads(line)
    return answer
