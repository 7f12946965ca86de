#!/usr/bin/env python3
"""Supervisor benchmark with running jobs (`make bench`, goal (d) of the performance work): what one supervisor costs
while its cluster runs `--jobs` real Flink jobs.

The whole system runs as `make run` does (localkube with pods as processes, the operator from its chart, real Flink
`--flink` from PyPI), with the toolbox's images mapped to `--build` executables. One FlinkDeployment with `--jobs`
CountingJobs (parallelism 1, one slot per TaskManager) is applied; once every job is RUNNING in Flink and no write
but Leases happened for 5 s, and after a warm-up, the bench measures the supervisor pod's process over a window:
RSS, private memory (RssAnon), PSS, CPU (% of one core), the Kubernetes writes of the window (Leases apart; the
operator's too, which has nothing to do at rest) and the Flink REST calls the supervisor made (its
`flink_supervisor_flink_request_duration_seconds` count).

Results go to `.bench/supervisor-jobs.json`.

Run: python3 Tools/bench/supervisor_jobs_bench.py [--jobs 3] [--window 60] [--warmup 15] [--build release]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import operator_bench as ob  # noqa: E402

REPO = ob.REPO
NAMESPACE = "flink-jobs"
COUNTING = "com.nextbreakpoint.toolbox.testjobs.CountingJob"


def deployment(name: str, jobs: int, flink: str, shared: Path, polling: int) -> dict:
    """A FlinkDeployment of `jobs` CountingJobs, each writing its counts under `shared`."""
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment", "metadata": {"name": name},
            "spec": {"cluster": {
                "runtime": {"image": f"flink:{flink}"},
                "jobManager": {"serviceMode": "ClusterIP"},
                "taskManager": {"taskSlots": 1},
                "supervisor": {"image": "flink-k8s-toolbox-supervisor:1.5.0", "pollingInterval": polling,
                               "rescalePolicy": "JobParallelism"}},
                "jobs": [{"name": f"job{i}", "spec": {
                    "jobParallelism": 1,
                    "bootstrap": {"image": "flink-k8s-toolbox-bootstrap:1.5.0", "jarPath": "/opt/jobs/toolbox-test-jobs.jar",
                                  "className": COUNTING,
                                  "arguments": ["--rate", "10", "--output", str(shared / f"bench-job{i}.txt")]},
                    "savepoint": {"savepointMode": "Manual", "savepointInterval": 0,
                                  "savepointTargetPath": f"file://{shared / 'bench-savepoints'}"},
                    "restart": {"restartPolicy": "Never", "restartDelay": 5, "restartTimeout": 180}}}
                    for i in range(1, jobs + 1)]}}


class System:
    """`Tools/run-local.sh` in a temporary folder, detached, without the demo."""

    def __init__(self, root: Path, build: str, flink: str):
        self.root, self.state = root, root / "localkube"
        self.image_map = root / "images.json"
        jobs = REPO / ".cache" / "flink" / f"jobs-{flink}"
        binaries = str(REPO / ".build" / build)
        self.image_map.write_text(json.dumps({"images": [
            {"match": "flink:*", "type": "flink", "version": flink},
            *({"match": f"*flink-k8s-toolbox-{c}:*", "type": "toolbox", "path": binaries, "paths": {"/opt/jobs": str(jobs)}}
              for c in ("operator", "supervisor", "bootstrap"))]}))
        self.env = dict(os.environ, RUN_DIR=str(root), RUN_DETACH="1", RUN_DEMO="0", BIN_DIR=binaries,
                        LOCALKUBE_IMAGE_MAP=str(self.image_map))
        self.kube: ob.Kube | None = None

    def start(self) -> None:
        out = subprocess.run([str(REPO / "Tools" / "run-local.sh")], cwd=REPO, env=self.env, capture_output=True,
                             text=True, timeout=600)
        if out.returncode != 0:
            raise RuntimeError(f"run-local.sh failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        self.kube = ob.Kube(self.state / "kubeconfig", self.state)

    def stop(self) -> None:
        subprocess.run([str(REPO / "Tools" / "run-local.sh"), "stop"], cwd=REPO, env=self.env, capture_output=True,
                       timeout=120)

    def pods(self, selector: str) -> list[dict]:
        path = f"/api/v1/namespaces/{NAMESPACE}/pods?labelSelector={urllib.request.quote(selector)}"
        return [p for p in self.kube.ok("GET", path)["items"] if not p["metadata"].get("deletionTimestamp")]


def container_pid(pod: dict) -> int | None:
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        found = re.match(r"localkube://(\d+)$", status.get("containerID") or "")
        if found and status.get("state", {}).get("running"):
            return int(found.group(1))
    return None


def flink_calls(ip: str) -> dict[str, float]:
    """The Flink REST calls a supervisor made so far, by the labels of its request-duration histogram (the route)."""
    text = urllib.request.urlopen(f"http://{ip}:8080/metrics", timeout=5).read().decode()
    calls = re.findall(r"^flink_supervisor_flink_request_duration_seconds_count(?:\{([^}]*)\})? (\S+)$", text, re.M)
    return {labels or "-": float(value) for labels, value in calls}


def wait(what: str, timeout: float, condition):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:  # noqa: BLE001 - the system is starting; keep asking
            pass
        time.sleep(1)
    raise RuntimeError(f"timed out waiting for {what}")


def measure(args) -> dict:
    root = Path(tempfile.mkdtemp(prefix="bench-supervisor-jobs-"))
    system = System(root, args.build, args.flink)
    try:
        started = time.monotonic()
        system.start()
        kube = system.kube
        name = "bench"
        kube.ok("POST", f"{ob.GROUP}/namespaces/{NAMESPACE}/flinkdeployments",
                deployment(name, args.jobs, args.flink, system.state / "shared", args.polling_interval))
        jobs_path = f"{ob.GROUP}/namespaces/{NAMESPACE}/flinkjobs"

        def running() -> bool:
            items = kube.ok("GET", jobs_path)["items"]
            return len(items) == args.jobs and all((j.get("status") or {}).get("jobStatus") == "RUNNING" for j in items)
        wait(f"{args.jobs} jobs RUNNING", args.timeout, running)
        ready = time.monotonic() - started
        settled = ob.wait_settled(kube, 5.0, 300)
        time.sleep(args.warmup)
        pod = wait("the supervisor pod", 60, lambda: next(iter(system.pods(f"role=supervisor,clusterName={name}")), None))
        pid, ip = container_pid(pod), pod["status"]["podIP"]
        if pid is None:
            raise RuntimeError("the supervisor pod has no running container")
        cpu, writes, calls = ob.cpu_seconds(pid), ob.operator_writes(kube.stats()), flink_calls(ip)
        time.sleep(args.window)
        cpu = ob.cpu_seconds(pid) - cpu
        writes = ob.subtract(ob.operator_writes(kube.stats()), writes)
        calls = ob.subtract(flink_calls(ip), calls)
        memory = ob.memory(pid)
        if not running():
            raise RuntimeError("a job left RUNNING during the window")
        return {
            "jobs": args.jobs, "flink": args.flink, "build": args.build, "binary": f".build/{args.build}/supervisor",
            "polling_interval_seconds": args.polling_interval, "window_seconds": args.window,
            "running_after_seconds": round(ready, 1), "settled_after_seconds": round(settled, 1),
            "rss_mib": memory.get("VmRSS", 0), "private_mib": memory.get("RssAnon", 0), "file_mib": memory.get("RssFile", 0),
            "pss_mib": memory.get("Pss", 0),
            "cpu_percent_of_a_core": round(cpu * 100 / args.window, 3),
            "writes_in_window": writes, "writes_per_minute": round(sum(writes.values()) * 60 / args.window, 2),
            "flink_calls_per_minute": round(sum(calls.values()) * 60 / args.window, 1),
            "flink_calls_in_window": calls,
            "what": f"one supervisor, its cluster running {args.jobs} CountingJobs on real Flink {args.flink} (pods as processes)",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "load": os.getloadavg()[0],
        }
    finally:
        system.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--flink", default="2.3.0")
    parser.add_argument("--build", default="release", choices=["release", "debug"])
    parser.add_argument("--polling-interval", type=int, default=5)
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=600, help="seconds for every job to be RUNNING")
    parser.add_argument("--output", default=str(REPO / ".bench" / "supervisor-jobs.json"))
    args = parser.parse_args(argv)
    for binary in ("operator", "supervisor", "bootstrap"):
        if not (REPO / ".build" / args.build / binary).exists():
            print(f"no .build/{args.build}/{binary}: run `swift build -c {args.build} --product {binary}`", file=sys.stderr)
            return 2
    result = measure(args)
    path = ob.write_report(result, args.output)
    print(json.dumps({k: v for k, v in result.items() if k != "what"}, indent=1))
    print(f"results in {ob.display_path(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
