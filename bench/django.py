#!/usr/bin/env python3
"""Our Django Lambda handler (zonke_runtime.handler: the WSGI adapter, warm and manage events)
against apig-wsgi 2.20.0 (WSGI) and Mangum 0.22.0 (ASGI, on Django's ASGI application), in one
run, on the same app and the same Function URL (payload 2.0) events:

1. Warm latency: the same two views, apps/example-django's JSON list (GET /api/items/, 20 items
   with their categories) and its HTML page (GET /, a template with static URLs from the
   collectstatic manifest), on SQLite. Each handler is called in this process with the event
   and a Lambda context, as the runtime interface client calls it, and timed per request
   (perf_counter_ns around the call; the event is copied outside the timing). After a warm-up,
   the contenders take turns in rounds, each round a batch per contender and view, the order
   rotating, so drifts in the machine's speed hit all of them alike. Medians (and p90) over all
   requests. Goal: ours / the faster peer <= 1.0x for each view.
2. Cold init: each handler module imported in a fresh interpreter (the same environment, byte
   code already compiled as in the image): the time to import it, which is Lambda's init (ours
   sets Django up and imports the URLconf then; the peers' usual handler modules only set Django
   up), and the time to the first answer to the JSON list event, which is what a cold request
   waits for. Medians of --cold-runs, contenders interleaved. No goal: reported for comparison.

    npm run bench:django [-- --rounds 20 --batch 50 --warmup 200 --cold-runs 15]
    .venv/bin/python bench/django.py  (the same)

Setup (not timed): a scratch directory with the SQLite database, migrated, seeded and its static
files collected through the image's own commands (``python -m zonke_runtime.entry migrate`` and
``manage ...``). Prints a table and writes bench/results/django.json with the raw numbers.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

# This file is bench/django.py, and Python puts its directory first on sys.path: without this,
# `import django` would import this script instead of Django.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

ROOT = Path(__file__).resolve().parent.parent
APP_DIR = ROOT / "apps" / "example-django"
RUNTIME_DIR = ROOT / "packages" / "lambdas" / "django-runtime"
RESULTS = ROOT / "bench" / "results" / "django.json"

FUNCTION_URL_HOST = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws"
VIEWER_HOST = "shop.example"
CONTENDERS = ("ours", "apig-wsgi", "Mangum")
PEERS = ("apig-wsgi", "Mangum")
# What each contender's handler module is, as its documentation has users write it.
HANDLER_MODULES = {
    "ours": "from zonke_runtime.handler import handler",
    "apig-wsgi": (
        "from apig_wsgi import make_lambda_handler\n"
        "from django.core.wsgi import get_wsgi_application\n"
        "handler = make_lambda_handler(get_wsgi_application(), binary_support=True)"
    ),
    "Mangum": (
        "from mangum import Mangum\n"
        "from django.core.asgi import get_asgi_application\n"
        "handler = Mangum(get_asgi_application(), lifespan='off')"
    ),
}
SEED = """
from decimal import Decimal
from catalog.models import Category, Item
lamps, chairs, tables = (Category.objects.create(name=n) for n in ("Lamps", "Chairs", "Tables"))
for i in range(20):
    Item.objects.create(name=f"Item {i:02d}", description="A thing " * 8,
                        price=Decimal("9.99") + i, category=(lamps, chairs, tables, None)[i % 4])
"""


def function_url_event(path: str, query: str = "") -> dict[str, Any]:
    """A GET as Lambda builds it behind zonke's CloudFront (edge mark, viewer host)."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {
            "host": FUNCTION_URL_HOST,
            "user-agent": "Amazon CloudFront",
            "accept": "text/html,application/json;q=0.9,*/*;q=0.8",
            "accept-encoding": "gzip",
            "via": "2.0 abc.cloudfront.net (CloudFront)",
            "x-amzn-trace-id": "Root=1-67890abc-0123456789abcdef01234567",
            "x-forwarded-for": "203.0.113.7, 130.176.1.10",
            "x-forwarded-port": "443",
            "x-forwarded-proto": "https",
            "x-forwarded-host": VIEWER_HOST,
            "x-zonke-edge": "1",
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": "abcdefghijklmnopqrstuvwxyz012345",
            "domainName": FUNCTION_URL_HOST,
            "domainPrefix": "abcdefghijklmnopqrstuvwxyz012345",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "130.176.1.10",
                "userAgent": "Amazon CloudFront",
            },
            "requestId": "c7d9b6f0-0000-4000-8000-000000000000",
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2026:08:00:00 +0000",
            "timeEpoch": 1795334400000,
        },
        "isBase64Encoded": False,
    }


VIEWS = {
    "JSON list": function_url_event("/api/items/", "limit=20"),
    "HTML page": function_url_event("/"),
}


@dataclass
class LambdaContext:
    aws_request_id: str = "c7d9b6f0-0000-4000-8000-000000000000"
    function_name: str = "bench-django"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:bench-django"
    memory_limit_in_mb: str = "1536"
    log_group_name: str = "/aws/lambda/bench-django"
    log_stream_name: str = "2026/11/24/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def app_env(work: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": os.pathsep.join([str(APP_DIR), str(RUNTIME_DIR)]),
        "DJANGO_SETTINGS_MODULE": "example_django.settings",
        "DJANGO_SECRET_KEY": "bench-secret-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ZONKE_DOMAINS": f"{VIEWER_HOST},.cloudfront.net",
        "DJANGO_SQLITE_PATH": str(work / "db.sqlite3"),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "AWS_REGION": "eu-west-1",
        "AWS_LAMBDA_FUNCTION_NAME": "bench-django",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1536",
        "TZ": ":UTC",
    }


def setup(work: Path, env: dict[str, str]) -> None:
    """Migrates, seeds and collects static files with the image's entry commands."""
    for args in (["migrate"], ["manage", "collectstatic", "--noinput"], ["manage", "shell", "-c", SEED]):
        result = subprocess.run(
            [sys.executable, "-m", "zonke_runtime.entry", *args],
            cwd=APP_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"bench: setup step {' '.join(args[:2])} failed:\n{result.stderr[-3000:]}")


def load_handlers() -> dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]]:
    """Every contender's handler module, run in this process (Django is set up once; each builds
    its own application object and middleware chain)."""
    handlers = {}
    for name in CONTENDERS:
        namespace: dict[str, Any] = {}
        exec(HANDLER_MODULES[name], namespace)  # noqa: S102  (our own constant source)
        handlers[name] = namespace["handler"]
    return handlers


def decoded_body(result: dict[str, Any]) -> bytes:
    import base64

    body = result.get("body") or ""
    return base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()


def check_answers(handlers: dict[str, Callable[..., dict[str, Any]]]) -> dict[str, dict[str, int]]:
    """Every contender answers every view 200 with the same content; returns the body sizes."""
    sizes: dict[str, dict[str, int]] = {}
    for view, event in VIEWS.items():
        bodies = {}
        for name, handler in handlers.items():
            result = handler(copy.deepcopy(event), LambdaContext())
            if result.get("statusCode") != 200:
                sys.exit(f"bench: {name} answered {view} with {result.get('statusCode')}: {decoded_body(result)[:500]!r}")
            bodies[name] = decoded_body(result)
        if view == "JSON list":
            parsed = {name: json.loads(body) for name, body in bodies.items()}
            if len({json.dumps(value, sort_keys=True) for value in parsed.values()}) != 1:
                sys.exit("bench: the contenders' JSON answers differ")
            if len(parsed["ours"]["results"]) != 20:
                sys.exit("bench: the JSON list does not hold the 20 seeded items")
        elif len(set(bodies.values())) != 1:
            sys.exit("bench: the contenders' HTML pages differ")
        sizes[view] = {name: len(body) for name, body in bodies.items()}
    return sizes


def warm(
    handlers: dict[str, Callable[..., dict[str, Any]]], rounds: int, batch: int, warmup: int
) -> dict[str, dict[str, list[float]]]:
    """Per-request milliseconds: samples[contender][view]."""
    context = LambdaContext()
    for name, handler in handlers.items():
        for event in VIEWS.values():
            for _ in range(warmup):
                handler(copy.deepcopy(event), context)
    samples: dict[str, dict[str, list[float]]] = {name: {view: [] for view in VIEWS} for name in handlers}
    names = list(handlers)
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            handler = handlers[name]
            for view, event in VIEWS.items():
                events = [copy.deepcopy(event) for _ in range(batch)]
                times = samples[name][view]
                gc.collect()
                for each in events:
                    started = time.perf_counter_ns()
                    handler(each, context)
                    times.append((time.perf_counter_ns() - started) / 1e6)
    return samples


COLD_CHILD = """
import json, sys, time
started = time.perf_counter()
{module}
imported = time.perf_counter()
result = handler({event}, None)
answered = time.perf_counter()
assert result["statusCode"] == 200, result
print(json.dumps({{"importMs": (imported - started) * 1000, "firstAnswerMs": (answered - started) * 1000}}))
"""


def cold(env: dict[str, str], runs: int) -> dict[str, dict[str, list[float]]]:
    """Fresh interpreters: import the handler module, then answer the JSON list event."""
    samples: dict[str, dict[str, list[float]]] = {
        name: {"importMs": [], "firstAnswerMs": [], "processMs": []} for name in CONTENDERS
    }
    event = json.dumps(VIEWS["JSON list"])
    for run in range(runs):
        order = CONTENDERS[run % 3 :] + CONTENDERS[: run % 3]
        for name in order:
            code = COLD_CHILD.format(module=HANDLER_MODULES[name], event=f"json.loads({event!r})")
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-c", code], cwd=APP_DIR, env=env, capture_output=True, text=True
            )
            elapsed = (time.perf_counter() - started) * 1000
            if result.returncode != 0:
                sys.exit(f"bench: cold start of {name} failed:\n{result.stderr[-3000:]}")
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            samples[name]["importMs"].append(measured["importMs"])
            samples[name]["firstAnswerMs"].append(measured["firstAnswerMs"])
            samples[name]["processMs"].append(elapsed)
    return samples


def p90(values: list[float]) -> float:
    return sorted(values)[int((len(values) - 1) * 0.9)]


def print_table(rows: list[list[str]]) -> None:
    header = ["measure", "ours", "reference", "ratio", "goal"]
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    print("")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=50, help="requests per contender, view and round")
    parser.add_argument("--warmup", type=int, default=200, help="requests per contender and view")
    parser.add_argument("--cold-runs", type=int, default=15)
    args = parser.parse_args()
    for option in ("rounds", "batch", "cold_runs"):
        if getattr(args, option) < 1:
            parser.error(f"--{option.replace('_', '-')} must be 1 or more")

    work = Path(tempfile.mkdtemp(prefix="zonke-bench-django-"))
    env = app_env(work)
    print(f"bench: setting up apps/example-django on SQLite in {work}")
    setup(work, env)

    os.environ.update(env)
    sys.path[:0] = [str(APP_DIR), str(RUNTIME_DIR)]
    handlers = load_handlers()
    sizes = check_answers(handlers)

    import apig_wsgi
    import django
    import mangum

    versions = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "apig-wsgi": getattr(apig_wsgi, "__version__", None) or _dist_version("apig-wsgi"),
        "mangum": _dist_version("mangum"),
    }
    requests = args.rounds * args.batch
    print(f"bench: warm, {requests} requests per contender and view after {args.warmup} warm-up requests")
    warm_samples = warm(handlers, args.rounds, args.batch, args.warmup)
    print(f"bench: cold, {args.cold_runs} fresh interpreters per contender")
    cold_samples = cold(env, args.cold_runs)

    warm_median = {n: {v: statistics.median(s) for v, s in views.items()} for n, views in warm_samples.items()}
    warm_p90 = {n: {v: p90(s) for v, s in views.items()} for n, views in warm_samples.items()}
    cold_median = {n: {k: statistics.median(s) for k, s in kinds.items()} for n, kinds in cold_samples.items()}

    ms = lambda value: f"{value:.3f} ms"  # noqa: E731
    ms0 = lambda value: f"{value:.0f} ms"  # noqa: E731
    rows: list[list[str]] = []
    ratios: dict[str, float] = {}
    goals: dict[str, bool] = {}
    for view in VIEWS:
        faster = min(PEERS, key=lambda peer: warm_median[peer][view])
        ratio = warm_median["ours"][view] / warm_median[faster][view]
        ratios[f"warm {view}"] = ratio
        goals[f"warm {view}"] = ratio <= 1.0
        rows.append([
            f"warm {VIEWS[view]['rawPath']} {view} (median of {requests})",
            f"{ms(warm_median['ours'][view])} (p90 {ms(warm_p90['ours'][view])})",
            f"{faster} {ms(warm_median[faster][view])} (p90 {ms(warm_p90[faster][view])})",
            f"{ratio:.2f}x",
            f"<= 1.0x vs the faster peer: {'met' if ratio <= 1.0 else 'not met'}",
        ])  # fmt: skip
        for peer in PEERS:
            peer_ratio = warm_median["ours"][view] / warm_median[peer][view]
            ratios[f"warm {view} vs {peer}"] = peer_ratio
            rows.append([
                f"  vs {peer}",
                ms(warm_median["ours"][view]),
                f"{peer} {ms(warm_median[peer][view])} (p90 {ms(warm_p90[peer][view])})",
                f"{peer_ratio:.2f}x",
                "",
            ])  # fmt: skip
    for kind, label in (("importMs", "cold: handler import (init)"), ("firstAnswerMs", "cold: import + first answer")):
        faster = min(PEERS, key=lambda peer: cold_median[peer][kind])
        ratio = cold_median["ours"][kind] / cold_median[faster][kind]
        ratios[f"cold {kind}"] = ratio
        others = ", ".join(f"{peer} {ms0(cold_median[peer][kind])}" for peer in PEERS)
        rows.append([
            f"{label} (median of {args.cold_runs})",
            ms0(cold_median["ours"][kind]),
            others,
            f"{ratio:.2f}x",
            f"vs {faster}",
        ])  # fmt: skip
    print_table(rows)
    print(
        f"\nbodies (bytes): JSON list {sizes['JSON list']['ours']}, HTML page {sizes['HTML page']['ours']}"
        f" (identical for all three); process spawn to exit, median: "
        + ", ".join(f"{n} {ms0(cold_median[n]['processMs'])}" for n in CONTENDERS)
        + f"; Python {versions['python']}, Django {versions['django']}, apig-wsgi {versions['apig-wsgi']},"
        f" Mangum {versions['mangum']}, {os.cpu_count()} CPUs"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "versions": versions,
                "cpus": os.cpu_count(),
                "settings": {
                    "rounds": args.rounds, "batch": args.batch, "warmup": args.warmup,
                    "coldRuns": args.cold_runs, "views": {v: e["rawPath"] for v, e in VIEWS.items()},
                },  # fmt: skip
                "bodyBytes": sizes,
                "warmMs": {"medians": warm_median, "p90": warm_p90, "samples": warm_samples},
                "coldMs": {"medians": cold_median, "samples": cold_samples},
                "ratios": ratios,
                "goals": goals,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


def _dist_version(name: str) -> str:
    from importlib import metadata

    return metadata.version(name)


if __name__ == "__main__":
    sys.exit(main())
