"""Writes runtime-requirements.txt: zonke_runtime's dependencies in the container image, pinned
with hashes (run by ``scripts/lock-runtime-requirements``; needs the repository's .venv and PyPI).

- The packages are RUNTIME_ROOTS and everything they require on the image (CPython 3.12 on Linux
  x86_64 and aarch64), read from the installed packages' metadata in .venv, at the versions the
  repository's requirements-dev.txt pins: the image runs what the tests run.
- Each is downloaded as wheels for both machines (``pip download --only-binary``) and the sha256
  of every distinct file goes into the lock: pure-Python wheels have one, awslambdaric one per
  machine.
- The image installs it together with the app's requirements.txt in one pip run
  (``--require-hashes --only-binary=:all:``).

To upgrade: pin the new version in requirements-dev.txt, install it into .venv, run this again.
The same approach as apps/example-django/scripts/lock_requirements.py.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

RUNTIME_DIR = Path(__file__).resolve().parent.parent
RUNTIME_REQUIREMENTS = RUNTIME_DIR / "runtime-requirements.txt"
DEV_REQUIREMENTS = RUNTIME_DIR.parents[2] / "requirements-dev.txt"

RUNTIME_ROOTS = ("boto3", "awslambdaric", "gunicorn")
PYTHON_VERSION = "3.12"
MACHINES = ("x86_64", "aarch64")
# The image's base is Debian bookworm (glibc 2.36): any manylinux wheel up to that.
_MANYLINUX = [f"manylinux_2_{minor}" for minor in range(36, 16, -1)]


def lock_runtime_requirements() -> int:
    """Rewrites runtime-requirements.txt: RUNTIME_ROOTS and everything they require on the
    image (CPython 3.12, Linux x86_64 and aarch64), at the versions requirements-dev.txt pins,
    with the sha256 of every wheel PyPI has for either machine. The same approach as
    apps/example-django/scripts/lock_requirements.py."""

    def environment(machine: str, extra: str) -> dict[str, str]:
        return {
            "python_version": PYTHON_VERSION, "python_full_version": f"{PYTHON_VERSION}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
            "platform_machine": machine, "extra": extra,
        }  # fmt: skip

    expanded: set[tuple[str, str]] = set()
    pending = [Requirement(root) for root in RUNTIME_ROOTS]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        for extra in ["", *sorted(requirement.extras)]:
            if (name, extra) in expanded:
                continue
            expanded.add((name, extra))
            for text in metadata.requires(name) or []:
                dependency = Requirement(text)
                if dependency.marker is None or any(
                    dependency.marker.evaluate(environment(machine, extra)) for machine in MACHINES
                ):
                    pending.append(dependency)
    names = sorted({name for name, _ in expanded})

    pins: dict[str, str] = {}
    for line in DEV_REQUIREMENTS.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;#]+)", line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    missing = [name for name in names if name not in pins]
    if missing:
        print(f"not pinned in {DEV_REQUIREMENTS.name}: {', '.join(missing)}", file=sys.stderr)
        return 1

    hashes: dict[str, set[str]] = {name: set() for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        for machine in MACHINES:
            into = Path(scratch) / machine
            platforms = [f"{tag}_{machine}" for tag in _MANYLINUX] + [f"manylinux2014_{machine}"]
            subprocess.run(
                [
                    sys.executable, "-m", "pip", "download", "--quiet",
                    "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
                    "--implementation", "cp", "--python-version", PYTHON_VERSION,
                    "--abi", f"cp{PYTHON_VERSION.replace('.', '')}",
                    *[option for platform in platforms for option in ("--platform", platform)],
                    "--dest", str(into), *[f"{name}=={pins[name]}" for name in names],
                ],
                check=True,
            )  # fmt: skip
            for wheel in into.glob("*.whl"):
                name = canonicalize_name(wheel.name.split("-", 1)[0])
                hashes[name].add(hashlib.sha256(wheel.read_bytes()).hexdigest())
    lines = [
        "# zonke_runtime's dependencies in the container image (CPython 3.12 on Linux x86_64 and",
        "# aarch64): boto3 (secrets), awslambdaric (the `lambda` command), gunicorn (`web`), and",
        "# what they require, at the versions pinned in the repository's requirements-dev.txt.",
        "# Generated by `scripts/lock-runtime-requirements`; do not edit. Installed with the app's",
        "# requirements.txt in one pip run (--require-hashes --only-binary=:all:).",
    ]
    for name in names:
        entry = [f"{name}=={pins[name]}"] + [f"    --hash=sha256:{h}" for h in sorted(hashes[name])]
        lines.append(" \\\n".join(entry))
    RUNTIME_REQUIREMENTS.write_text("\n".join(lines) + "\n")
    print(f"wrote {RUNTIME_REQUIREMENTS.name}: {', '.join(f'{n}=={pins[n]}' for n in names)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lock-runtime-requirements",
        description="Rewrites runtime-requirements.txt (needs the repository's .venv and PyPI).",
    )
    parser.parse_args(argv)
    return lock_runtime_requirements()


if __name__ == "__main__":
    sys.exit(main())
