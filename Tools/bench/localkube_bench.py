#!/usr/bin/env python3
"""localkube's own cost per object, without the operator (no Swift build needed).

For each N, on a fresh localkube with the toolbox CRDs, a plain HTTP client writes per FlinkDeployment what the
operator writes for one (Tools/bench/operator_bench.py runs the real operator):

- the FlinkDeployment `bench-<i>` and its status;
- a FlinkCluster (ownerReference to the FlinkDeployment, the operator's finalizer) and its status;
- two FlinkJobs (ownerReferences to the FlinkDeployment);
- the supervisor Deployment and Service `supervisor-<cluster>` (ownerReferences to the FlinkCluster);
- an Event about the FlinkDeployment;

while watches (as the operator's informers) follow every one of these resources. Then it deletes the N
FlinkDeployments (Background), removes the finalizer of each FlinkCluster once it is terminating, and waits until the
garbage collector deleted everything.

It reports, per phase ("create" and "delete"), the wall time and localkube's CPU seconds (from /proc/<pid>/stat) in
total and per FlinkDeployment, and writes JSON to `.bench/localkube-<N>.json`. With `--runtime` localkube also runs
its Deployment controller and Endpoints (the supervisor's pods are created, and stay Pending: their image is not in
the image map, so no process runs).

Run: python3 Tools/bench/localkube_bench.py [--sizes 100,1000,5000] [--threads 8] [--runtime] [--profile]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from operator_bench import (DEPLOYMENT_SPEC, GROUP, NAMESPACE, REPO, Kube, Watch, apply_toolbox_crds, cpu_seconds, log,  # noqa: E402
                            memory, stop_process, wait_for_line)

FINALIZER = "operator.nextbreakpoint.com"
MERGE = "application/merge-patch+json"
WATCHED = [f"{GROUP}/namespaces/{NAMESPACE}/{p}" for p in ("flinkdeployments", "flinkclusters", "flinkjobs")] + [
    f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments", f"/api/v1/namespaces/{NAMESPACE}/services",
    f"/api/v1/namespaces/{NAMESPACE}/pods", f"/api/v1/namespaces/{NAMESPACE}/endpoints"]


def owner(obj: dict, api_version: str, kind: str) -> dict:
    """A controller ownerReference to `obj` (as the operator sets them)."""
    return {"apiVersion": api_version, "kind": kind, "name": obj["metadata"]["name"], "uid": obj["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}


def supervisor_deployment(name: str, cluster: dict) -> dict:
    """A Deployment shaped like the operator's supervisor Deployment."""
    labels = {"owner": "flink-operator", "role": "supervisor", "clusterName": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": f"supervisor-{name}", "labels": labels,
                         "ownerReferences": [owner(cluster, "nextbreakpoint.com/v1", "FlinkCluster")]},
            "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": {
                "metadata": {"labels": labels}, "spec": {"serviceAccountName": "default", "containers": [{
                    "name": "supervisor", "image": "flink-k8s-toolbox-supervisor:1.5.0", "imagePullPolicy": "Never",
                    "args": ["supervisor", "run", "--cluster-name", name, "--polling-interval", "5"],
                    "ports": [{"name": "api", "containerPort": 4445}],
                    "env": [{"name": "NAMESPACE", "value": NAMESPACE}],
                    "resources": {"limits": {"cpu": "1", "memory": "200Mi"}}}]}}}}


def supervisor_service(name: str, cluster: dict) -> dict:
    """A Service shaped like the operator's supervisor API Service."""
    labels = {"owner": "flink-operator", "role": "supervisor", "clusterName": name}
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": f"supervisor-{name}", "labels": labels,
                         "ownerReferences": [owner(cluster, "nextbreakpoint.com/v1", "FlinkCluster")]},
            "spec": {"selector": labels, "ports": [{"name": "api", "port": 4445, "targetPort": 4445}]}}


class Localkube:
    """A fresh localkube (API only, or with --runtime) with the toolbox CRDs and namespace `bench`."""

    def __init__(self, root: Path, size: int, runtime: bool, profile: bool):
        self.dir = root / f"n{size}"
        self.dir.mkdir(parents=True)
        self.runtime, self.profile, self.process = runtime, profile, None

    def start(self) -> None:
        """Start localkube, apply the CRDs and create the namespace."""
        out = self.dir / "localkube.out"
        args = [sys.executable, "-m", "localkube", "--state-dir", str(self.dir / "localkube"), "--port", "0", "--exit-with-parent"]
        if self.profile:
            args[1:3] = ["-m", "cProfile", "-o", str(self.dir / "localkube.prof"), "-m", "localkube"]
        if self.runtime:
            args += ["--runtime", "--no-rbac"]
        with out.open("wb") as handle:
            self.process = subprocess.Popen(args, cwd=REPO / "Tools/localkube", stdout=handle,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        match = wait_for_line(out, r"localkube listening on (\S+) kubeconfig=(\S+)", self.process, 60)
        self.kube = Kube(Path(match.group(2)), self.dir)
        apply_toolbox_crds(self.kube)
        self.kube.ok("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace",
                                                     "metadata": {"name": NAMESPACE}})

    def cpu(self) -> float:
        """localkube's CPU seconds so far."""
        return cpu_seconds(self.process.pid)

    def settle(self, quiet: float = 1.0, timeout: float = 1800) -> None:
        """Wait until localkube used less than 2% of a CPU for `quiet` seconds (its controllers are done)."""
        deadline = time.monotonic() + timeout
        last = self.cpu()
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = self.cpu()
            if now - last < 0.02 * quiet:
                return
            last = now
        raise RuntimeError("localkube did not settle")

    def stop(self) -> None:
        """SIGTERM (cProfile writes its profile on a clean exit)."""
        stop_process(self.process, grace=60)


def create_one(kube: Kube, i: int) -> None:
    """Everything the operator writes for one FlinkDeployment."""
    name = f"bench-{i:05d}"
    ns_group = f"{GROUP}/namespaces/{NAMESPACE}"
    fd = kube.ok("POST", f"{ns_group}/flinkdeployments", {
        "apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment",
        "metadata": {"name": name, "namespace": NAMESPACE}, "spec": DEPLOYMENT_SPEC})
    fd_ref = owner(fd, "nextbreakpoint.com/v1", "FlinkDeployment")
    cluster = kube.ok("POST", f"{ns_group}/flinkclusters", {
        "apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkCluster",
        "metadata": {"name": name, "labels": {"deploymentName": name}, "ownerReferences": [fd_ref],
                     "finalizers": [FINALIZER]}, "spec": DEPLOYMENT_SPEC["cluster"]})
    for job in DEPLOYMENT_SPEC["jobs"]:
        kube.ok("POST", f"{ns_group}/flinkjobs", {
            "apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob",
            "metadata": {"name": f"{name}-{job['name']}", "labels": {"clusterName": name}, "ownerReferences": [fd_ref]},
            "spec": job["spec"]})
    kube.ok("POST", f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments", supervisor_deployment(name, cluster))
    kube.ok("POST", f"/api/v1/namespaces/{NAMESPACE}/services", supervisor_service(name, cluster))
    kube.ok("PATCH", f"{ns_group}/flinkclusters/{name}/status", {"status": {"supervisorStatus": "Unknown"}}, MERGE)
    kube.ok("PATCH", f"{ns_group}/flinkdeployments/{name}/status", {"status": {"resourceStatus": "Updating"}}, MERGE)
    kube.ok("POST", f"/api/v1/namespaces/{NAMESPACE}/events", {
        "apiVersion": "v1", "kind": "Event", "metadata": {"generateName": f"{name}."},
        "involvedObject": {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment", "name": name,
                           "namespace": NAMESPACE, "uid": fd["metadata"]["uid"]},
        "reason": "Created", "message": "FlinkCluster and FlinkJobs created", "type": "Normal", "count": 1,
        "source": {"component": "flink-operator"}})


def delete_one(kube: Kube, i: int) -> None:
    """Delete a FlinkDeployment in the background; the garbage collector does the rest."""
    kube.ok("DELETE", f"{GROUP}/namespaces/{NAMESPACE}/flinkdeployments/bench-{i:05d}",
            {"propagationPolicy": "Background"}, accept=(200, 202))


class Follower:
    """Watches every resource the operator follows; removes the finalizer of terminating FlinkClusters."""

    def __init__(self, kube: Kube):
        self.kube, self.events, self.lock = kube, 0, threading.Lock()
        self.live: dict[str, set] = {path: set() for path in WATCHED}
        self.pool = ThreadPoolExecutor(2)
        self.watches = [Watch(kube, path, kube.ok("GET", f"{path}?limit=1")["metadata"]["resourceVersion"],
                              lambda event, at, path=path: self.on_event(path, event)) for path in WATCHED]

    def on_event(self, path: str, event: dict) -> None:
        """Count the event, note what exists; a terminating FlinkCluster with the finalizer gets it removed."""
        meta = event["object"]["metadata"]
        with self.lock:
            self.events += 1
            (self.live[path].discard if event["type"] == "DELETED" else self.live[path].add)(meta["name"])
        if event["object"].get("kind") == "FlinkCluster" and meta.get("deletionTimestamp") and \
                FINALIZER in (meta.get("finalizers") or []):
            self.pool.submit(self.kube.request, "PATCH",
                             f"{GROUP}/namespaces/{NAMESPACE}/flinkclusters/{meta['name']}",
                             {"metadata": {"finalizers": [], "resourceVersion": meta["resourceVersion"]}}, MERGE)

    def remaining(self) -> int:
        """Objects (seen on the watches) the bench or the garbage collector still has to delete."""
        with self.lock:
            return sum(len(self.live[path]) for path in WATCHED[:6])

    def stop(self) -> None:
        """End the watches."""
        for watch in self.watches:
            watch.stop()
        self.pool.shutdown()




def phase(lk: Localkube, size: int, threads: int, work) -> dict:
    """Run `work(kube, i)` for i in 1..size on `threads` threads, then wait for localkube to settle."""
    cpu0, t0 = lk.cpu(), time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: work(lk.kube, i), range(1, size + 1)))
    t_requests = time.monotonic() - t0
    return {"requests_seconds": round(t_requests, 2), "cpu0": cpu0, "t0": t0}


def finish(lk: Localkube, size: int, started: dict, follower: Follower | None) -> dict:
    """Close a phase: wait until done and settled; CPU and wall time in total and per FlinkDeployment."""
    if follower is not None:
        deadline = time.monotonic() + 1800
        while follower.remaining():
            if time.monotonic() > deadline:
                raise RuntimeError("objects left after deleting")
            time.sleep(0.05)
    done = time.monotonic() - started["t0"]
    cpu_done = lk.cpu() - started["cpu0"]
    lk.settle()
    cpu = lk.cpu() - started["cpu0"]
    return {"requests_seconds": started["requests_seconds"], "wall_seconds": round(done, 2),
            "cpu_seconds": round(cpu, 2), "cpu_seconds_until_done": round(cpu_done, 2),
            "cpu_ms_per_deployment": round(cpu * 1000 / size, 2),
            "wall_ms_per_deployment": round(done * 1000 / size, 2)}


def run_size(root: Path, size: int, args) -> dict:
    """One N on a fresh localkube."""
    lk = Localkube(root, size, args.runtime, args.profile)
    follower = None
    try:
        lk.start()
        follower = Follower(lk.kube)
        lk.settle()
        log(f"N={size}: creating")
        create = finish(lk, size, phase(lk, size, args.threads, create_one), None)
        log(f"N={size}: create {create}")
        stats = lk.kube.stats()
        log(f"N={size}: deleting")
        delete = finish(lk, size, phase(lk, size, args.threads, delete_one), follower)
        log(f"N={size}: delete {delete}")
        result = {"n": size, "runtime": args.runtime, "threads": args.threads, "create": create, "delete": delete,
                  "cpu_ms_per_deployment": round(create["cpu_ms_per_deployment"] + delete["cpu_ms_per_deployment"], 2),
                  "localkube_memory_mib": memory(lk.process.pid), "watch_events": follower.events,
                  "requests_after_create": stats.get("requests", {}), "load_average": os.getloadavg(),
                  "profile": args.profile, "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    finally:
        if follower is not None:
            follower.stop()
        lk.stop()
    if args.profile:
        target = REPO / f".bench/localkube-{size}.prof"
        shutil.copy(lk.dir / "localkube.prof", target)
        log(f"profile: {target}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,5000", help="comma-separated numbers of FlinkDeployments")
    parser.add_argument("--threads", type=int, default=8, help="concurrent requests")
    parser.add_argument("--runtime", action="store_true", help="localkube --runtime (pods created, none runs)")
    parser.add_argument("--profile", action="store_true", help="run localkube under cProfile (.bench/localkube-N.prof)")
    parser.add_argument("--output-dir", default=str(REPO / ".bench"))
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="localkube-bench-"))
    out_dir = Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            result = run_size(root, size, args)
            result["command"] = " ".join(["python3", "Tools/bench/localkube_bench.py"] + (argv or sys.argv[1:]))
            (out_dir / f"localkube-{size}.json").write_text(json.dumps(result, indent=2) + "\n")
            print(f"N={size:>6}  create: {result['create']['cpu_ms_per_deployment']:>7} ms CPU/FD, "
                  f"{result['create']['wall_seconds']:>7} s   delete: {result['delete']['cpu_ms_per_deployment']:>7} "
                  f"ms CPU/FD, {result['delete']['wall_seconds']:>7} s   "
                  f"total {result['cpu_ms_per_deployment']} ms CPU/FD",
                  flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
