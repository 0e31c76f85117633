"""Checkov over every synthesised stack: fails on any failed check that security/checkov-suppressions.yaml
does not suppress, on any stack Checkov could not parse, and on suppressions that no longer match
anything (so the file never outlives the reasons in it).

usage: .venv/bin/python scripts/security_gate.py <synth-outdir>... [--suppressions FILE]
"""

import argparse
import fnmatch
import json
import os
import subprocess
import sys

import yaml

REQUIRED_FIELDS = ("check", "resource", "stacks", "reason")


def run_checkov(stacks_dir):
    checkov = os.path.join(os.path.dirname(sys.executable), "checkov")
    command = [
        checkov, "-d", stacks_dir, "--framework", "terraform_json",
        "--skip-download", "--quiet", "--compact", "--output", "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        reports = json.loads(result.stdout)
    except json.JSONDecodeError:
        sys.exit(f"security gate: checkov gave no JSON report (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return reports if isinstance(reports, list) else [reports]


def load_suppressions(path):
    with open(path, encoding="utf-8") as handle:
        entries = yaml.safe_load(handle) or []
    for index, entry in enumerate(entries):
        missing = [field for field in REQUIRED_FIELDS if not str(entry.get(field, "")).strip()]
        if missing:
            sys.exit(f"security gate: suppression #{index + 1} in {path} lacks {', '.join(missing)}")
    return entries


def matches(entry, failure):
    return (
        entry["check"] == failure["check"]
        and fnmatch.fnmatchcase(failure["resource"], entry["resource"])
        and fnmatch.fnmatchcase(failure["stack"], entry["stacks"])
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdirs", nargs="+", help="cdktf output folders (each holds stacks/)")
    parser.add_argument("--suppressions", default="security/checkov-suppressions.yaml")
    args = parser.parse_args()

    suppressions = load_suppressions(args.suppressions)
    used = [0] * len(suppressions)
    failures, passed, parse_errors, stacks = [], 0, [], set()

    for outdir in args.outdirs:
        for report in run_checkov(os.path.join(outdir, "stacks")):
            summary = report.get("summary", {})
            passed += summary.get("passed", 0)
            results = report.get("results", {})
            parse_errors += results.get("parsing_errors", [])
            for check in results.get("passed_checks", []) + results.get("failed_checks", []):
                stacks.add(check["file_path"].strip("/").split("/")[0])
            for check in results.get("failed_checks", []):
                failures.append({
                    "check": check["check_id"],
                    "name": check["check_name"],
                    "resource": check["resource"],
                    "stack": check["file_path"].strip("/").split("/")[0],
                })

    unsuppressed = []
    for failure in failures:
        hits = [i for i, entry in enumerate(suppressions) if matches(entry, failure)]
        for i in hits:
            used[i] += 1
        if not hits:
            unsuppressed.append(failure)

    stale = [entry for entry, count in zip(suppressions, used) if count == 0]
    print(f"checkov: {len(stacks)} stacks, {passed} checks passed, "
          f"{len(failures) - len(unsuppressed)} suppressed, {len(unsuppressed)} failed")
    for failure in unsuppressed:
        print(f"  FAILED {failure['check']} {failure['stack']}: {failure['resource']}\n         {failure['name']}")
    for error in parse_errors:
        print(f"  PARSE ERROR {error}: checkov could not read this stack, so it was not checked")
    for entry in stale:
        print(f"  STALE suppression {entry['check']} {entry['stacks']}: {entry['resource']} matched nothing; remove it")
    if not stacks:
        print("  no stacks were scanned")
    return 1 if unsuppressed or parse_errors or stale or not stacks else 0


if __name__ == "__main__":
    sys.exit(main())
