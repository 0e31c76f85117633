"""The loader: reads every secret, then applies all of them or none, and caches the result."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .apply import apply_entries
from .errors import SecretsError
from .fetch import ClientTimeouts, SecretsReader
from .sources import parse_secret_sources
from .values import combine_entries

logger = logging.getLogger("zonke_runtime.secrets")

DEFAULT_SECRETS_TTL_SECONDS = 5 * 60.0


@dataclass(frozen=True)
class SecretsLoadResult:
    """What a load did, by variable name only."""

    secret_count: int
    applied: tuple[str, ...]
    """Variables set or updated from the secrets."""
    kept: tuple[str, ...]
    """Variables the deployment set itself, which the secrets did not overwrite."""
    removed: tuple[str, ...]
    """Variables an earlier load set whose key is gone from the secrets; removed."""
    from_cache: bool
    """True when the last load was recent enough to be reused (nothing was read)."""


class SecretsLoader:
    """Loads the secrets listed in ``ZONKE_SECRET_ARNS`` into an environment.

    - Variables the deployment set itself win over the secrets, unless
      ``ZONKE_SECRETS_OVERRIDE=1``. Variables set by an earlier load are updated or removed on
      reload (RDS rotates its secret).
    - A load within ``ttl_seconds`` of the last one reuses it; ``reload()`` reads now. Threads
      that ask while a read is under way share that read.
    - Any failure raises a ``SecretsError`` that names the secret and the likely cause, and
      changes nothing in the environment.
    """

    def __init__(
        self,
        *,
        env: MutableMapping[str, str] | None = None,
        client_options: Mapping[str, Any] | None = None,
        ttl_seconds: float = DEFAULT_SECRETS_TTL_SECONDS,
        timeouts: ClientTimeouts = ClientTimeouts(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """
        :param env: where ``ZONKE_SECRET_ARNS`` is read and the values are written; default
            ``os.environ``.
        :param client_options: keyword arguments for ``boto3.Session.client``, e.g.
            ``endpoint_url``, ``region_name``, credentials, ``config`` (merged over the loader's
            timeouts); default none: boto3 reads its usual environment, ``AWS_ENDPOINT_URL`` too.
        :param ttl_seconds: how long a load is reused; default 5 minutes.
        :param timeouts: connect and read timeouts and attempts; default 1 s, 3 s, 2 attempts.
        :param clock: seconds, for the TTL; default ``time.monotonic``.
        """
        self._env: MutableMapping[str, str] = os.environ if env is None else env
        self._reader = SecretsReader(timeouts, client_options or {})
        self._ttl_seconds = ttl_seconds
        self._clock = clock
        # Names this loader set: it may update or remove them, never the deployment's own.
        self._owned: dict[str, None] = {}
        self._lock = threading.Lock()
        self._last: tuple[float, SecretsLoadResult] | None = None
        self._in_flight: Future[SecretsLoadResult] | None = None

    def load(self) -> SecretsLoadResult:
        """Reads the secrets unless the last load is younger than the TTL."""
        with self._lock:
            if self._last is not None:
                at, result = self._last
                if self._clock() - at < self._ttl_seconds:
                    return dataclasses.replace(result, from_cache=True)
        return self._shared_read()

    def reload(self) -> SecretsLoadResult:
        """Reads the secrets now, whatever their age (joining a read already under way)."""
        return self._shared_read()

    def _shared_read(self) -> SecretsLoadResult:
        with self._lock:
            flight = self._in_flight
            leads = flight is None
            if flight is None:
                flight = self._in_flight = Future()
        if leads:
            self._read_into(flight)
        return flight.result()

    def _read_into(self, flight: Future[SecretsLoadResult]) -> None:
        try:
            result = self._read()
        except SecretsError as error:
            # Dropped: the traceback's frames hold the secrets' text in their locals, which error
            # reporters that capture locals (Sentry) would send. The message says what failed.
            self._settle(flight, error=error.with_traceback(None))
        except BaseException as error:
            self._settle(flight, error=error)
        else:
            self._settle(flight, result=result)

    def _settle(
        self,
        flight: Future[SecretsLoadResult],
        *,
        result: SecretsLoadResult | None = None,
        error: BaseException | None = None,
    ) -> None:
        with self._lock:
            if result is not None:
                self._last = (self._clock(), result)
            self._in_flight = None
        if result is not None:
            flight.set_result(result)
        else:
            flight.set_exception(error)

    def _read(self) -> SecretsLoadResult:
        sources = parse_secret_sources(self._env.get("ZONKE_SECRET_ARNS"))
        entries: dict[str, str] = {}
        if sources:
            entries = combine_entries(sources, self._reader.read(sources))
        changes = apply_entries(
            self._env,
            entries,
            self._owned,
            override=self._env.get("ZONKE_SECRETS_OVERRIDE") == "1",
        )
        if sources:
            logger.info(
                "zonke secrets: read %d secret(s); set %s; kept the deployment's %s; removed %s",
                len(sources),
                ", ".join(changes.applied) or "nothing",
                ", ".join(changes.kept) or "nothing",
                ", ".join(changes.removed) or "nothing",
            )
        return SecretsLoadResult(
            secret_count=len(sources),
            applied=changes.applied,
            kept=changes.kept,
            removed=changes.removed,
            from_cache=False,
        )


_default_loader: SecretsLoader | None = None
_default_loader_lock = threading.Lock()


def default_loader() -> SecretsLoader:
    """The loader over ``os.environ`` shared by everything in this process."""
    global _default_loader
    with _default_loader_lock:
        if _default_loader is None:
            _default_loader = SecretsLoader()
        return _default_loader


def load_secrets() -> SecretsLoadResult:
    """Loads the secrets into ``os.environ``, reusing a load younger than 5 minutes.

    Call it first thing at init, before Django (or anything that reads settings) is imported.
    """
    return default_loader().load()


def reload_secrets() -> SecretsLoadResult:
    """Reads the secrets again now, e.g. after the database refused a rotated password."""
    return default_loader().reload()
