#!/usr/bin/env python3
"""`make bench-compare BASE=<git ref>`: the same benchmarks on two commits, side by side, as ratios.

The base commit is checked out in a worktree kept at `.bench/worktrees/base` (reused, so a second comparison builds
incrementally) and its operator is built in release mode there; HEAD's is this checkout's `.build/release`. The
benchmark scripts are this checkout's for both, so both commits run exactly the same suite; base and head alternate
run by run (`--rounds`), so a change in the machine's load hits both. Ratios are head / base: below 1 is better for
costs and latencies, above 1 for rates.

Run: python3 Tools/bench/compare.py --base <ref> [--sizes 100,1000] [--requests 20000] [--rounds 1]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(__file__).resolve().parent
WORKTREE = REPO / ".bench/worktrees/base"
OUT = REPO / ".bench/compare"


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def build(root: Path) -> Path:
    subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", "operator"], cwd=root, check=True)
    return root / ".build/release/operator"


def checkout_base(ref: str) -> str:
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    if not (WORKTREE / ".git").exists():
        WORKTREE.parent.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", str(WORKTREE), commit)
    else:
        git("checkout", "--detach", "--force", commit, cwd=WORKTREE)
    return commit


def run(script: str, binary: Path, output: Path, extra: list[str]) -> dict:
    subprocess.run([sys.executable, str(BENCH / script), "--binary", str(binary), "--output", str(output), *extra], check=True)
    return json.loads(output.read_text())


def figures(operator: dict, controlplane: dict, callgrind: dict | None) -> dict[str, tuple[float, bool]]:
    """name -> (value, higher is better)."""
    values: dict[str, tuple[float, bool]] = {}
    if callgrind:
        values[f"N={callgrind['n']} callgrind: instructions/FD"] = (callgrind["instructions_per_deployment"], False)
    for r in controlplane["results"]:
        key = f"control plane {r['route']} x{r['connections']}"
        values[f"{key}: req/s"] = (r["requests_per_second"], True)
        values[f"{key}: p99 ms"] = (r["latency_ms"]["p99"], False)
        values[f"{key}: operator CPU ms/req"] = (r["operator_cpu_ms_per_request"], False)
    for r in operator["apply"]:
        key = f"N={r['n']}"
        if r.get("all_supervisors_seconds"):
            values[f"{key}: seconds to all supervisors"] = (r["all_supervisors_seconds"], False)
        values[f"{key}: operator CPU ms/FD"] = (r["operator_cpu_seconds"] * 1000 / r["n"], False)
        values[f"{key}: writes/FD"] = (r["operator_writes_per_deployment"], False)
        values[f"{key}: operator RSS MiB"] = (r["operator_memory_mib"].get("VmRSS", 0), False)
    for r in operator["reaction"]:
        values[f"N={r['n']} reaction {r['scenario']}: p99 ms"] = (r["ms_from_patch_response"].get("p99", 0), False)
    return values


def mean(runs: list[dict], name: str) -> float:
    present = [f[name][0] for f in runs if name in f]
    return sum(present) / len(present) if present else float("nan")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="git ref to compare HEAD's working tree with")
    parser.add_argument("--sizes", default="100,1000", help="operator bench sizes")
    parser.add_argument("--requests", default="20000", help="control-plane requests per measurement")
    parser.add_argument("--connections", default="1,8,64")
    parser.add_argument("--reaction-iterations", default="100")
    parser.add_argument("--base-binary", default=None, help="an operator already built from BASE (skips the worktree build)")
    parser.add_argument("--head-binary", default=None, help="an operator already built from this checkout")
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs of each side")
    parser.add_argument("--callgrind-size", type=int, default=100,
                        help="FlinkDeployments of the callgrind count, once per side (0: no callgrind run)")
    args = parser.parse_args(argv)

    commit = git("rev-parse", "--verify", f"{args.base}^{{commit}}")
    head = git("rev-parse", "--short", "HEAD") + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")
    if args.base_binary:  # built before from that commit: no worktree, no build
        base_binary = Path(args.base_binary).resolve()
    else:
        checkout_base(commit)
        base_binary = build(WORKTREE)
    binaries = {"base": base_binary, "head": Path(args.head_binary).resolve() if args.head_binary else build(REPO)}
    if args.head_binary:
        head = f"the given {args.head_binary}"
    OUT.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[dict]] = {"base": [], "head": []}
    for round_ in range(args.rounds):
        for side in ("base", "head"):
            cp = run("controlplane_bench.py", binaries[side], OUT / f"{side}-{round_}-controlplane.json",
                     ["--requests", args.requests, "--connections", args.connections])
            op = run("operator_bench.py", binaries[side], OUT / f"{side}-{round_}-operator.json",
                     ["--sizes", args.sizes, "--reaction-iterations", args.reaction_iterations, "--quiet-seconds", "5"])
            cg = None
            if args.callgrind_size and round_ == 0:  # a count, not a time: one run per side is enough
                cg = run("callgrind_bench.py", binaries[side], OUT / f"{side}-callgrind.json", ["--size", str(args.callgrind_size)])
            runs[side].append(figures(op, cp, cg))
    names = list(dict.fromkeys(name for figures_ in runs["head"] for name in figures_))
    print(f"\nbench-compare: base {args.base} ({commit[:10]}) vs head {head}, {args.rounds} round(s); ratio = head / base")
    print(f"{'figure':<52} {'base':>10} {'head':>10} {'ratio':>7}")
    table = []
    for name in names:
        base, now = mean(runs["base"], name), mean(runs["head"], name)
        higher_better = next(f[name][1] for f in runs["head"] if name in f)
        ratio = now / base if base else float("nan")
        better = (ratio > 1) if higher_better else (ratio < 1)
        mark = "" if abs(ratio - 1) < 0.1 or ratio != ratio else (" better" if better else " WORSE")
        print(f"{name:<52} {base:>10.3f} {now:>10.3f} {ratio:>7.2f}{mark}")
        table.append({"figure": name, "base": base, "head": now, "ratio": ratio, "higher_is_better": higher_better})
    (OUT / "compare.json").write_text(json.dumps({"base": args.base, "base_commit": commit, "head": head,
                                                  "rounds": args.rounds, "figures": table}, indent=2) + "\n")
    print(f"JSON: {OUT / 'compare.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
