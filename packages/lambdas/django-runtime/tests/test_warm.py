"""The warm event ``{"zonke": "warm", "delayMs": n}``: answered with the instance's id after the
delay, without a Django request. In process for the protocol's pieces, then through Lambda-like
instances (``support.lambda_instance``)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from support.events import body_json, http_event
from support.lambda_instance import LambdaInstance, start_instance
from support.projects import TINY, DjangoProject
from zonke_runtime import warm

Instance = tuple[DjangoProject, LambdaInstance]


@pytest.mark.parametrize(
    ("requested", "delay_ms"),
    [
        (None, 0.0),
        (250, 250.0),
        (12.5, 12.5),
        ("300", 300.0),  # JSON from a hand-written invoke
        (-5, 0.0),
        (10**9, 5000.0),  # clamped: a longer hold only bills idle time
        (float("nan"), 0.0),
        (float("inf"), 0.0),
        ("soon", 0.0),
        ([100], 0.0),
        (True, 1.0),
    ],
)
def test_the_delay_is_a_finite_number_of_ms_clamped_to_5_s(requested: object, delay_ms: float) -> None:
    assert warm.warm_delay_ms(requested) == delay_ms


def test_an_answer_holds_for_the_delay_then_gives_the_instance_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "_invocations", 0)
    slept: list[float] = []
    first = warm.answer_warm({"zonke": "warm", "delayMs": 40}, sleep=slept.append)
    second = warm.answer_warm({"zonke": "warm"}, sleep=slept.append)
    assert slept == [0.04]  # no delay, no sleep at all
    assert first == {"zonke": "warm", "instanceId": warm.current_instance_id(), "coldStart": True}
    assert second["instanceId"] == first["instanceId"] and second["coldStart"] is False
    uuid.UUID(first["instanceId"])


def test_any_event_ends_the_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm, "_invocations", 0)
    assert warm.count_invocation() is True  # an HTTP request came first
    assert warm.answer_warm({"zonke": "warm"}, sleep=lambda seconds: None)["coldStart"] is False


@pytest.mark.parametrize(
    ("event", "is_warm"),
    [
        ({"zonke": "warm", "delayMs": 10}, True),
        ({"zonke": "warm"}, True),
        ({"zonke": "manage", "command": "migrate"}, False),
        ({"version": "2.0", "zonke": None}, False),
        ("warm", False),
        ([{"zonke": "warm"}], False),
        (None, False),
    ],
)
def test_what_is_a_warm_event(event: object, is_warm: bool) -> None:
    assert warm.is_warm_event(event) is is_warm


def test_every_project_answers_warm_events_with_one_id(project_instance: Instance) -> None:
    _, instance = project_instance
    answers = [instance.invoke({"zonke": "warm", "delayMs": 0}) for _ in range(3)]
    ids = {answer["instanceId"] for answer in answers}
    assert len(ids) == 1
    uuid.UUID(ids.pop())
    assert [answer["zonke"] for answer in answers] == ["warm"] * 3
    assert not any(answer["coldStart"] for answer in answers)  # migrate ran first
    assert set(answers[0]) == {"zonke", "instanceId", "coldStart"}


def test_a_warm_event_never_becomes_a_django_request(tiny: LambdaInstance) -> None:
    def served() -> int:
        count: int = body_json(tiny.invoke(http_event("GET", "/probe/requests")))["count"]
        return count

    before = served()
    for _ in range(3):
        assert tiny.invoke({"zonke": "warm", "delayMs": 1})["zonke"] == "warm"
    assert served() == before + 1  # only the second count itself


def test_the_answer_waits_for_the_delay(tiny: LambdaInstance) -> None:
    started = time.perf_counter()
    tiny.invoke({"zonke": "warm", "delayMs": 400})
    held = time.perf_counter() - started
    assert held >= 0.4
    started = time.perf_counter()
    tiny.invoke({"zonke": "warm", "delayMs": 0})
    assert time.perf_counter() - started < held


def test_a_fresh_instance_says_cold_start_once_and_has_its_own_id(tiny: LambdaInstance, tmp_path: Path) -> None:
    fresh = start_instance(TINY.directory, TINY.sqlite_env(tmp_path), tmp_path / "instance.log")
    try:
        first = fresh.invoke({"zonke": "warm", "delayMs": 0})
        second = fresh.invoke({"zonke": "warm", "delayMs": 0})
    finally:
        fresh.stop()
    assert (first["coldStart"], second["coldStart"]) == (True, False)
    assert first["instanceId"] == second["instanceId"]
    assert first["instanceId"] != tiny.invoke({"zonke": "warm"})["instanceId"]
