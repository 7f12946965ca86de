#!/usr/bin/env python3
"""Operator benchmark (`make bench`): the operator against localkube, API only (no `--runtime`: no pod runs).

For each N (default 1, 100, 1000), on a fresh localkube with the toolbox CRDs and a fresh operator:

- the time from the start of creating N FlinkDeployments (`bench-00001`...) to every `supervisor-<name>` Deployment
  existing (seen on a watch), and the rate;
- after the system settles: the operator's RSS (VmRSS, VmHWM), the CPU seconds the operator and localkube used, the
  writes per resource from localkube's `/localkube/v1/stats`, and the writes (other than Leases) in a quiet period;
- at the largest N (`--reaction-at`): the reaction latency, p50/p99/max over `--reaction-iterations` changes, from
  the PATCH response of a FlinkDeployment change to the watch event of the write it causes:
  * `taskSlots`: `spec.cluster.taskManager.taskSlots` -> the operator's JSON patch of the FlinkCluster (one hop);
  * `pollingInterval`: `spec.cluster.supervisor.pollingInterval` -> FlinkCluster patch -> the supervisor
    Deployment's replacement (two hops).

A `requested-action` annotation is not used: the supervisor consumes it, and no supervisor runs here; an annotation
change on a FlinkDeployment is (correctly) no write at all.

Prints a table and writes the same as JSON to `.bench/operator.json`. Absolute numbers depend on the machine and on
what else runs on it: the load average and CPU seconds are recorded alongside.

Run: python3 Tools/bench/operator_bench.py [--sizes 1,100,1000] [--workers N] [--binary PATH]
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import platform
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
NAMESPACE = "bench"
GROUP = "/apis/nextbreakpoint.com/v1"
LEASE_NAME = "bench-operator-leader"
IDENTITY = "bench-operator"
SUPERVISOR_SELECTOR = "owner=flink-operator,role=supervisor"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The two-job spec of Tests/OperatorTests/OperatorHarness.swift `demoDeploymentSpec`.
DEPLOYMENT_SPEC = {
    "cluster": {
        "taskManagers": 1, "runtime": {"image": "flink:2.3.0"}, "jobManager": {"serviceMode": "ClusterIP"},
        "taskManager": {"taskSlots": 2}, "supervisor": {"image": "flink-k8s-toolbox-supervisor:1.5.0"},
    },
    "jobs": [
        {"name": "a", "spec": {
            "jobParallelism": 1, "bootstrap": {"image": "jobs:1", "className": "C", "jarPath": "/jobs/x.jar"},
            "savepoint": {"savepointMode": "Automatic", "savepointInterval": 0, "savepointTargetPath": "file:///tmp/sp"},
            "restart": {"restartPolicy": "Never"}}},
        {"name": "b", "spec": {
            "jobParallelism": 1, "bootstrap": {"image": "jobs:1", "className": "C", "jarPath": "/jobs/x.jar"},
            "savepoint": {"savepointMode": "Manual", "savepointInterval": 0, "savepointTargetPath": "file:///tmp/sp"},
            "restart": {"restartPolicy": "Always"}}},
    ],
}

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------------
# A small Kubernetes HTTP client (kubeconfig credentials, one persistent connection per thread)

class Kube:
    """Requests to localkube with the credentials of its kubeconfig."""

    def __init__(self, kubeconfig: Path, state_dir: Path):
        config = yaml.safe_load(kubeconfig.read_text())
        context = next(c["context"] for c in config["contexts"] if c["name"] == config.get("current-context", "localkube"))
        cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
        user = next((u["user"] for u in config.get("users", []) if u["name"] == context.get("user")), {}) or {}
        url = urllib.parse.urlsplit(cluster["server"])
        self.https = url.scheme == "https"
        self.host, self.port = url.hostname, url.port or (443 if self.https else 80)
        self.headers = {"Accept": "application/json"}
        if user.get("token"):
            self.headers["Authorization"] = f"Bearer {user['token']}"
        self.ssl_context = None
        if self.https:
            context_ = ssl.create_default_context()
            if cluster.get("certificate-authority-data"):
                context_.load_verify_locations(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
            if user.get("client-certificate-data"):
                cert, key = state_dir / "bench-client.crt", state_dir / "bench-client.key"
                cert.write_bytes(base64.b64decode(user["client-certificate-data"]))
                key.write_bytes(base64.b64decode(user["client-key-data"]))
                context_.load_cert_chain(str(cert), str(key))
            context_.check_hostname = False
            self.ssl_context = context_
        self.local = threading.local()

    def connection(self, timeout: float | None = 60) -> http.client.HTTPConnection:
        if self.https:
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, body=None, content_type: str = "application/json"):
        """(status, decoded JSON body); retries once on a dropped keep-alive connection."""
        data = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = self.connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                return response.status, (json.loads(raw) if raw else None)
            except (http.client.HTTPException, ConnectionError, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def ok(self, method: str, path: str, body=None, content_type: str = "application/json", accept=(200, 201)):
        status, answer = self.request(method, path, body, content_type)
        if status not in accept:
            raise RuntimeError(f"{method} {path}: {status} {json.dumps(answer)[:500]}")
        return answer

    def stats(self) -> dict:
        return self.ok("GET", "/localkube/v1/stats")


class Watch:
    """A watch stream in a thread: `on_event(event, monotonic_time)` for every event; resumes when the server ends it."""

    def __init__(self, kube: Kube, path: str, resource_version: str, on_event, label_selector: str | None = None):
        self.kube, self.path, self.rv, self.on_event, self.selector = kube, path, resource_version, on_event, label_selector
        self.stopped = False
        self.conn = None
        self.error = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopped:
            query = {"watch": "1", "resourceVersion": self.rv, "allowWatchBookmarks": "true"}
            if self.selector:
                query["labelSelector"] = self.selector
            self.conn = self.kube.connection(timeout=None)
            try:
                self.conn.request("GET", f"{self.path}?{urllib.parse.urlencode(query)}", headers=self.kube.headers)
                response = self.conn.getresponse()
                if response.status != 200:
                    raise RuntimeError(f"watch {self.path}: {response.status} {response.read()[:300]!r}")
                while not self.stopped:
                    line = response.readline()
                    if not line:
                        break
                    now = time.monotonic()
                    event = json.loads(line)
                    if event.get("type") == "ERROR":
                        raise RuntimeError(f"watch {self.path}: {event}")
                    self.rv = event["object"]["metadata"].get("resourceVersion", self.rv)
                    if event.get("type") != "BOOKMARK":
                        self.on_event(event, now)
            except Exception as error:  # noqa: BLE001 - reported by the caller
                if not self.stopped:
                    self.error = error
                    log(f"watch {self.path} failed: {error}")
                return
            finally:
                self.conn.close()

    def stop(self) -> None:
        self.stopped = True
        try:
            if self.conn is not None and self.conn.sock is not None:
                self.conn.sock.shutdown(2)
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------------------------------
# Processes

def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def memory(pid: int) -> dict:
    """MiB: VmRSS and VmHWM, RssAnon (private, what the process adds) and RssFile (mapped files: the executable and
    shared libraries, shared by every process that maps them), and Pss (each shared page divided among its users)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key == "Pss":
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    return values


def stop_process(process: subprocess.Popen | None, grace: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for_line(path: Path, pattern: str, process: subprocess.Popen, timeout: float) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        match = re.search(pattern, text)
        if match:
            return match
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited ({process.returncode}):\n{text[-3000:]}")
        time.sleep(0.02)
    raise RuntimeError(f"no /{pattern}/ in {path} after {timeout} s")


def apply_toolbox_crds(kube: Kube) -> None:
    """Creates the chart's CRDs and waits until their resources are served."""
    templates = REPO / "deploy/helm/flink-k8s-toolbox-crd/templates"
    for file in sorted(templates.glob("*.yaml")):
        # Helm's template labels filled in, as Tests/TestSupport/LocalKubeServer.swift applyToolboxCRDs does.
        crd = yaml.safe_load(re.sub(r"\{\{[^}]*\}\}", "test", file.read_text()))
        kube.ok("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    for plural in ("flinkdeployments", "flinkclusters", "flinkjobs"):
        deadline = time.monotonic() + 30
        while kube.request("GET", f"{GROUP}/namespaces/{NAMESPACE}/{plural}?limit=1")[0] != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{plural} not served")
            time.sleep(0.05)


class Environment:
    """A fresh localkube (API only) with the CRDs and namespace `bench`, and one operator."""

    def __init__(self, root: Path, size: int, binary: Path, workers: int | None, watch_cache_size: int | None,
                 tls: dict | None = None):
        """`tls`: {"cert", "key", "ca"} PEM paths of the operator's API (mutual TLS), else plain HTTP."""
        self.dir = root / f"n{size}"
        self.dir.mkdir(parents=True)
        self.binary, self.workers, self.watch_cache_size, self.tls = binary, workers, watch_cache_size, tls
        self.localkube = self.operator = None

    def start(self) -> None:
        out = self.dir / "localkube.out"
        args = [sys.executable, "-m", "localkube", "--state-dir", str(self.dir / "localkube"), "--port", "0", "--exit-with-parent"]
        if self.watch_cache_size:
            args += ["--watch-cache-size", str(self.watch_cache_size)]
        with out.open("wb") as handle:
            self.localkube = subprocess.Popen(args, cwd=REPO / "Tools/localkube", stdout=handle, stderr=subprocess.STDOUT,
                                              stdin=subprocess.DEVNULL)
        match = wait_for_line(out, r"localkube listening on (\S+) kubeconfig=(\S+)", self.localkube, 60)
        self.kubeconfig = Path(match.group(2))
        self.kube = Kube(self.kubeconfig, self.dir)
        self.apply_crds()
        self.kube.ok("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE}})
        self.start_operator()

    def apply_crds(self) -> None:
        apply_toolbox_crds(self.kube)

    def start_operator(self) -> None:
        out = self.dir / "operator.out"
        args = [str(self.binary), "run", "--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0",
                "--namespace", NAMESPACE, "--kube-config", str(self.kubeconfig),
                "--identity", IDENTITY, "--lease-name", LEASE_NAME]
        if self.workers:
            args += ["--workers", str(self.workers)]
        if self.tls:
            args += ["--tls-cert", self.tls["cert"], "--tls-key", self.tls["key"], "--tls-ca", self.tls["ca"]]
        with out.open("wb") as handle:
            self.operator = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.api_port = int(wait_for_line(out, r"api listening on port (\d+)", self.operator, 60).group(1))
        # Leading (the Lease names this operator) and its cache loaded (the control plane stops answering 503).
        deadline = time.monotonic() + 60
        while True:
            status, lease = self.kube.request("GET", f"/apis/coordination.k8s.io/v1/namespaces/{NAMESPACE}/leases/{LEASE_NAME}")
            if status == 200 and (lease.get("spec") or {}).get("holderIdentity") == IDENTITY:
                break
            if time.monotonic() > deadline or self.operator.poll() is not None:
                raise RuntimeError(f"operator did not lead:\n{out.read_text()[-3000:]}")
            time.sleep(0.05)
        while True:
            conn = self.api_connection()
            try:
                conn.request("GET", "/api/v1/clusters")
                if conn.getresponse().status != 503:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline:
                raise RuntimeError("operator cache did not load")
            time.sleep(0.05)

    def api_connection(self) -> http.client.HTTPConnection:
        """A connection to the operator's API (with the client certificate `tls["client"]` under mutual TLS)."""
        if not self.tls:
            return http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=5)
        context = ssl.create_default_context(cafile=self.tls["ca"])
        context.load_cert_chain(self.tls["client_cert"], self.tls["client_key"])
        context.check_hostname = False
        return http.client.HTTPSConnection("127.0.0.1", self.api_port, timeout=5, context=context)

    def stop(self) -> None:
        stop_process(self.operator)
        stop_process(self.localkube)


# ---------------------------------------------------------------------------------------------------------------------
# Measurements

def operator_writes(stats: dict) -> dict:
    """Write requests by "verb resource", Leases excluded (leader election renews by design)."""
    writes = {}
    for verb in WRITE_VERBS:
        for resource, count in (stats.get("requests", {}).get(verb) or {}).items():
            if not resource.startswith("leases"):
                writes[f"{verb} {resource}"] = writes.get(f"{verb} {resource}", 0) + count
    return writes


def subtract(after: dict, before: dict) -> dict:
    return {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}


def wait_settled(kube: Kube, quiet: float, timeout: float, poll: float = 0.05) -> float:
    """Waits until no write other than Leases happened for `quiet` seconds; answers the seconds waited."""
    started = last_change = time.monotonic()
    last = sum(operator_writes(kube.stats()).values())
    while time.monotonic() - last_change < quiet:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"writes did not stop within {timeout} s")
        time.sleep(poll)
        now = sum(operator_writes(kube.stats()).values())
        if now != last:
            last, last_change = now, time.monotonic()
    return last_change - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # nearest rank
    return ordered[int(rank) - 1]


def create_deployments(kube: Kube, names: list[str], threads: int) -> None:
    path = f"{GROUP}/namespaces/{NAMESPACE}/flinkdeployments"

    def create(name: str) -> None:
        body = {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment",
                "metadata": {"name": name, "namespace": NAMESPACE}, "spec": DEPLOYMENT_SPEC}
        kube.ok("POST", path, body)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(create, names))


def measure_apply(env: Environment, size: int, args) -> dict:
    kube = env.kube
    names = [f"bench-{i:05d}" for i in range(1, size + 1)]
    expected = {f"supervisor-{n}" for n in names}
    seen: dict[str, float] = {}
    all_seen = threading.Event()
    lock = threading.Lock()

    def on_supervisor(event: dict, at: float) -> None:
        name = event["object"]["metadata"]["name"]
        if event["type"] in ("ADDED", "MODIFIED") and name in expected:
            with lock:
                seen.setdefault(name, at)
                if len(seen) == len(expected):
                    all_seen.set()

    deployments = f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments"
    rv = kube.ok("GET", f"{deployments}?limit=1")["metadata"]["resourceVersion"]
    kube.ok("POST", "/localkube/v1/stats/reset")
    watch = Watch(kube, deployments, rv, on_supervisor, SUPERVISOR_SELECTOR)
    cpu_before = cpu_seconds(env.operator.pid), cpu_seconds(env.localkube.pid)
    load_before = os.getloadavg()

    t0 = time.monotonic()
    create_deployments(kube, names, args.threads)
    t_created = time.monotonic() - t0
    finished = all_seen.wait(args.timeout)
    t_all = (max(seen.values()) - t0) if finished else None
    watch.stop()
    if not finished:
        log(f"timeout: {len(seen)}/{size} supervisor Deployments after {args.timeout} s")
    listed = kube.ok("GET", f"{deployments}?labelSelector={urllib.parse.quote(SUPERVISOR_SELECTOR)}")["items"]
    missing = sorted(expected - {d["metadata"]["name"] for d in listed})

    settle_wait = wait_settled(kube, args.settle, args.timeout)
    cpu_after = cpu_seconds(env.operator.pid), cpu_seconds(env.localkube.pid)
    stats = kube.stats()
    writes = operator_writes(stats)
    # The bench's own writes: the N creates.
    writes["create flinkdeployments"] = writes.get("create flinkdeployments", 0) - size
    writes = {k: v for k, v in sorted(writes.items()) if v}
    total_writes = sum(writes.values())
    result = {
        "n": size,
        "create_seconds": round(t_created, 3),
        "all_supervisors_seconds": round(t_all, 3) if t_all is not None else None,
        "rate_per_second": round(size / t_all, 1) if t_all else None,
        "supervisors_seen": len(seen),
        "supervisors_missing": len(missing),
        "settled_after_seconds": round(settle_wait, 2),
        "operator_cpu_seconds": round(cpu_after[0] - cpu_before[0], 2),
        "localkube_cpu_seconds": round(cpu_after[1] - cpu_before[1], 2),
        "operator_memory_mib": memory(env.operator.pid),
        "localkube_memory_mib": memory(env.localkube.pid),
        "operator_writes": writes,
        "operator_writes_total": total_writes,
        "operator_writes_per_deployment": round(total_writes / size, 2),
        "requests": stats.get("requests", {}),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    if args.quiet_seconds > 0:
        before = operator_writes(kube.stats())
        time.sleep(args.quiet_seconds)
        quiet = subtract(operator_writes(kube.stats()), before)
        result["quiet_seconds"] = args.quiet_seconds
        result["quiet_writes"] = quiet
        result["quiet_writes_total"] = sum(quiet.values())
        result["operator_memory_mib_after_quiet"] = memory(env.operator.pid)
    return result


def measure_reaction(env: Environment, size: int, scenario: str, iterations: int, args) -> dict:
    """`iterations` changes of FlinkDeployments (round robin); latency from the PATCH response to the watch event."""
    kube = env.kube
    names = [f"bench-{i:05d}" for i in range(1, size + 1)]
    if scenario == "taskSlots":
        target = f"{GROUP}/namespaces/{NAMESPACE}/flinkclusters"
        selector = None
        patch = lambda value: {"spec": {"cluster": {"taskManager": {"taskSlots": value}}}}  # noqa: E731
        key = lambda obj: (obj["metadata"]["name"], ((obj.get("spec") or {}).get("taskManager") or {}).get("taskSlots"))  # noqa: E731
        expect = lambda name, value: (name, value)  # noqa: E731
        hop = "FlinkDeployment spec.cluster.taskManager.taskSlots -> patch of FlinkCluster (1 hop)"
    else:
        target = f"/apis/apps/v1/namespaces/{NAMESPACE}/deployments"
        selector = SUPERVISOR_SELECTOR
        patch = lambda value: {"spec": {"cluster": {"supervisor": {"pollingInterval": value}}}}  # noqa: E731

        def key(obj):
            containers = (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or [{}]
            arguments = containers[0].get("args") or []
            interval = arguments[arguments.index("--polling-interval") + 1] if "--polling-interval" in arguments else None
            return obj["metadata"]["name"], interval
        expect = lambda name, value: (f"supervisor-{name}", str(value))  # noqa: E731
        hop = ("FlinkDeployment spec.cluster.supervisor.pollingInterval -> patch of FlinkCluster -> "
               "replacement of the supervisor Deployment (2 hops)")

    arrivals: dict[tuple, float] = {}
    cond = threading.Condition()

    def on_event(event: dict, at: float) -> None:
        if event["type"] == "MODIFIED":
            with cond:
                arrivals.setdefault(key(event["object"]), at)
                cond.notify_all()

    rv = kube.ok("GET", f"{target}?limit=1")["metadata"]["resourceVersion"]
    watch = Watch(kube, target, rv, on_event, selector)
    time.sleep(0.2)
    wait_settled(kube, args.settle, args.timeout)
    from_response, from_request, writes_per_change, failures = [], [], [], 0
    base = 1000 if scenario == "taskSlots" else 2000
    for i in range(iterations):
        name, value = names[i % len(names)], base + i
        before = sum(operator_writes(kube.stats()).values())
        t_request = time.monotonic()
        kube.ok("PATCH", f"{GROUP}/namespaces/{NAMESPACE}/flinkdeployments/{name}", patch(value),
                content_type="application/merge-patch+json")
        t_response = time.monotonic()
        wanted = expect(name, value)
        with cond:
            if not cond.wait_for(lambda: wanted in arrivals, timeout=30):
                failures += 1
                log(f"{scenario}: no write seen for {name}={value}")
                continue
            at = arrivals[wanted]
        from_response.append((at - t_response) * 1000)
        from_request.append((at - t_request) * 1000)
        # Let the follow-up writes (Event, status) finish before the next change, and count them.
        wait_settled(kube, args.reaction_quiet, args.timeout, poll=0.02)
        writes_per_change.append(sum(operator_writes(kube.stats()).values()) - before - 1)  # minus the bench's PATCH
    watch.stop()

    def summary(values: list[float]) -> dict:
        if not values:
            return {}
        return {"p50": round(percentile(values, 50), 1), "p99": round(percentile(values, 99), 1),
                "max": round(max(values), 1), "mean": round(sum(values) / len(values), 1)}
    return {
        "scenario": scenario, "what": hop, "n": size, "iterations": iterations, "failures": failures,
        "ms_from_patch_response": summary(from_response), "ms_from_patch_request": summary(from_request),
        "operator_writes_per_change": {"min": min(writes_per_change, default=0), "max": max(writes_per_change, default=0),
                                       "mean": round(sum(writes_per_change) / max(1, len(writes_per_change)), 2)},
    }


def operator_binary(given: str | None) -> tuple[Path | None, str]:
    """The operator executable to measure and how it was built: `given`, else .build/release, else .build/debug."""
    if given:
        binary, build = Path(given).resolve(), "given"
    elif (REPO / ".build/release/operator").exists():
        binary, build = REPO / ".build/release/operator", "release"
    elif (REPO / ".build/debug/operator").exists():
        binary, build = REPO / ".build/debug/operator", "debug (less representative: build with -c release)"
    else:
        print("no operator executable: run `swift build -c release --static-swift-stdlib --product operator` (or `make bench`)", file=sys.stderr)
        return None, ""
    log(f"operator executable: {binary} ({build})")
    return binary, build


def write_report(report: dict, path: str) -> Path:
    """Records the load average at the end and writes `report` as JSON to `path`; answers the path."""
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    output = Path(path)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    return output


def print_table(title: str, columns: list[tuple[str, int, object]], rows: list[dict]) -> None:
    """Prints `rows` under `title`: each column is (header, width, function of a row); the first is left-aligned."""
    print(f"\n{title}")
    print(" ".join(f"{h:<{w}}" if i == 0 else f"{h:>{w}}" for i, (h, w, _) in enumerate(columns)))
    for row in rows:
        print(" ".join(f"{str(f(row)):<{w}}" if i == 0 else f"{str(f(row)):>{w}}" for i, (_, w, f) in enumerate(columns)))


def display_path(path: Path) -> str:
    return str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


# ---------------------------------------------------------------------------------------------------------------------
# Report

def print_report(report: dict) -> None:
    print()
    print(f"operator bench: {report['binary']} ({report['build']}), workers {report['workers']}, "
          f"localkube API only (no --runtime), {report['cpus']} CPUs, started {report['started']}")
    print("NOTE: shared machine; other work (builds, end-to-end tests) may run concurrently: see load averages and "
          "CPU seconds; absolute times are noisy.")
    print()
    header = (f"{'N':>5} {'create s':>9} {'all sup. s':>10} {'rate /s':>8} {'settle s':>8} {'op CPU s':>8} "
              f"{'lk CPU s':>8} {'op RSS MiB':>10} {'op HWM MiB':>10} {'writes/FD':>9} {'quiet wr.':>9} {'load 1m':>12}")
    print(header)
    print("-" * len(header))
    for r in report["apply"]:
        mem = r["operator_memory_mib"]
        quiet = r.get("quiet_writes_total")
        load = f"{r['load_average_before'][0]:.1f}->{r['load_average_after'][0]:.1f}"
        print(f"{r['n']:>5} {r['create_seconds']:>9.2f} {str(r['all_supervisors_seconds']):>10} {str(r['rate_per_second']):>8} "
              f"{r['settled_after_seconds']:>8.2f} {r['operator_cpu_seconds']:>8.2f} {r['localkube_cpu_seconds']:>8.2f} "
              f"{mem.get('VmRSS', 0):>10.1f} {mem.get('VmHWM', 0):>10.1f} {r['operator_writes_per_deployment']:>9.2f} "
              f"{'-' if quiet is None else quiet:>9} {load:>12}")
    largest = report["apply"][-1]
    print()
    print(f"operator writes at N={largest['n']} (after settling; the bench's own creates excluded, Leases excluded):")
    for what, count in largest["operator_writes"].items():
        print(f"  {what:<40} {count:>7}  ({count / largest['n']:.2f} per FlinkDeployment)")
    if largest.get("quiet_writes") is not None:
        print(f"writes other than Leases in {largest['quiet_seconds']} s at rest: {largest['quiet_writes_total']} "
              f"{largest['quiet_writes'] or ''}")
    for r in report["reaction"]:
        print()
        print(f"reaction latency at N={r['n']}, {r['iterations']} changes ({r['failures']} without a write): {r['what']}")
        a, b = r["ms_from_patch_response"], r["ms_from_patch_request"]
        if a:
            print(f"  from PATCH response: p50 {a['p50']} ms, p99 {a['p99']} ms, max {a['max']} ms, mean {a['mean']} ms")
            print(f"  from PATCH request:  p50 {b['p50']} ms, p99 {b['p99']} ms, max {b['max']} ms")
        w = r["operator_writes_per_change"]
        print(f"  operator writes per change (all, incl. Events and statuses): mean {w['mean']}, min {w['min']}, max {w['max']}")
    print()
    print(f"JSON: {report['json']}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,100,1000", help="comma-separated numbers of FlinkDeployments")
    parser.add_argument("--binary", default=None, help="operator executable (default: .build/release, else .build/debug)")
    parser.add_argument("--workers", type=int, default=None, help="operator --workers (default: the operator's default)")
    parser.add_argument("--threads", type=int, default=16, help="concurrent create requests")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for supervisors, or settling")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds without writes (Leases aside) = settled")
    parser.add_argument("--quiet-seconds", type=float, default=10.0, help="quiet period counted after settling")
    parser.add_argument("--reaction-at", type=int, default=None, help="N at which to measure reaction (default: largest)")
    parser.add_argument("--reaction-iterations", type=int, default=200)
    parser.add_argument("--reaction-scenarios", default="taskSlots,pollingInterval")
    parser.add_argument("--reaction-quiet", type=float, default=0.25, help="quiet seconds between two changes")
    parser.add_argument("--watch-cache-size", type=int, default=None, help="localkube --watch-cache-size (default: its own)")
    parser.add_argument("--tmp", default=None, help="parent of the state directories (default: the system's)")
    parser.add_argument("--keep", action="store_true", help="keep the state directories (logs, SQLite)")
    parser.add_argument("--output", default=str(REPO / ".bench/operator.json"))
    args = parser.parse_args(argv)

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    binary, build = operator_binary(args.binary)
    if binary is None:
        return 2
    reaction_at = args.reaction_at or max(sizes)
    root = Path(tempfile.mkdtemp(prefix="operator-bench-", dir=args.tmp))
    report = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "binary": display_path(binary),
        "build": build, "binary_mtime": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(binary.stat().st_mtime)),
        "workers": args.workers or "default (2)", "cpus": os.cpu_count(), "python": platform.python_version(),
        "localkube": "API only (no --runtime): no pod runs", "settle_quiet_seconds": args.settle,
        "command": " ".join([Path(sys.executable).name, str(Path(__file__).relative_to(REPO))] + (argv if argv is not None else sys.argv[1:])),
        "apply": [], "reaction": [], "json": args.output,
    }
    try:
        for size in sizes:
            env = Environment(root, size, binary, args.workers, args.watch_cache_size)
            try:
                log(f"N={size}: starting localkube and the operator")
                env.start()
                log(f"N={size}: creating {size} FlinkDeployments")
                result = measure_apply(env, size, args)
                log(f"N={size}: all supervisors after {result['all_supervisors_seconds']} s")
                report["apply"].append(result)
                if size == reaction_at:
                    for scenario in [s for s in args.reaction_scenarios.split(",") if s]:
                        log(f"N={size}: reaction latency, {scenario}, {args.reaction_iterations} changes")
                        report["reaction"].append(measure_reaction(env, size, scenario, args.reaction_iterations, args))
                        if env.operator.poll() is not None:
                            raise RuntimeError("operator exited")
            finally:
                env.stop()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            log(f"state kept in {root}")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
