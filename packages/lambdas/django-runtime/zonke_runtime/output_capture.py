"""Captures what a management command prints, in the order it was printed, as one text:

- ``sys.stdout`` and ``sys.stderr`` (``print``, and a command's ``self.stdout``/``self.stderr``,
  which Django binds to them when the command is created);
- log records emitted while it runs, whatever the app's logging configuration: a handler is
  added to the root logger and to every logger that does not propagate, so that each record is
  captured exactly once (records still reach the app's own handlers too);
- ``sys.stdin`` is empty, so a command that prompts fails at once instead of waiting.

Not captured: what bypasses Python's streams (a subprocess or C code writing to file descriptors
1 and 2), which goes to the function's log as usual.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
from collections.abc import Iterator

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


class CapturedOutput(io.StringIO):
    """What was printed; ``getvalue()`` reads it. Reports no terminal, so Django prints no
    colour codes."""

    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def captured_output() -> Iterator[CapturedOutput]:
    output = CapturedOutput()
    handler = logging.StreamHandler(output)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    loggers = [logging.getLogger(), *_loggers_that_do_not_propagate()]
    saved_streams = (sys.stdin, sys.stdout, sys.stderr)
    for logger in loggers:
        logger.addHandler(handler)
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), output, output
    try:
        yield output
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for logger in loggers:
            logger.removeHandler(handler)


def _loggers_that_do_not_propagate() -> list[logging.Logger]:
    """A record stops at the first logger that does not propagate, or at the root."""
    return [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
