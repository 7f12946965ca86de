#!/usr/bin/env python3
"""Operator instruction counts (`make bench`): the operator's work for N FlinkDeployments, counted by valgrind's
callgrind, so that a change shows as a repeatable figure instead of a CPU time that moves with the machine's load.

On a fresh localkube (API only, as operator_bench.py) the operator runs under callgrind. Its counters are zeroed once
it leads and its cache is loaded; the bench then creates N FlinkDeployments, waits until every supervisor Deployment
exists and no write happened for a quiet second, and dumps the counters. What it reports: the instructions executed
(Ir) in that window, per FlinkDeployment, and the functions with the most instructions of their own.

Valgrind 3.19 (Debian bookworm) cannot read the DWARF of Swift 6.3 binaries ("Possibly corrupted debuginfo file"),
so the bench runs a copy with the debug sections removed (`objcopy --strip-debug`); the symbol table stays, so
functions keep their (mangled) names, demangled here with `swift demangle --simplified`.

Results go to `.bench/callgrind.json`.

Run: python3 Tools/bench/callgrind_bench.py [--size 100] [--binary PATH] [--top 15]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import operator_bench as ob  # noqa: E402

REPO = ob.REPO


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="FlinkDeployments to create (default 100)")
    parser.add_argument("--binary", help="operator executable (default: the release build)")
    parser.add_argument("--top", type=int, default=15, help="functions listed (default 15)")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--output", default=str(REPO / ".bench/callgrind.json"))
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs, callgrind dumps)")
    return parser.parse_args(argv)


def wrapper(directory: Path, binary: Path) -> Path:
    """A debug-stripped copy of `binary` and a script that runs it under callgrind with collection on."""
    stripped = directory / "operator-nodebug"
    subprocess.run(["objcopy", "--strip-debug", str(binary), str(stripped)], check=True)
    script = directory / "operator-callgrind.sh"
    script.write_text("#!/bin/bash\n"
                      f"exec valgrind --tool=callgrind --callgrind-out-file={directory}/callgrind.out.%p "
                      f"{stripped} \"$@\"\n")
    script.chmod(0o755)
    return script


def callgrind_control(option: str, pid: int) -> None:
    subprocess.run(["callgrind_control", option, str(pid)], check=True, capture_output=True, timeout=120)


def dumped(directory: Path, pid: int, timeout: float = 120) -> Path:
    """The dump `callgrind_control --dump` wrote (callgrind.out.<pid>.<n>), once complete."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dumps = sorted(directory.glob(f"callgrind.out.{pid}.*"))
        if dumps and "totals:" in dumps[-1].read_text(errors="replace")[-4096:]:
            return dumps[-1]
        time.sleep(0.5)
    raise RuntimeError("callgrind wrote no dump")


def demangle(names: list[str]) -> list[str]:
    swift = shutil.which("swift")
    if not swift or not names:
        return names
    result = subprocess.run([swift, "demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True)
    lines = result.stdout.splitlines()
    return lines if result.returncode == 0 and len(lines) == len(names) else names


def top_functions(dump: Path, count: int) -> list[dict]:
    """The functions with the most instructions of their own (callgrind_annotate's default, exclusive counts; its
    `--inclusive=no` lists inclusive ones in valgrind 3.19)."""
    text = subprocess.run(["callgrind_annotate", "--threshold=100", str(dump)], capture_output=True,
                          text=True, check=True).stdout
    rows = []
    for line in text.splitlines():
        # `12,086,379 ( 2.37%)  ???:<symbol> [<object>]`; a symbol may hold spaces and colons (C++), the file may not.
        match = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(?:\?\?\?|[^\s:]+\.(?:c|h|S|cpp|cc)):(.*?)(?: \[[^\]]*\])?$", line)
        if match:
            rows.append((int(match.group(1).replace(",", "")), float(match.group(2)), match.group(3)))
        if len(rows) == count:
            break
    names = demangle([name for _, _, name in rows])
    # Swift's async functions continue each other by tail calls (swift_task_switch), which callgrind's call tracking
    # does not follow: it credits that code to the frames a thread starts with (clone, start_thread, NIO's and
    # Dispatch's thread closures), so their counts are not their own and they are left out.
    entry = re.compile(r"^(clone|start_thread|_dispatch_worker_thread\S*)$|ThreadOpsPosix\.run\(|setupThreadAndEventLoop\(|NIOThread\) -> \(\)")
    kept = [(row, name) for row, name in zip(rows, names) if not entry.search(name)]
    rows, names = [row for row, _ in kept], [name for _, name in kept]
    # Without debug information callgrind credits the same instructions to every frame of a thread's entry chain
    # (start_thread, NIO's thread closures...): rows with one count are one row here, naming how many frames share it.
    merged: list[dict] = []
    for (ir, pct, _), name in zip(rows, names):
        if merged and merged[-1]["instructions"] == ir:
            merged[-1]["frames"] += 1
            continue
        merged.append({"instructions": ir, "percent": pct, "function": name[:160], "frames": 1})
    return merged


def main(argv=None) -> int:
    args = parse(argv)
    if not shutil.which("valgrind") or not shutil.which("objcopy"):
        print("callgrind bench: valgrind and objcopy are needed (apt-get install valgrind binutils)", file=sys.stderr)
        return 2
    binary, build = ob.operator_binary(args.binary)
    if binary is None:
        return 2
    root = Path(tempfile.mkdtemp(prefix="callgrind-bench-"))
    ob.log(f"operator executable: {ob.display_path(binary)} ({build}) under callgrind, N={args.size}")
    env = ob.Environment(root, args.size, wrapper(root, binary), None, None)
    try:
        env.start()
        pid = env.operator.pid
        callgrind_control("--zero", pid)
        load_before = os.getloadavg()
        names = [f"bench-{i:05d}" for i in range(1, args.size + 1)]
        started = time.monotonic()
        ob.create_deployments(env.kube, names, 4)
        expected = {f"supervisor-{name}" for name in names}
        deployments = f"/apis/apps/v1/namespaces/{ob.NAMESPACE}/deployments"
        while True:
            listed = env.kube.ok("GET", deployments)["items"]
            if expected <= {item["metadata"]["name"] for item in listed}:
                break
            if time.monotonic() - started > args.timeout:
                raise RuntimeError(f"not every supervisor Deployment exists after {args.timeout} s")
            time.sleep(1)
        ob.wait_settled(env.kube, 1.0, args.timeout)
        elapsed = time.monotonic() - started
        callgrind_control("--dump", pid)
        dump = dumped(root, pid)
        totals = re.search(r"^totals:\s+(\d+)", dump.read_text(errors="replace"), re.MULTILINE)
        total = int(totals.group(1))
        report = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "binary": ob.display_path(binary),
            "build": build,
            "n": args.size,
            "instructions": total,
            "instructions_per_deployment": round(total / args.size),
            "seconds_under_callgrind": round(elapsed, 1),
            "top_functions": top_functions(dump, args.top + 20)[: args.top],
            "load_average_before": [round(x, 2) for x in load_before],
            "code": subprocess.run(["git", "log", "-1", "--format=%h"], cwd=REPO, capture_output=True,
                                   text=True).stdout.strip(),
        }
    finally:
        env.stop()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1) + "\n")
    print(f"\noperator under callgrind, N={report['n']}: {report['instructions']:,} instructions, "
          f"{report['instructions_per_deployment']:,} per FlinkDeployment ({report['seconds_under_callgrind']} s)")
    for row in report["top_functions"]:
        frames = f" (and {row['frames'] - 1} more frames with this count)" if row["frames"] > 1 else ""
        print(f"  {row['percent']:5.2f}%  {row['function']}{frames}")
    print(f"JSON: {ob.display_path(output)}")
    if args.keep:
        print(f"run folder: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
