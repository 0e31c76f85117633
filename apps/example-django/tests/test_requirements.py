"""requirements.txt, the container image's pinned and hashed dependencies: it must list exactly
what the app needs at run time, at the versions the tests ran with (scripts/lock_requirements.py
writes it; these checks run offline)."""

from __future__ import annotations

from importlib import metadata

from packaging.utils import canonicalize_name

import lock_requirements
from lock_requirements import LOCK_FILE, dev_pins, read_lock, runtime_closure


def test_the_lock_lists_exactly_the_runtime_closure() -> None:
    locked = read_lock()
    assert sorted(locked) == runtime_closure()
    assert {"django", "psycopg", "psycopg-binary", "gunicorn", "asgiref", "sqlparse"} <= set(locked)
    assert "pytest" not in locked  # test tools stay out of the image


def test_the_pins_are_the_versions_the_tests_run_with() -> None:
    pins = dev_pins()
    for name, (version, _) in read_lock().items():
        assert version == pins[name], f"{name}: locked {version}, requirements-dev.txt {pins[name]}"
        assert version == metadata.version(name), f"{name}: the virtualenv has another version"


def test_every_pin_has_its_wheel_hashes() -> None:
    locked = read_lock()
    for name, (_, hashes) in locked.items():
        assert hashes, f"{name} has no hash"
        assert len(set(hashes)) == len(hashes)
    # Compiled wheels differ by machine: one hash each for x86_64 and aarch64.
    assert len(locked[canonicalize_name("psycopg-binary")][1]) == len(lock_requirements.MACHINES)


def test_the_lock_says_how_to_install_it() -> None:
    assert "pip install --require-hashes --only-binary=:all: -r requirements.txt" in (
        LOCK_FILE.read_text()
    )
