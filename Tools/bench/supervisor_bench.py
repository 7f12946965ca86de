#!/usr/bin/env python3
"""Supervisor benchmark (`make bench`): what supervisors cost on one machine, pod execution off.

On a fresh localkube (API only: no pod runs) the operator manages `--clusters` FlinkDeployments (two jobs each); the
bench then starts one supervisor process per cluster, as its Deployment would (`supervisor run --namespace ...
--cluster-name ...`), with the JobManager URL pointing at a closed local port: each supervisor leads its Lease,
reconciles its cluster (JobManager and TaskManager objects are written, and never run) and then waits on Flink,
polling at its interval. After that and a warm-up, it measures over a window: each supervisor's RSS, the CPU all of them used
(as % of one core, and per supervisor), and the writes they made (Leases apart). The warm-up starts once no
write but Leases happened for 5 s (every supervisor done with what it can do without a JobManager). For 1 and 100 clusters by default.

Results go to `.bench/supervisor.json`.

Run: python3 Tools/bench/supervisor_bench.py [--clusters 1,100] [--window 30] [--warmup 15] [--binary PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import operator_bench as ob  # noqa: E402

REPO = ob.REPO


def supervisor_binary(given: str | None) -> tuple[Path | None, str]:
    if given:
        return Path(given).resolve(), "given"
    for build in ("release", "debug"):
        if (REPO / f".build/{build}/supervisor").exists():
            return REPO / f".build/{build}/supervisor", build
    print("no supervisor executable: run `swift build -c release --static-swift-stdlib --product supervisor`", file=sys.stderr)
    return None, ""


def start_supervisor(binary: Path, env: ob.Environment, name: str, polling: int) -> subprocess.Popen:
    out = env.dir / f"supervisor-{name}.out"
    args = [str(binary), "run", "--namespace", ob.NAMESPACE, "--cluster-name", name, "--polling-interval", str(polling),
            "--task-timeout", "300", "--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0",
            "--kube-config", str(env.kubeconfig), "--job-manager-url", "http://127.0.0.1:9",
            "--supervisor-url", "http://127.0.0.1:9", "--identity", f"bench-{name}"]
    with out.open("wb") as handle:
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    ob.wait_for_line(out, r"api listening on port (\d+)", process, 120)
    return process


def measure(binary: Path, build: str, operator: Path, count: int, args, root: Path) -> dict:
    env = ob.Environment(root, count, operator, None, None)
    supervisors: list[subprocess.Popen] = []
    try:
        env.start()
        names = [f"bench-{i:05d}" for i in range(1, count + 1)]
        ob.create_deployments(env.kube, names, 8)
        deadline = time.monotonic() + 300
        clusters = f"{ob.GROUP}/namespaces/{ob.NAMESPACE}/flinkclusters"
        while len(env.kube.ok("GET", clusters)["items"]) < count:
            if time.monotonic() > deadline:
                raise RuntimeError("the operator did not create every FlinkCluster")
            time.sleep(0.2)
        ob.wait_settled(env.kube, 2.0, 300)
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            supervisors = list(pool.map(lambda n: start_supervisor(binary, env, n, args.polling_interval), names))
        startup = time.monotonic() - started
        # At rest: every supervisor has done what it can without a JobManager (no write but Leases for 5 s).
        settled = ob.wait_settled(env.kube, 5.0, 600)
        time.sleep(args.warmup)
        dead = [p.args for p in supervisors if p.poll() is not None]
        if dead:
            raise RuntimeError(f"{len(dead)} supervisors exited during the warm-up")
        before_cpu = [ob.cpu_seconds(p.pid) for p in supervisors]
        before_writes = ob.operator_writes(env.kube.stats())
        operator_cpu = ob.cpu_seconds(env.operator.pid)
        time.sleep(args.window)
        cpu = [ob.cpu_seconds(p.pid) - b for p, b in zip(supervisors, before_cpu)]
        writes = ob.subtract(ob.operator_writes(env.kube.stats()), before_writes)
        operator_cpu = ob.cpu_seconds(env.operator.pid) - operator_cpu
        memories = [ob.memory(p.pid) for p in supervisors]
        rss = [m.get("VmRSS", 0) for m in memories]

        def mean(key: str) -> float:
            return round(sum(m.get(key, 0) for m in memories) / len(memories), 1)
        phases = {}
        for item in env.kube.ok("GET", clusters)["items"]:
            phase = (item.get("status") or {}).get("supervisorStatus") or (item.get("status") or {}).get("clusterStatus") or "-"
            phases[phase] = phases.get(phase, 0) + 1
        return {
            "clusters": count, "binary": ob.display_path(binary), "build": build,
            "startup_seconds": round(startup, 2), "settled_after_seconds": round(settled, 1), "window_seconds": args.window,
            "polling_interval_seconds": args.polling_interval,
            "rss_mib": {"mean": round(sum(rss) / len(rss), 1), "max": max(rss), "total": round(sum(rss), 1),
                        "anonymous_mean": mean("RssAnon"), "file_mean": mean("RssFile"), "pss_mean": mean("Pss"),
                        "pss_total": round(sum(m.get("Pss", 0) for m in memories), 1)},
            "cpu_percent_of_a_core": {"all": round(sum(cpu) * 100 / args.window, 2),
                                      "per_supervisor": round(sum(cpu) * 100 / args.window / count, 3)},
            "writes_in_window": writes, "writes_per_supervisor_per_minute": round(sum(writes.values()) * 60 / args.window / count, 2),
            "operator_cpu_percent_in_window": round(operator_cpu * 100 / args.window, 2),
            "cluster_status": phases,
            "what": f"{count} supervisor(s), clusters waiting on a JobManager that never starts (API only)",
        }
    finally:
        for process in supervisors:
            ob.stop_process(process)
        env.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=None, help="supervisor executable (default: .build/release, else .build/debug)")
    parser.add_argument("--operator", default=None, help="operator executable (default: .build/release, else .build/debug)")
    parser.add_argument("--clusters", default="1,100", help="comma-separated numbers of clusters (= supervisors)")
    parser.add_argument("--warmup", type=float, default=15.0, help="seconds after the last supervisor started")
    parser.add_argument("--window", type=float, default=30.0, help="seconds measured")
    parser.add_argument("--polling-interval", type=int, default=5)
    parser.add_argument("--output", default=str(REPO / ".bench/supervisor.json"))
    args = parser.parse_args(argv)
    binary, build = supervisor_binary(args.binary)
    operator, _ = ob.operator_binary(args.operator)
    if binary is None or operator is None:
        return 2
    root = Path(tempfile.mkdtemp(prefix="supervisor-bench-"))
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "binary": ob.display_path(binary), "build": build,
              "cpus": os.cpu_count(), "load_average_before": [round(x, 2) for x in os.getloadavg()], "cases": []}
    try:
        for count in [int(c) for c in args.clusters.split(",") if c]:
            ob.log(f"{count} supervisors")
            case = measure(binary, build, operator, count, args, root)
            ob.log(f"{count} supervisors: RSS mean {case['rss_mib']['mean']} MiB, CPU {case['cpu_percent_of_a_core']}")
            report["cases"].append(case)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    output = ob.write_report(report, args.output)
    ob.print_table(f"supervisors ({build}), pod execution off, {args.window} s window after {args.warmup} s", [
        ("clusters", 8, lambda c: c["clusters"]), ("RSS mean MiB", 12, lambda c: c["rss_mib"]["mean"]),
        ("RSS max", 8, lambda c: c["rss_mib"]["max"]), ("anon MiB", 8, lambda c: c["rss_mib"]["anonymous_mean"]),
        ("PSS MiB", 8, lambda c: c["rss_mib"]["pss_mean"]), ("CPU % all", 9, lambda c: c["cpu_percent_of_a_core"]["all"]),
        ("CPU %/sup", 9, lambda c: c["cpu_percent_of_a_core"]["per_supervisor"]),
        ("writes/sup/min", 14, lambda c: c["writes_per_supervisor_per_minute"]), ("status", 0, lambda c: c["cluster_status"])],
        report["cases"])
    print(f"JSON: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
