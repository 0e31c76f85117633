"""Reading secrets from Secrets Manager with a client that gives up quickly.

Without a route to Secrets Manager (no VPC endpoint, no NAT gateway) botocore's defaults (60 s to
connect and to read, retried) would hold the init for minutes before it fails; these settings fail
it in seconds with a message that says why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import explain_fetch_error
from .log_redaction import redact_secret_responses_in_botocore_logs
from .sources import SecretSource
from .values import environment_entries

if TYPE_CHECKING:
    from botocore.config import Config

# Secrets are read in parallel; a deployment lists a handful.
_MAX_PARALLEL_READS = 8


@dataclass(frozen=True)
class ClientTimeouts:
    connect_timeout_seconds: float = 1.0
    """Time allowed to open a connection to Secrets Manager."""
    read_timeout_seconds: float = 3.0
    """Time allowed for one GetSecretValue answer."""
    max_attempts: int = 2
    """Tries per secret, the first included."""


def secrets_client_config(timeouts: ClientTimeouts) -> Config:
    """botocore settings for the loader's client."""
    from botocore.config import Config

    return Config(
        connect_timeout=timeouts.connect_timeout_seconds,
        read_timeout=timeouts.read_timeout_seconds,
        # Standard mode retries refused, reset and timed-out connections as well as throttling.
        retries={"total_max_attempts": timeouts.max_attempts, "mode": "standard"},
    )


class SecretsReader:
    """Reads secrets with a fresh client each time, from one boto3 session.

    The session is kept: making a client from it again costs a few milliseconds, from a new one
    about 60 (it parses the service model), and a reload may sit in a request's path. Clients are
    not kept: their pooled sockets would be dead after Lambda freezes the environment. Only one
    read runs at a time per reader (the loader sees to it), so the session, which is not
    thread-safe, is only ever used by one thread.
    """

    def __init__(self, timeouts: ClientTimeouts, client_options: Mapping[str, Any]) -> None:
        self._timeouts = timeouts
        self._client_options = dict(client_options)
        self._session: Any = None

    def read(self, sources: Sequence[SecretSource]) -> list[dict[str, str]]:
        """Every secret's variables, in the order of ``sources``, read in parallel; the first
        failure in that order is raised once every read has ended."""
        try:
            client = self._create_client()
        except Exception as error:  # e.g. no region: every secret would fail the same way
            raise explain_fetch_error(sources[0].secret_id, error) from error
        try:
            if len(sources) == 1:
                return [fetch_secret_entries(client, sources[0])]
            with ThreadPoolExecutor(max_workers=min(len(sources), _MAX_PARALLEL_READS)) as pool:
                reads = [pool.submit(fetch_secret_entries, client, source) for source in sources]
            return [read.result() for read in reads]
        finally:
            client.close()

    def _create_client(self) -> Any:
        """``client_options`` go to ``Session.client`` and win over the loader's settings.

        boto3 is imported here, on first use, so a server without secrets never pays for
        importing it at cold start.
        """
        if self._session is None:
            import boto3

            redact_secret_responses_in_botocore_logs()
            self._session = boto3.session.Session()
        options = dict(self._client_options)
        config = secrets_client_config(self._timeouts)
        if "config" in options:
            config = config.merge(options.pop("config"))
        # boto3 reads AWS_DEFAULT_REGION only; ECS tasks and the Node SDK go by AWS_REGION.
        if "region_name" not in options and not os.environ.get("AWS_DEFAULT_REGION"):
            region = os.environ.get("AWS_REGION")
            if region:
                options["region_name"] = region
        return self._session.client("secretsmanager", config=config, **options)


def fetch_secret_entries(client: Any, source: SecretSource) -> dict[str, str]:
    """Reads one secret and returns the environment variables it defines."""
    try:
        # AWSCURRENT is the default on AWS; naming it also holds where a stage move is not yet
        # reflected in the default (moto), and says which version the value is.
        answer = client.get_secret_value(SecretId=source.secret_id, VersionStage="AWSCURRENT")
    except Exception as error:
        raise explain_fetch_error(source.secret_id, error) from error
    return environment_entries(source, answer.get("SecretString"))
