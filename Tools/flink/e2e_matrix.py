#!/usr/bin/env python3
"""`make e2e-matrix`: the end-to-end suite (Tests/e2e) on one Flink version after another, and the support table.

    python3 Tools/flink/e2e_matrix.py [--versions 1.15.4,2.3.0] [--attempt 1.12.5] [--table]

For each version: Tools/flink/install.sh (PyPI), Tools/flink/build-jobs.sh (the test jobs against that version), then
`E2E_FLINK_VERSION=<v> pytest Tests/e2e` (junit XML and the whole output in .bench/matrix/). A version whose install
or job build fails is recorded with the last lines of the error, and no e2e run. Every result goes into
docs/flink-versions.json (merged by version, so one version can be re-run alone) and docs/flink-versions.md is
written from that file only: the support table is what the last run of each version measured. `--table` only
rewrites the table from the JSON. The executables must be built (`make build`); the versions run one at a time.
The exit code is 0 when every `--versions` version passed; `--attempt` versions (ones not expected to work here,
like the original's 1.11/1.12) are run and recorded the same way but do not change the exit code.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "docs" / "flink-versions.json"
TABLE = REPO / "docs" / "flink-versions.md"
LOGS = REPO / ".bench" / "matrix"
E2E_TIMEOUT = 3600  # seconds for one version's suite: a hung run is recorded, not waited on forever


def run(cmd: list[str], log: Path, env: dict | None = None, timeout: float = 1800) -> tuple[int, float, str]:
    """Runs `cmd` with its output in `log`; (exit code or -1 on timeout, seconds, the output's tail)."""
    started = time.time()
    with open(log, "w") as out:
        try:
            code = subprocess.run(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = -1
    text = log.read_text(errors="replace")
    return code, round(time.time() - started, 1), "\n".join(text.strip().splitlines()[-12:])


def junit_counts(path: Path) -> dict:
    """passed/failed/errors/skipped and the failing tests' names with the first line of their message."""
    if not path.exists():
        return {}
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    failures = []
    for case in suite.iter("testcase"):
        for kind in ("failure", "error"):
            node = case.find(kind)
            if node is not None:
                message = (node.get("message") or node.text or "").strip().splitlines()
                failures.append({"test": case.get("name"), "kind": kind, "message": (message or [""])[0][:300]})
    total, failed, errors, skipped = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    return {"tests": total, "passed": total - failed - errors - skipped, "failed": failed, "errors": errors,
            "skipped": skipped, "failures": failures}


def one_version(version: str) -> dict:
    """Install, build the jobs, run the suite; the result record of `version`."""
    LOGS.mkdir(parents=True, exist_ok=True)
    result = {"version": version, "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "commit": git("rev-parse", "--short", "HEAD")}
    print(f"== {version}: install", flush=True)
    code, seconds, tail = run(["bash", "Tools/flink/install.sh", version], LOGS / f"install-{version}.log")
    result["install_s"] = seconds
    if code != 0:
        return dict(result, outcome="install failed", detail=tail)
    print(f"== {version}: build the test jobs", flush=True)
    code, seconds, tail = run(["bash", "Tools/flink/build-jobs.sh", version], LOGS / f"jobs-{version}.log")
    if code != 0:
        return dict(result, outcome="job build failed", detail=tail)
    print(f"== {version}: e2e suite", flush=True)
    junit = LOGS / f"junit-{version}.xml"
    junit.unlink(missing_ok=True)
    env = dict(os.environ, E2E_FLINK_VERSION=version)
    code, seconds, tail = run([sys.executable, "-m", "pytest", "Tests/e2e", "-q", "-p", "no:cacheprovider",
                               f"--junitxml={junit}"], LOGS / f"e2e-{version}.log", env, E2E_TIMEOUT)
    counts = junit_counts(junit)
    result.update(e2e_s=seconds, **counts)
    if code == -1:
        return dict(result, outcome="timeout", detail=tail)
    if not counts:
        return dict(result, outcome="no result", detail=tail)
    return dict(result, outcome="passed" if code == 0 else "failed")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()


def java_version() -> str:
    out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "([^"]+)"', out)
    return match.group(1) if match else "?"


def load() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {"results": {}}


def minute(seconds) -> str:
    return f"{seconds / 60:.1f} min" if isinstance(seconds, (int, float)) else ""


def table(data: dict) -> str:
    """docs/flink-versions.md from the recorded results."""
    def key(version: str):
        return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))
    rows = []
    for version in sorted(data["results"], key=key, reverse=True):
        r = data["results"][version]
        tests = f"{r['passed']}/{r['tests']}" if "tests" in r else ""
        notes = "; ".join(f"`{f['test']}`: {f['message']}".replace("|", "\\|") for f in r.get("failures", []))
        if r["outcome"] in ("install failed", "job build failed", "timeout", "no result"):
            notes = (r.get("note") or r.get("detail", "").splitlines()[-1:] or [""])[0].replace("|", "\\|")
        elif r.get("note"):
            notes = (notes + "; " if notes else "") + r["note"]
        rows.append(f"| {version} | **{r['outcome']}** | {tests} | {minute(r.get('e2e_s'))} | {r['commit']} | "
                    f"{r['date']} | {notes} |")
    env = data.get("environment", {})
    return "\n".join([
        "# Flink versions",
        "",
        "Written by `make e2e-matrix` (`Tools/flink/e2e_matrix.py`) from `docs/flink-versions.json`: each row is the last",
        "run of the end-to-end suite (`Tests/e2e`: the operator, supervisors and bootstraps on localkube with a real Flink",
        "cluster of that version from PyPI, the test jobs compiled against it) on that version. Do not edit by hand;",
        "re-run one version with `make e2e-matrix E2E_MATRIX_VERSIONS=1.18.1`.",
        "",
        f"Machine of the last run: {env.get('machine', '?')}, Java {env.get('java', '?')}, Python {env.get('python', '?')}.",
        "",
        "| Flink | result | e2e tests passed | e2e time | commit | run | notes |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        *[line for line in data.get("notes", [])],
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default=os.environ.get("E2E_MATRIX_VERSIONS", ""),
                        help="comma or space separated Flink versions")
    parser.add_argument("--attempt", default=os.environ.get("E2E_MATRIX_ATTEMPT", ""),
                        help="versions to try and record without requiring them to pass")
    parser.add_argument("--table", action="store_true", help="only rewrite docs/flink-versions.md from the JSON")
    args = parser.parse_args()
    data = load()
    required = [v for v in re.split(r"[,\s]+", args.versions) if v]
    attempts = [v for v in re.split(r"[,\s]+", args.attempt) if v and v not in required]
    if not args.table:
        if not required and not attempts:
            parser.error("no versions (--versions or E2E_MATRIX_VERSIONS)")
        data["environment"] = {"machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
                               "java": java_version(), "python": platform.python_version()}
        for version in required + attempts:
            started = time.time()
            result = one_version(version)
            previous = data["results"].get(version, {})
            if previous.get("note"):
                result["note"] = previous["note"]  # an explanation written after an earlier run stays
            result["required"] = version in required
            data["results"][version] = result
            RESULTS.write_text(json.dumps(data, indent=1) + "\n")
            TABLE.write_text(table(data))
            print(f"== {version}: {result['outcome']} {result.get('passed', '')}/{result.get('tests', '')} "
                  f"in {time.time() - started:.0f} s", flush=True)
    TABLE.write_text(table(data))
    print(TABLE.read_text())
    if args.table:
        return 0
    return 0 if all(data["results"][v]["outcome"] == "passed" for v in required) else 1


if __name__ == "__main__":
    sys.exit(main())
