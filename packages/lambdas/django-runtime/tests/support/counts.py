"""Writes test-results/counts.json, {"passed": N, "failed": N, "skipped": N}, like the jest
reporter in scripts/jest-count-reporter.js, so that scripts/test-all sums this package too.

A test counts once, by its worst phase: a passing test whose teardown fails is a failure. A module
that does not import counts as one failure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

_RANK = {"passed": 0, "skipped": 1, "failed": 2}


class CountsPlugin:
    def __init__(self, results_dir: Path) -> None:
        self._results_dir = results_dir
        self._outcomes: dict[str, str] = {}
        self._collection_errors = 0

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._collection_errors += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and report.passed:
            return  # setup and teardown that passed say nothing about the test
        outcome = "skipped" if report.skipped else ("failed" if report.failed else "passed")
        previous = self._outcomes.get(report.nodeid)
        if previous is None or _RANK[outcome] > _RANK[previous]:
            self._outcomes[report.nodeid] = outcome

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        outcomes = list(self._outcomes.values())
        counts = {
            "passed": outcomes.count("passed"),
            "failed": outcomes.count("failed") + self._collection_errors,
            "skipped": outcomes.count("skipped"),
        }
        self._results_dir.mkdir(parents=True, exist_ok=True)
        (self._results_dir / "counts.json").write_text(json.dumps(counts))
