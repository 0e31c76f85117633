"""Keeps secret values out of botocore's debug log.

botocore logs every response body at DEBUG (``botocore.parsers``), GetSecretValue's SecretString
included: an app that turns on debug logging to chase a problem would otherwise write every
secret to CloudWatch. The filter blanks those bodies only; the record itself stays, so the log
still shows that the call was made. It covers any GetSecretValue in the process, the app's own too.
"""

from __future__ import annotations

import logging
import threading

REDACTED = "<response holding a secret value, redacted by zonke_runtime>"
_MARKERS = ('"SecretString"', '"SecretBinary"')
_install_lock = threading.Lock()


class _Redacted:
    """Stands in for a body; reads the same through %r and %s."""

    def __repr__(self) -> str:
        return REDACTED

    __str__ = __repr__


class SecretResponseRedactor(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(map(_holds_secret, record.args)):
            record.args = tuple(_Redacted() if _holds_secret(arg) else arg for arg in record.args)
        return True


def redact_secret_responses_in_botocore_logs() -> None:
    """Installs the filter on botocore's parser logger, once per process."""
    parser_log = logging.getLogger("botocore.parsers")
    with _install_lock:
        if not any(isinstance(f, SecretResponseRedactor) for f in parser_log.filters):
            parser_log.addFilter(SecretResponseRedactor())


def _holds_secret(arg: object) -> bool:
    if isinstance(arg, (bytes, bytearray)):
        return any(marker.encode() in arg for marker in _MARKERS)
    if isinstance(arg, str):
        return any(marker in arg for marker in _MARKERS)
    return False
