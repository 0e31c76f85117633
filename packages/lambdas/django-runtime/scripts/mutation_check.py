"""Mutation check for the runtime's tests (run by ``scripts/mutation-check``).

Each mutant replaces exact text in one or more of the package's files, in a copy of the package
placed at the same depth under a temporary repository root (``apps/`` and ``.venv`` are linked
from the real one, so the example app and the tools are the same). Then the tests named for it
run there. A mutant is "killed" when they fail; one that survives means a behaviour no test
guards, and the script exits 1.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = PACKAGE_DIR.parents[2]
PACKAGE_PATH = PACKAGE_DIR.relative_to(REPO_ROOT)


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    replacements: tuple[tuple[str, str], ...]
    tests: tuple[str, ...]


MUTANTS = [
    Mutant(
        "headers with underscores reach Django",
        "zonke_runtime/wsgi_adapter/headers.py",
        (('if "_" in name or name in _DROPPED:', "if name in _DROPPED:"),),
        ("tests/test_wsgi_environ.py", "tests/test_django_probes.py"),
    ),
    Mutant(
        "x-forwarded-host trusted without the edge mark",
        "zonke_runtime/wsgi_adapter/headers.py",
        (('from_edge = incoming.get(EDGE_MARK_HEADER) == "1"', "from_edge = True"),),
        ("tests/test_wsgi_environ.py", "tests/test_django_probes.py"),
    ),
    Mutant(
        "event cookies not joined into the Cookie header",
        "zonke_runtime/wsgi_adapter/headers.py",
        (("    if request.cookies:\n", "    if False:\n"),),
        ("tests/test_django_http.py",),
    ),
    Mutant(
        "Set-Cookie comma-joined into headers instead of cookies",
        "zonke_runtime/wsgi_adapter/response.py",
        (('        if key == "set-cookie":\n', "        if False:\n"),),
        ("tests/test_django_probes.py",),
    ),
    Mutant(
        "HEAD answered with the body",
        "zonke_runtime/wsgi_adapter/response.py",
        (("if head_only or status < 200", "if status < 200"),),
        ("tests/test_django_http.py",),
    ),
    Mutant(
        "binary bodies sent as text",
        "zonke_runtime/wsgi_adapter/body_encoding.py",
        (('return b64encode(body).decode("ascii"), True', 'return body.decode("latin-1"), False'),),
        ("tests/test_django_probes.py",),
    ),
    Mutant(
        "base64 request bodies not decoded",
        "zonke_runtime/wsgi_adapter/event.py",
        (("return b64decode(body, validate=True)", "return body.encode()"),),
        ("tests/test_django_http.py",),
    ),
    Mutant(
        "control characters pass the bulk header value check",
        "zonke_runtime/wsgi_adapter/event.py",
        (("bytes([*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F])", "bytes([0x00])"),),
        ("tests/test_http_event.py",),
    ),
    Mutant(
        "any header name passes the bulk header name check",
        "zonke_runtime/wsgi_adapter/event.py",
        (('names.translate(None, _LOWER_CASE_TOKEN_BYTES) == b"\\n" * (len(headers) - 1)', "True"),),
        ("tests/test_http_event.py",),
    ),
    Mutant(
        "rawQueryString re-encoded (parsed and urlencoded again)",
        "zonke_runtime/wsgi_adapter/environ.py",
        (
            (
                '"QUERY_STRING": wsgi_string(request.raw_query),',
                '"QUERY_STRING": wsgi_string(__import__("urllib.parse").parse.urlencode('
                '__import__("urllib.parse").parse.parse_qsl(request.raw_query, keep_blank_values=True))),',
            ),
        ),
        ("tests/test_django_probes.py",),
    ),
    Mutant(
        "stage prefix left in PATH_INFO",
        "zonke_runtime/wsgi_adapter/environ.py",
        (("    stage = request.stage\n", '    stage = ""\n'),),
        ("tests/test_django_probes.py",),
    ),
    Mutant(
        "REMOTE_ADDR from the client-supplied X-Forwarded-For",
        "zonke_runtime/wsgi_adapter/environ.py",
        (
            (
                '"REMOTE_ADDR": request.source_ip,',
                '"REMOTE_ADDR": request.headers.get("x-forwarded-for", "").split(",")[0].strip(),',
            ),
        ),
        ("tests/test_django_probes.py",),
    ),
    Mutant(
        "malformed events raise instead of a 400",
        "zonke_runtime/wsgi_adapter/__init__.py",
        (('        return plain_result(400, f"Bad Request: {error}")\n', "        raise\n"),),
        ("tests/test_django_http.py",),
    ),
    Mutant(
        "Django set up on the first request, not at import",
        "zonke_runtime/handler.py",
        (
            ("application = initialise()\n", "application = None\n"),
            (
                "return serve_http_event(application, event, context, base_path=BASE_PATH)",
                "return serve_http_event(application or initialise(), event, context, base_path=BASE_PATH)",
            ),
        ),
        ("tests/test_init.py",),
    ),
    Mutant(
        "warm events go to Django",
        "zonke_runtime/handler.py",
        (('    if kind == "warm":\n', "    if False:\n"),),
        ("tests/test_warm.py",),
    ),
    Mutant(
        "the warm delay is not held",
        "zonke_runtime/warm.py",
        (("    if delay_ms > 0:\n", "    if False:\n"),),
        ("tests/test_warm.py",),
    ),
    Mutant(
        "a failing command reports exit code 0",
        "zonke_runtime/management.py",
        (("        return _exit_code(exit)\n", "        return 0\n"),),
        ("tests/test_manage.py",),
    ),
    Mutant(
        "stderr not captured",
        "zonke_runtime/output_capture.py",
        (
            (
                'sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), output, output',
                'sys.stdin, sys.stdout = io.StringIO(""), output',
            ),
        ),
        ("tests/test_manage.py",),
    ),
    Mutant(
        "long output keeps only its tail",
        "zonke_runtime/management.py",
        (("    if len(output) <= limit:\n        return output\n", "    return output[-limit:]\n"),),
        ("tests/test_manage.py",),
    ),
]


def copy_package(root: Path) -> Path:
    target = root / PACKAGE_PATH
    shutil.copytree(
        PACKAGE_DIR,
        target,
        ignore=shutil.ignore_patterns("__pycache__", "test-results", ".turbo", "node_modules"),
    )
    (root / "apps").symlink_to(REPO_ROOT / "apps")
    (root / ".venv").symlink_to(REPO_ROOT / ".venv")
    return target


def run(mutant: Mutant) -> tuple[bool, str, float]:
    """(killed, what the tests said last, seconds)."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="zonke-mutant-") as temp:
        package = copy_package(Path(temp))
        path = package / mutant.file
        text = path.read_text()
        for old, new in mutant.replacements:
            if text.count(old) != 1:
                raise SystemExit(f"mutant {mutant.name!r}: {old!r} is not in {mutant.file} exactly once")
            text = text.replace(old, new)
        path.write_text(text)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", *mutant.tests],
            cwd=package,
            capture_output=True,
            text=True,
            timeout=600,
        )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    summary = lines[-1] if lines else result.stderr.strip().splitlines()[-1]
    # Exit code 1: tests failed. Anything else (a crash, no tests) is not a kill.
    return result.returncode == 1, summary, time.monotonic() - started


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or any(word.lower() in m.name.lower() for word in argv)]
    survivors = 0
    print(f"{'mutant':<58} {'result':<9} {'s':>5}  tests said")
    for mutant in chosen:
        killed, summary, seconds = run(mutant)
        survivors += not killed
        print(f"{mutant.name:<58} {'killed' if killed else 'SURVIVED':<9} {seconds:5.1f}  {summary}", flush=True)
    print(f"{len(chosen) - survivors} of {len(chosen)} mutants killed")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
