"""Writes requirements.txt: the app's runtime dependencies for its container image, pinned with
hashes, at the versions the repository's requirements-dev.txt pins (the versions the tests run).

Usage, from apps/example-django (needs PyPI):  bash scripts/python scripts/lock_requirements.py

- The packages are the runtime roots below and everything they require on the image's platform
  (CPython 3.12 on Linux, Lambda's Python), read from the installed packages' metadata in .venv.
- Each is downloaded as wheels for x86_64 and aarch64 (``pip download --only-binary``), and
  every distinct file's sha256 goes into the file: pure-Python wheels have one, psycopg-binary one
  per architecture.
- The image installs it with ``pip install --require-hashes --only-binary=:all: -r
  requirements.txt``; pip then refuses any file whose hash is not listed.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

APP_DIR = Path(__file__).resolve().parent.parent
LOCK_FILE = APP_DIR / "requirements.txt"
DEV_REQUIREMENTS = APP_DIR.parent.parent / "requirements-dev.txt"

RUNTIME_ROOTS = ("Django", "psycopg[binary]", "gunicorn")
PYTHON_VERSION = "3.12"
MACHINES = ("x86_64", "aarch64")
# Lambda's Python 3.12 image is Amazon Linux 2023, glibc 2.34: any manylinux wheel up to that.
_MANYLINUX = [f"manylinux_2_{minor}" for minor in range(34, 16, -1)]


def target_environment(machine: str) -> dict[str, str]:
    """PEP 508 marker values of the image's Python."""
    return {
        "python_version": PYTHON_VERSION,
        "python_full_version": f"{PYTHON_VERSION}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": machine,
    }


def runtime_closure(roots: Iterable[str] = RUNTIME_ROOTS) -> list[str]:
    """The canonical names of the roots and of everything they require on the image, on either
    machine, from the metadata of the installed distributions (this virtualenv's)."""
    expanded: set[tuple[str, str]] = set()  # (name, extra); "" is the package without extras
    pending = [Requirement(root) for root in roots]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        for extra in ["", *sorted(requirement.extras)]:
            if (name, extra) in expanded:
                continue
            expanded.add((name, extra))
            for text in metadata.requires(name) or []:
                dependency = Requirement(text)
                if _needed_on_image(dependency, extra):
                    pending.append(dependency)
    return sorted({name for name, _ in expanded})


def _needed_on_image(dependency: Requirement, extra: str) -> bool:
    if dependency.marker is None:
        return True
    return any(
        dependency.marker.evaluate({**target_environment(machine), "extra": extra})
        for machine in MACHINES
    )


def dev_pins(path: Path = DEV_REQUIREMENTS) -> dict[str, str]:
    """``name==version`` lines of a requirements file, by canonical name."""
    pins: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;#]+)", line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def read_lock(path: Path = LOCK_FILE) -> dict[str, tuple[str, list[str]]]:
    """The lock file's entries: canonical name -> (version, sha256 hashes)."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text().replace("\\\n", " ")  # join continued lines
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)$", line)
        if not match:
            raise ValueError(f"{path.name}: not a hashed pin: {line!r}")
        hashes = re.findall(r"sha256:([0-9a-f]{64})", match.group(3))
        entries[canonicalize_name(match.group(1))] = (match.group(2), hashes)
    return entries


def _download(pins: dict[str, str], machine: str, into: Path) -> list[Path]:
    platforms = [f"{tag}_{machine}" for tag in _MANYLINUX] + [f"manylinux2014_{machine}"]
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--only-binary=:all:", "--implementation", "cp",
        "--python-version", PYTHON_VERSION, "--abi", f"cp{PYTHON_VERSION.replace('.', '')}",
        *[option for platform in platforms for option in ("--platform", platform)],
        "--dest", str(into),
        *[f"{name}=={version}" for name, version in pins.items()],
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return sorted(into.glob("*.whl"))


def _wheel_name(path: Path) -> str:
    return canonicalize_name(path.name.split("-", 1)[0])


def main() -> int:
    names = runtime_closure()
    all_pins = dev_pins()
    missing = [name for name in names if name not in all_pins]
    if missing:
        print(f"not pinned in {DEV_REQUIREMENTS.name}: {', '.join(missing)}", file=sys.stderr)
        return 1
    pins = {name: all_pins[name] for name in names}
    hashes: dict[str, set[str]] = {name: set() for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        for machine in MACHINES:
            for wheel in _download(pins, machine, Path(scratch) / machine):
                hashes[_wheel_name(wheel)].add(hashlib.sha256(wheel.read_bytes()).hexdigest())
    lines = [
        "# The example app's runtime dependencies, for its container image (CPython 3.12 on Linux",
        "# x86_64 and aarch64), at the versions pinned in the repository's requirements-dev.txt.",
        "# Generated by scripts/lock_requirements.py; do not edit. Install with:",
        "#   pip install --require-hashes --only-binary=:all: -r requirements.txt",
    ]
    for name in names:
        entry = [f"{name}=={pins[name]}"] + [f"    --hash=sha256:{h}" for h in sorted(hashes[name])]
        lines.append(" \\\n".join(entry))
    LOCK_FILE.write_text("\n".join(lines) + "\n")
    print(f"wrote {LOCK_FILE.name}: {', '.join(f'{n}=={pins[n]}' for n in names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
