"""The manage event ``{"zonke": "manage", "command": ..., "args": [...]}``: a management command
run in the instance's own process, answered with its exit code and everything it printed.

Through Lambda-like instances of every project on SQLite and PostgreSQL, and of the tiny project
with its ``tinyfail`` command; the output cap and the capture in process."""

from __future__ import annotations

import io
import logging
import re
import sys
from typing import Any

import pytest

from support.events import http_event
from support.lambda_instance import LambdaInstance
from support.projects import DjangoProject
from zonke_runtime.management import KEPT_HEAD_CHARACTERS, MAX_OUTPUT_CHARACTERS, _exit_code, cap_output
from zonke_runtime.output_capture import captured_output

Instance = tuple[DjangoProject, LambdaInstance]


def manage(command: str, *args: str) -> dict[str, Any]:
    return {"zonke": "manage", "command": command, "args": list(args)}


def assert_in_order(text: str, *parts: str) -> None:
    positions = [text.find(part) for part in parts]
    assert -1 not in positions, f"missing {[part for part, at in zip(parts, positions) if at == -1]} in {text!r}"
    assert positions == sorted(positions), text


# Every project, SQLite and PostgreSQL.


def test_migrate_runs_in_process_and_answers_its_output(project_instance: Instance) -> None:
    _, instance = project_instance
    answer = instance.invoke(manage("migrate", "--noinput"))
    assert answer == {"zonke": "manage", "exitCode": 0, "output": answer["output"]}
    # The session's fixture migrated this database with a manage event already.
    assert_in_order(answer["output"], "Operations to perform:", "Running migrations:", "No migrations to apply.")
    shown = instance.invoke(manage("showmigrations", "catalog"))
    assert shown["exitCode"] == 0 and "[X] 0001_initial" in shown["output"]


def test_a_failing_command_gives_its_exit_code_and_its_error(project_instance: Instance) -> None:
    _, instance = project_instance
    answer = instance.invoke(manage("migrate", "nosuchapp", "--noinput"))
    assert answer["exitCode"] == 1
    assert "CommandError: No installed app with label 'nosuchapp'." in answer["output"]
    missing = instance.invoke(manage("migrate", "catalog", "9999_nothing", "--noinput"))
    assert missing["exitCode"] == 1
    assert "Cannot find a migration matching '9999_nothing' from app 'catalog'" in missing["output"]


def test_an_unknown_command_is_a_clear_error(project_instance: Instance) -> None:
    _, instance = project_instance
    answer = instance.invoke(manage("migrat"))
    assert answer["exitCode"] == 1
    assert answer["output"].startswith("Unknown command: 'migrat'. Did you mean migrate?")


def test_the_app_still_serves_after_manage_events(project_instance: Instance) -> None:
    _, instance = project_instance
    instance.invoke(manage("migrate", "nosuchapp"))
    assert instance.invoke(http_event("GET", "/api/items/"))["statusCode"] == 200


# The tiny project's tinyfail command: every way of failing, and what is captured.


def test_a_command_error_exits_with_its_returncode_and_everything_printed_in_order(tiny: LambdaInstance) -> None:
    tiny.new_log()
    answer = tiny.invoke(manage("tinyfail", "--how", "error", "--code", "3"))
    assert answer["exitCode"] == 3
    assert_in_order(
        answer["output"],
        "tinyfail starts\n",  # self.stdout
        "tinyfail warns on stderr\n",  # self.stderr
        "INFO catalog.commands: tinyfail logs through logging\n",  # logging, non-propagating logger
        "tinyfail prints\n",  # print()
        "CommandError: tinyfail: a command error\n",
    )
    assert answer["output"].count("tinyfail logs through logging") == 1
    # The function's log gets one line about the run, never the output itself.
    [line] = [line for line in tiny.json_log_lines() if line.get("message") == "manage"]
    assert (line["level"], line["command"], line["exitCode"]) == ("warn", "tinyfail", 3)
    assert "output" not in line


@pytest.mark.parametrize(
    ("how", "exit_code", "last_words"),
    [
        ("exit", 4, "tinyfail prints\n"),
        ("raise", 1, "ValueError: tinyfail: an unexpected exception\n"),
        ("ok", 0, "tinyfail done\n"),
    ],
)
def test_each_way_a_command_ends(tiny: LambdaInstance, how: str, exit_code: int, last_words: str) -> None:
    answer = tiny.invoke(manage("tinyfail", "--how", how, "--code", "4"))
    assert answer["exitCode"] == exit_code
    assert answer["output"].endswith(last_words)
    if how == "raise":
        assert "Traceback (most recent call last):" in answer["output"]
    assert "\x1b[" not in answer["output"]  # no colour codes: the capture is not a terminal


def test_long_output_is_cut_in_the_middle_with_a_note(tiny: LambdaInstance) -> None:
    answer = tiny.invoke(manage("tinyfail", "--lines", "6000"))  # about 600,000 characters
    output = answer["output"]
    assert answer["exitCode"] == 3
    assert len(output) <= MAX_OUTPUT_CHARACTERS
    assert output.startswith("tinyfail starts\n")
    assert output.endswith("CommandError: tinyfail: a command error\n")
    assert "line 000000 " in output and "line 005999 " in output
    assert "characters of output left out here]" in output


def test_a_command_that_prompts_fails_at_once_instead_of_waiting(tiny: LambdaInstance) -> None:
    # flush asks "Type 'yes' to continue"; stdin is empty, so the answer is no.
    answer = tiny.invoke(manage("flush"))
    assert answer["exitCode"] == 1
    assert_in_order(
        answer["output"],
        "Type 'yes' to continue, or 'no' to cancel: ",
        "zonke: flush asked for input, which a manage event cannot give; run it with --noinput",
    )
    assert "Traceback" not in answer["output"]


@pytest.mark.parametrize("command", ["runserver", "shell", "dbshell", "test", "testserver"])
def test_commands_that_cannot_work_here_are_refused(tiny: LambdaInstance, command: str) -> None:
    answer = tiny.invoke(manage(command, "-c", "print(1)"))
    assert answer["exitCode"] == 1
    assert answer["output"].startswith(f"zonke: {command} is not run through manage events: ")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"zonke": "manage"}, 'the manage event needs "command"'),
        ({"zonke": "manage", "command": ""}, 'the manage event needs "command"'),
        ({"zonke": "manage", "command": 7}, 'the manage event needs "command"'),
        ({"zonke": "manage", "command": "migrate", "args": "--noinput"}, '"args" must be an array of strings'),
        ({"zonke": "manage", "command": "migrate", "args": ["--noinput", 1]}, '"args" must be an array of strings'),
    ],
)
def test_a_malformed_manage_event_is_a_usage_error(tiny: LambdaInstance, event: dict[str, Any], message: str) -> None:
    answer = tiny.invoke(event)
    assert answer["exitCode"] == 2 and message in answer["output"]


def test_args_may_be_left_out_or_null(tiny: LambdaInstance) -> None:
    for event in ({"zonke": "manage", "command": "check"}, {"zonke": "manage", "command": "check", "args": None}):
        answer = tiny.invoke(event)
        assert answer["exitCode"] == 0 and "System check identified no issues" in answer["output"]


def test_help_and_version_work_like_manage_py(tiny: LambdaInstance) -> None:
    version = tiny.invoke(manage("version"))
    assert version["exitCode"] == 0 and version["output"].startswith("5.")
    listing = tiny.invoke(manage("help", "--commands"))
    assert listing["exitCode"] == 0 and "tinyfail\n" in listing["output"] and "migrate\n" in listing["output"]
    usage = tiny.invoke(manage("help", "tinyfail"))
    assert usage["exitCode"] == 0 and "--how HOW" in usage["output"]


# The pieces, in process.


def test_short_output_is_kept_whole() -> None:
    assert cap_output("x" * 100, limit=100, head=10) == "x" * 100


def test_the_cut_keeps_the_head_and_the_tail_and_counts_what_it_left_out() -> None:
    text = "".join(f"{n:05d}\n" for n in range(10_000))  # 60,000 characters
    capped = cap_output(text, limit=1000, head=120)
    assert len(capped) <= 1000
    match = re.fullmatch(r"(.*)\n\[zonke: (\d+) characters of output left out here\]\n(.*)", capped, re.DOTALL)
    assert match, capped
    head, omitted, tail = match.group(1), int(match.group(2)), match.group(3)
    assert len(head) == 120 and text.startswith(head)
    assert text.endswith(tail) and len(tail) > 800
    assert len(head) + omitted + len(tail) == len(text)


def test_the_default_cap_fits_lambdas_payload_even_fully_escaped() -> None:
    assert MAX_OUTPUT_CHARACTERS * 12 < 6 * 1024 * 1024
    assert KEPT_HEAD_CHARACTERS < MAX_OUTPUT_CHARACTERS // 2
    assert len(cap_output("é" * (MAX_OUTPUT_CHARACTERS + 1))) <= MAX_OUTPUT_CHARACTERS


def test_the_capture_takes_streams_and_log_records_in_order_and_restores_them() -> None:
    quiet = logging.getLogger("zonke.tests.quiet")
    quiet.propagate = False
    quiet.setLevel(logging.INFO)
    saved = (sys.stdin, sys.stdout, sys.stderr)
    try:
        with captured_output() as output:
            print("one")
            sys.stderr.write("two\n")
            logging.getLogger("zonke.tests.loud").warning("three")
            quiet.info("four")
            assert sys.stdin.read() == ""
            assert not sys.stdout.isatty()
    finally:
        quiet.propagate = True
    assert output.getvalue() == "one\ntwo\nWARNING zonke.tests.loud: three\nINFO zonke.tests.quiet: four\n"
    assert (sys.stdin, sys.stdout, sys.stderr) == saved
    assert not [h for h in logging.getLogger().handlers + quiet.handlers if getattr(h, "stream", None) is output]


@pytest.mark.parametrize(("code", "exit_code", "printed"), [(None, 0, ""), (0, 0, ""), (3, 3, ""), (True, 1, ""), ("bye", 1, "bye\n")])
def test_exit_codes_are_the_interpreters(code: object, exit_code: int, printed: str) -> None:
    stream = io.StringIO()
    saved, sys.stderr = sys.stderr, stream
    try:
        assert _exit_code(SystemExit(code)) == exit_code
    finally:
        sys.stderr = saved
    assert stream.getvalue() == printed
