#!/usr/bin/env python3
"""The benchmark report: `docs/benchmarks.md` and its plots (`docs/benchmarks/*.png`) from the `.bench/*.json` results.

Reads what `make bench` wrote (`.bench/operator.json`, `.bench/controlplane.json`, `.bench/supervisor.json`,
`.bench/localkube-<N>.json`); a result that is missing leaves its section out. Every figure in the report is the
JSON's, with the goals of issue #17 beside it (met or not, never rounded into a pass).

Run: python3 Tools/bench/report.py [--bench-dir .bench] [--output docs/benchmarks.md]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
# Writes a two-job FlinkDeployment needs at the least: 5 objects, the finalizer and one status write.
MINIMUM_WRITES = 7


def load(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def save(figure, path: Path) -> None:
    figure.tight_layout()
    figure.savefig(path, dpi=96)
    plt.close(figure)


def operator_section(report: dict, images: Path, lines: list[str]) -> None:
    apply = [r for r in report["apply"] if r.get("all_supervisors_seconds")]
    if not apply:
        return
    ns = [r["n"] for r in apply]
    op_ms = [r["operator_cpu_seconds"] * 1000 / r["n"] for r in apply]
    lk_ms = [r["localkube_cpu_seconds"] * 1000 / r["n"] for r in apply]
    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    axis.plot(ns, op_ms, "o-", label="operator")
    axis.plot(ns, lk_ms, "s--", label="localkube (the API server)")
    axis.set_xscale("log")
    axis.set_xlabel("FlinkDeployments (N)")
    axis.set_ylabel("CPU ms per FlinkDeployment")
    axis.set_ylim(bottom=0)
    axis.set_title("Cost per FlinkDeployment against N (flat = linear total)")
    axis.legend()
    axis.grid(alpha=0.3)
    save(figure, images / "operator-cpu-per-deployment.png")

    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    axis.plot(ns, [r["all_supervisors_seconds"] for r in apply], "o-")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("FlinkDeployments (N)")
    axis.set_ylabel("seconds")
    axis.set_title("From the first create to every supervisor Deployment")
    axis.grid(alpha=0.3, which="both")
    save(figure, images / "operator-convergence.png")

    lines += [
        "## Operator convergence", "",
        f"`{report['command']}` — {report['binary']} ({report['build']}), {report['cpus']} CPUs, localkube "
        f"{report['localkube']}, {report['started']}" + (f"; code {report['code']}" if report.get("code") else "") + ".", "",
        "| N | all supervisors (s) | rate (/s) | operator CPU ms / FD | localkube CPU ms / FD | writes / FD | "
        "operator RSS (MiB) | writes at rest | load 1 min |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r, op, lk in zip(apply, op_ms, lk_ms):
        lines.append(f"| {r['n']:,} | {r['all_supervisors_seconds']} | {r['rate_per_second']} | {op:.2f} | {lk:.2f} | "
                     f"{r['operator_writes_per_deployment']} | {r['operator_memory_mib'].get('VmRSS')} | "
                     f"{r.get('quiet_writes_total', '-')} | {r['load_average_before'][0]}→{r['load_average_after'][0]} |")
    largest = apply[-1]
    lines += ["", "![CPU per FlinkDeployment](benchmarks/operator-cpu-per-deployment.png)",
              "![Convergence time](benchmarks/operator-convergence.png)", "",
              f"Writes at N={largest['n']:,} (Leases and the bench's own creates excluded), per FlinkDeployment:", ""]
    for what, count in largest["operator_writes"].items():
        lines.append(f"- `{what}`: {count / largest['n']:.2f}")
    without_events = sum(c for w, c in largest["operator_writes"].items() if not w.endswith(" events")) / largest["n"]
    lines += ["", f"Without Events: {without_events:.2f} writes per FlinkDeployment. The minimum possible for the "
              "two-job spec is {MINIMUM_WRITES}: the five objects (FlinkCluster, two FlinkJobs, supervisor Deployment and "
              "Service), the finalizer on the FlinkDeployment, and one status write; the list above shows where the "
              "rest goes.".format(
                  MINIMUM_WRITES=MINIMUM_WRITES), ""]
    smallest = next((r for r in apply if r["n"] >= 100), apply[0])
    ratio = (largest["operator_cpu_seconds"] / largest["n"]) / max(1e-9, smallest["operator_cpu_seconds"] / smallest["n"])
    rss = largest["operator_memory_mib"].get("VmRSS", 0)
    goals = [
        ("converge at 10,000", largest["n"] >= 10000 and largest["supervisors_missing"] == 0,
         f"largest N measured {largest['n']:,}, {largest['supervisors_missing']} missing"),
        ("operator CPU ≤ 2 ms per FlinkDeployment", op_ms[-1] <= 2, f"{op_ms[-1]:.2f} ms at N={largest['n']:,}"),
        ("RSS < 150 MB at 10,000", largest["n"] >= 10000 and rss < 150, f"{rss} MiB at N={largest['n']:,}"),
        (f"cost flat in N (≤ 1.5× from {smallest['n']:,})", ratio <= 1.5, f"{ratio:.2f}× at N={largest['n']:,}"),
        ("localkube not the bottleneck (its CPU below the operator's, or stated apart)", True,
         f"stated apart: {lk_ms[-1]:.2f} ms per FlinkDeployment vs the operator's {op_ms[-1]:.2f}"),
    ]
    for scenario in report.get("reaction", []):
        p99 = scenario["ms_from_patch_response"].get("p99")
        lines.append(f"Reaction at N={scenario['n']:,}, {scenario['iterations']} changes — {scenario['what']}: "
                     f"p50 {scenario['ms_from_patch_response'].get('p50')} ms, p99 {p99} ms, "
                     f"{scenario['operator_writes_per_change']['mean']} writes per change.")
        lines.append("")
        if scenario["scenario"] == "taskSlots":
            goals.append(("reaction p99 < 50 ms at 10,000 (1 hop)", scenario["n"] >= 10000 and p99 is not None and p99 < 50,
                          f"{p99} ms at N={scenario['n']:,}"))
    lines += ["| goal | result | measured |", "|---|---|---|"]
    lines += [f"| {goal} | {verdict(ok)} | {measured} |" for goal, ok, measured in goals]
    lines.append("")


def other_runs_section(reports: list[dict], lines: list[str]) -> None:
    """Further operator runs (`.bench/operator-*.json`): the spread between runs on this shared machine."""
    lines += ["Other runs (`.bench/operator-*.json`): the steps of the profile-driven fixes, and the spread between runs on "
              "this shared machine:", "",
              "| started | code | N | all supervisors (s) | operator CPU ms / FD | writes / FD | operator RSS (MiB) | load 1 min |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for report in sorted(reports, key=lambda r: r["started"]):
        for r in report["apply"]:
            lines.append(f"| {report['started']} | {report.get('code', report['binary'] + ' (' + report['build'] + ')')} | {r['n']:,} | "
                         f"{r['all_supervisors_seconds']} | {r['operator_cpu_seconds'] * 1000 / r['n']:.2f} | "
                         f"{r['operator_writes_per_deployment']} | {r['operator_memory_mib'].get('VmRSS')} | "
                         f"{r['load_average_before'][0]}→{r['load_average_after'][0]} |")
    lines.append("")


def controlplane_section(report: dict, images: Path, lines: list[str]) -> None:
    results = report["results"]
    routes = sorted({r["route"] for r in results})
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    for route in routes:
        rows = [r for r in results if r["route"] == route]
        left.plot([r["connections"] for r in rows], [r["requests_per_second"] for r in rows], "o-", label=route)
        right.plot([r["connections"] for r in rows], [r["operator_cpu_ms_per_request"] for r in rows], "o-", label=route)
    for axis, label in ((left, "requests per second"), (right, "operator CPU ms per request")):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("client connections")
        axis.set_ylabel(label)
        axis.set_ylim(bottom=0)
        axis.grid(alpha=0.3)
        axis.legend()
    figure.suptitle("Control plane over mutual TLS (keep-alive)")
    save(figure, images / "controlplane.png")
    lines += [
        "## Control plane reads", "",
        f"{report['binary']} ({report['build']}), {report['clusters']} clusters, client {report['client']}, "
        f"{report['cpus']} CPUs shared by client and server, {report['started']}.", "",
        "| route | connections | req/s | p50 ms | p99 ms | operator CPU ms/req | client CPU ms/req |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r['route']} | {r['connections']} | {r['requests_per_second']:,} | {r['latency_ms']['p50']} | "
                     f"{r['latency_ms']['p99']} | {r['operator_cpu_ms_per_request']} | {r['client_cpu_ms_per_request']} |")
    status = [r for r in results if r["route"] == "status"]
    best = max((r["requests_per_second"] for r in status), default=0)
    cheapest = min((r["operator_cpu_ms_per_request"] for r in status), default=0)
    at8 = next((r for r in status if r["connections"] == 8), None)
    lines += ["", "![Control plane](benchmarks/controlplane.png)", "",
              "| goal | result | measured |", "|---|---|---|",
              f"| operator CPU ≤ 0.05 ms per status read | {verdict(0 < cheapest <= 0.05)} | {cheapest} ms |",
              f"| ≥ 10,000 status reads/s | {verdict(best >= 10000)} | {best:,} req/s |"]
    if at8:
        lines.append(f"| p99 < 5 ms at 8 connections | {verdict(at8['latency_ms']['p99'] < 5)} | {at8['latency_ms']['p99']} ms |")
    lines.append("")


def supervisor_section(report: dict, jobs: dict | None, images: Path, lines: list[str]) -> None:
    cases = report["cases"]
    lines += ["## Supervisors", "",
              f"{report['binary']} ({report['build']}), {report['started']}; pod execution off: each cluster waits on a "
              "JobManager that never starts, and the window opens once no write but Leases happened for 5 s.", "",
              "RSS counts the pages of the executable and the Swift libraries, which every supervisor on a machine "
              "shares; the private (anonymous) memory and PSS (shared pages divided among their users) are what one "
              "more supervisor costs.", "",
              "| supervisors | RSS mean (MiB) | RSS max (MiB) | private mean (MiB) | PSS mean (MiB) | CPU, all (% of a core) | "
              "CPU per supervisor (%) | writes per supervisor per minute | settled after (s) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in cases:
        lines.append(f"| {c['clusters']} | {c['rss_mib']['mean']} | {c['rss_mib']['max']} | "
                     f"{c['rss_mib'].get('anonymous_mean', '-')} | {c['rss_mib'].get('pss_mean', '-')} | "
                     f"{c['cpu_percent_of_a_core']['all']} | "
                     f"{c['cpu_percent_of_a_core']['per_supervisor']} | {c['writes_per_supervisor_per_minute']} | "
                     f"{c.get('settled_after_seconds', '-')} |")
    figure, axis = plt.subplots(figsize=(6.4, 3.2))
    labels = [str(c["clusters"]) for c in cases]
    axis.bar(labels, [c["rss_mib"].get("pss_total", c["rss_mib"]["total"]) for c in cases])
    axis.set_xlabel("supervisors on one machine")
    axis.set_ylabel("PSS, all of them (MiB)")
    axis.set_title("Memory of N supervisors at rest")
    save(figure, images / "supervisors.png")
    worst_rss = max(c["rss_mib"]["max"] for c in cases)
    worst_cpu = max(c["cpu_percent_of_a_core"]["per_supervisor"] for c in cases)
    lines += ["", "![Supervisors](benchmarks/supervisors.png)", "", "| goal | result | measured |", "|---|---|---|",
              f"| supervisor RSS < 30 MB | {verdict(worst_rss * 1.048576 < 30)} | {worst_rss} MiB at most (RSS); "
              f"{max(c['rss_mib'].get('pss_mean', 0) for c in cases)} MiB PSS, "
              f"{max(c['rss_mib'].get('anonymous_mean', 0) for c in cases)} MiB private |",
              f"| ~0 CPU at rest | {verdict(worst_cpu < 1)} | {worst_cpu} % of a core per supervisor at most |",
              f"| one more supervisor < 30 MB (PSS with {cases[-1]['clusters']} on the machine) | "
              f"{verdict(cases[-1]['rss_mib'].get('pss_mean', 1e9) * 1.048576 < 30)} | {cases[-1]['rss_mib'].get('pss_mean')} MiB |",
              jobs_goal(jobs), ""]
    if jobs:
        lines += [f"With running jobs (`Tools/bench/supervisor_jobs_bench.py`, {jobs['binary']}, {jobs['date']}): "
                  f"{jobs['what']}; polling interval {jobs['polling_interval_seconds']} s, a {jobs['window_seconds']:.0f} s "
                  f"window once no write but Leases happened for 5 s.", "",
                  "| jobs | RSS (MiB) | private (MiB) | PSS (MiB) | CPU (% of a core) | Flink REST calls / min | "
                  "Kubernetes writes / min | all jobs RUNNING after (s) |", "|---:|---:|---:|---:|---:|---:|---:|---:|",
                  f"| {jobs['jobs']} | {jobs['rss_mib']} | {jobs['private_mib']} | {jobs['pss_mib']} | "
                  f"{jobs['cpu_percent_of_a_core']} | {jobs['flink_calls_per_minute']} | {jobs['writes_per_minute']} | "
                  f"{jobs['running_after_seconds']} |", ""]


def jobs_goal(jobs: dict | None) -> str:
    """The goal row of a supervisor with running jobs."""
    if not jobs:
        return "| with 3 running jobs | **not measured** | no `.bench/supervisor-jobs.json` (`Tools/bench/supervisor_jobs_bench.py`) |"
    return (f"| supervisor RSS < 30 MB with {jobs['jobs']} running jobs | {verdict(jobs['rss_mib'] * 1.048576 < 30)} | "
            f"{jobs['rss_mib']} MiB RSS, {jobs['private_mib']} MiB private, {jobs['pss_mib']} MiB PSS; "
            f"{jobs['cpu_percent_of_a_core']} % of a core |")


def localkube_section(results: list[dict], lines: list[str]) -> None:
    lines += ["## localkube (the API server of the benches)", "",
              "What the operator writes for N FlinkDeployments, written by a plain client; localkube's CPU per set.", "",
              "| N | create: CPU ms / FD | delete: CPU ms / FD |", "|---:|---:|---:|"]
    for r in sorted(results, key=lambda r: r.get("n", 0)):
        create, delete = r.get("create", {}), r.get("delete", {})
        lines.append(f"| {r.get('n', 0):,} | {create.get('cpu_ms_per_deployment', '-')} | {delete.get('cpu_ms_per_deployment', '-')} |")
    lines.append("")


def callgrind_section(report: dict, lines: list[str]) -> None:
    lines += ["## Operator instructions (callgrind)", "",
              f"`Tools/bench/callgrind_bench.py`: the operator under valgrind's callgrind while it brings "
              f"{report['n']:,} FlinkDeployments to their supervisor Deployments ({report['binary']}, code "
              f"`{report.get('code', '?')}`). Instruction counts do not move with the machine's load, so this is the "
              "figure to compare across commits.", "",
              f"**{report['instructions_per_deployment']:,} instructions per FlinkDeployment** "
              f"({report['instructions']:,} in all).", "",
              "| own instructions | function |", "|---:|---|"]
    for row in report.get("top_functions", []):
        frames = f" (and {row['frames'] - 1} more frames with this count)" if row.get("frames", 1) > 1 else ""
        name = row["function"].replace("|", "\\|")
        lines.append(f"| {row['percent']:.2f}% | `{name}`{frames} |")
    lines.append("")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench-dir", default=str(REPO / ".bench"))
    parser.add_argument("--output", default=str(REPO / "docs/benchmarks.md"))
    args = parser.parse_args(argv)
    bench, output = Path(args.bench_dir), Path(args.output)
    images = output.parent / "benchmarks"
    images.mkdir(parents=True, exist_ok=True)
    lines = ["# Benchmarks", "",
             "Made by `make bench` (release builds; `Tools/bench/report.py` writes this page and the plots from "
             "`.bench/*.json`). Both processes and the load generator share this machine's 2 cores; the load "
             "average at each run's start and end is recorded. `make bench-compare BASE=<ref>` runs the same suite "
             "on another commit and prints ratios.", ""]
    sections = 0
    if (operator := load(bench / "operator.json")) is not None:
        operator_section(operator, images, lines)
        sections += 1
    others = [json.loads(p.read_text()) for p in sorted(bench.glob("operator-*.json"))]
    if others:
        other_runs_section(others, lines)
    if (controlplane := load(bench / "controlplane.json")) is not None:
        controlplane_section(controlplane, images, lines)
        sections += 1
    if (supervisor := load(bench / "supervisor.json")) is not None:
        supervisor_section(supervisor, load(bench / "supervisor-jobs.json"), images, lines)
        sections += 1
    if (callgrind := load(bench / "callgrind.json")) is not None:
        callgrind_section(callgrind, lines)
        sections += 1
    localkube = [json.loads(p.read_text()) for p in sorted(bench.glob("localkube-*.json"))]
    if localkube:
        localkube_section(localkube, lines)
        sections += 1
    if not sections:
        print(f"no results in {bench}: run `make bench` first", file=sys.stderr)
        return 2
    output.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {output} and {images}/*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
