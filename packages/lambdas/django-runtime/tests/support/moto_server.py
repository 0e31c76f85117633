"""moto's server on 127.0.0.1, the Secrets Manager the tests read with real boto3.

The server records every request (moto's recorder, ``MOTO_ENABLE_RECORDING``) to a file, which is
how the tests count GetSecretValue calls.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from .network import free_port

REGION = "eu-west-1"
FAKE_CREDENTIALS = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "test-secret"}
_STARTUP_SECONDS = 30.0


@dataclass
class MotoServer:
    process: subprocess.Popen[bytes]
    endpoint: str
    recording: Path
    log: Path
    _admin: Any = field(default=None, repr=False)

    @property
    def client_options(self) -> dict[str, Any]:
        """What the loader's ``client_options`` need to reach this server."""
        return {"endpoint_url": self.endpoint, "region_name": REGION, **FAKE_CREDENTIALS}

    @property
    def admin(self) -> Any:
        """A client for the tests' own setup calls (create, update, delete secrets)."""
        if self._admin is None:
            self._admin = boto3.session.Session().client("secretsmanager", **self.client_options)
        return self._admin

    def reset(self) -> None:
        """Forgets every secret and every recorded request."""
        self._post("/moto-api/reset")
        self.recording.write_text("")

    def create_secret(self, name: str, value: str | bytes) -> str:
        """Creates a secret and returns its ARN."""
        kwargs = {"SecretBinary": value} if isinstance(value, bytes) else {"SecretString": value}
        arn: str = self.admin.create_secret(Name=name, **kwargs)["ARN"]
        return arn

    def put_secret(self, arn: str, value: str) -> None:
        self.admin.put_secret_value(SecretId=arn, SecretString=value)

    def get_secret_value_calls(self) -> list[str]:
        """The SecretId of every GetSecretValue the server received, in order."""
        calls: list[str] = []
        for line in self.recording.read_text().splitlines():
            entry = json.loads(line)
            if entry["headers"].get("X-Amz-Target") != "secretsmanager.GetSecretValue":
                continue
            body = entry["body"]
            if entry["body_encoded"]:
                body = base64.b64decode(body).decode()
            calls.append(json.loads(body)["SecretId"])
        return calls

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _post(self, path: str, body: bytes = b"") -> None:
        request = urllib.request.Request(
            self.endpoint + path, data=body, method="POST", headers={"Content-Type": "text/plain"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()


def start_moto_server(workdir: Path) -> MotoServer:
    """Starts ``moto_server`` from this virtualenv on a free port and waits until it answers."""
    executable = Path(sys.executable).parent / "moto_server"
    if not executable.exists():
        raise RuntimeError(
            f"{executable} not found; run scripts/bootstrap-python (it installs moto[server])"
        )
    port = free_port()
    recording = workdir / "moto-recording.jsonl"
    recording.write_text("")
    log = workdir / "moto-server.log"
    env = {
        **os.environ,
        "MOTO_ENABLE_RECORDING": "1",
        "MOTO_RECORDER_FILEPATH": str(recording),
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(executable), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = MotoServer(
        process=process, endpoint=f"http://127.0.0.1:{port}", recording=recording, log=log
    )
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited at start:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.endpoint + "/moto-api/data.json", timeout=1):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(
        f"moto_server did not answer in {_STARTUP_SECONDS:.0f} s:\n{log.read_text()[-2000:]}"
    )
