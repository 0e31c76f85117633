"""Manage events: ``{"zonke": "manage", "command": "migrate", "args": ["--noinput"]}`` runs the
management command in this process, as ``python manage.py migrate --noinput`` would (through
Django's ``ManagementUtility`` and the command's ``run_from_argv``: the same argument parsing,
messages and exit codes), and answers
``{"zonke": "manage", "exitCode": <int>, "output": "<stdout and stderr, and log records>"}``.

The migrator (``@zonke/migrator``) relies on exactly this contract: it invokes the new version of
the manage function with the event above and stops the release on a non-zero ``exitCode``.

- ``exitCode`` is 0 on success; the ``SystemExit`` code when the command exits (a
  ``CommandError`` exits 1, or its ``returncode``; an unknown command 1); 1 with the traceback in
  the output when the command raises; 1 with a hint to pass ``--noinput`` when it asks a question
  (stdin is empty); 2 when the event itself is malformed.
- Refused, with exit code 1 and the reason: ``runserver`` and ``testserver`` (they serve
  forever), ``shell`` and ``dbshell`` (interactive; ``shell -c`` would also make this channel run
  arbitrary code) and ``test`` (it creates and drops a test database beside the real one). Every
  other command, the app's own too, is allowed: invoking the function already takes
  ``lambda:InvokeFunction`` on it.
- ``output`` is at most ``MAX_OUTPUT_CHARACTERS`` characters, so that the answer fits Lambda's
  6 MB payload even if every character needs a 12-byte JSON escape. Longer output keeps its first
  ``KEPT_HEAD_CHARACTERS`` (what the command set out to do) and its end (where errors are), with
  a line between them that says how many characters were left out.
- Database connections opened by the command are closed afterwards: a frozen instance must not
  keep them.
"""

from __future__ import annotations

import sys
import time
import traceback
from typing import Any, TypedDict

from .log import Level, log_line
from .output_capture import captured_output

MAX_OUTPUT_CHARACTERS = 500_000
KEPT_HEAD_CHARACTERS = 20_000
REFUSED_COMMANDS: dict[str, str] = {
    "runserver": "it serves HTTP until stopped; the function already serves the app",
    "testserver": "it serves HTTP until stopped",
    "shell": "it is interactive (and shell -c would make this channel run arbitrary code)",
    "dbshell": "it is interactive and needs the database's command-line client",
    "test": "it creates and drops a test database beside the real one",
}
USAGE_ERROR = 2


class ManageAnswer(TypedDict):
    zonke: str
    exitCode: int
    output: str


def run_manage_event(event: dict[str, Any]) -> ManageAnswer:
    command = event.get("command")
    args = event.get("args")
    if args is None:
        args = []
    if not isinstance(command, str) or not command.strip():
        return _answer(
            USAGE_ERROR, 'zonke: the manage event needs "command", a command name such as "migrate"'
        )
    if not isinstance(args, list) or not all(isinstance(arg, str) for arg in args):
        return _answer(USAGE_ERROR, 'zonke: the manage event\'s "args" must be an array of strings')
    if command in REFUSED_COMMANDS:
        return _answer(
            1, f"zonke: {command} is not run through manage events: {REFUSED_COMMANDS[command]}."
        )

    started = time.perf_counter()
    with captured_output() as output:
        exit_code = _run_command(command, args)
    duration_ms = round((time.perf_counter() - started) * 1000)
    # The function's log says what ran, not what it printed (the answer carries that).
    level: Level = "info" if exit_code == 0 else "warn"
    log_line(level, "manage", command=command, exitCode=exit_code, durationMs=duration_ms)
    return _answer(exit_code, output.getvalue())


def _run_command(command: str, args: list[str]) -> int:
    """Runs ``manage.py <command> <args...>``; prints what went wrong, returns the exit code."""
    from django.db import connections

    try:
        _dispatch(command, args)
        return 0
    except SystemExit as exit:
        return _exit_code(exit)
    except EOFError:
        # input() on the empty stdin: the command prompted (flush, migrate's questioner...).
        print(
            f"\nzonke: {command} asked for input, which a manage event cannot give; run it with"
            " --noinput (or the command's own option to skip the question)",
            file=sys.stderr,
        )
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        _close_connections(connections)


def _dispatch(command: str, args: list[str]) -> None:
    """What ``ManagementUtility.execute()`` does for ``manage.py <command> <args...>``, less its
    ``django.setup()``: init did that, and a second one would configure logging again, binding
    the app's console handlers to the capture's streams for good."""
    import django
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", command, *args])
    if command == "help" or command in ("--help", "-h"):
        if command == "help" and args and args[0] not in ("--commands", "--help", "-h"):
            utility.fetch_command(args[0]).print_help("manage.py", args[0])
        else:
            sys.stdout.write(utility.main_help_text(commands_only="--commands" in args) + "\n")
    elif command in ("version", "--version"):
        sys.stdout.write(django.get_version() + "\n")
    else:
        # Prints "Unknown command" and exits 1 for a name no app defines.
        utility.fetch_command(command).run_from_argv(utility.argv)


def _close_connections(connections: Any) -> None:
    try:
        connections.close_all()
    except Exception as error:  # the command's outcome stands; say why the close failed
        print(f"zonke: closing the database connections failed: {error}", file=sys.stderr)


def _exit_code(exit: SystemExit) -> int:
    """As the interpreter would exit: None is 0, an int is itself, anything else is printed
    and exits 1."""
    code = exit.code
    if code is None:
        return 0
    if isinstance(code, int):  # bool too: True is 1
        return int(code)
    print(code, file=sys.stderr)
    return 1


def _answer(exit_code: int, output: str) -> ManageAnswer:
    return {"zonke": "manage", "exitCode": exit_code, "output": cap_output(output)}


def cap_output(output: str, limit: int = MAX_OUTPUT_CHARACTERS, head: int = KEPT_HEAD_CHARACTERS) -> str:
    """``output`` if it has at most ``limit`` characters; else its first ``head`` characters and
    its end, with a note between them, at most ``limit`` characters in all."""
    if len(output) <= limit:
        return output
    note_template = "\n[zonke: {} characters of output left out here]\n"
    # The count left out is smaller than the whole length, so its note is no longer than this.
    note_length = len(note_template.format(len(output)))
    tail = limit - head - note_length
    omitted = len(output) - head - tail
    return output[:head] + note_template.format(omitted) + output[-tail:]
