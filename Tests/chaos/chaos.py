#!/usr/bin/env python3
"""Fault and chaos suite (issue 13): nothing lost, nothing stuck, nothing leaked.

The whole system is started like `make run` (Tools/run-local.sh, localkube running pods as processes, real Flink),
with the operator scaled to 2 replicas. Two FlinkDeployments (`chaos-a`, `chaos-b`), each with a stateful CountingJob
that appends its count to a file, go through a schedule of operations (stop/start of jobs and clusters, scale, spec
change, trigger savepoint, delete and recreate) while faults are injected (SIGKILL or forced deletion of the operator,
a supervisor, a JobManager, a TaskManager, a bootstrap pod; localkube API faults: 503, 409, 300 ms latency, dropped
watches, compaction then 410; a crash-restart of localkube itself).

The schedule is generated from the seed alone, before anything runs, printed and saved: the same seed and duration
give the same sequence of operations and faults (which pod a fault hits is picked by the same seeded choice among the
pods that exist at that moment). The invariants are documented in docs/reliability.md and checked continuously by
monitor threads and again at the end. Results: .bench/chaos-<seed>.json and a markdown row (--table).

  python3 Tests/chaos/chaos.py --seed 7 --duration 240 --flink 2.3.0
  python3 Tests/chaos/chaos.py --seed 7 --duration 240 --print-schedule      # the schedule only
  python3 Tests/chaos/chaos.py --table                                         # the figures of .bench/chaos-*.json
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
import rbac_audit  # noqa: E402  (the RBAC decisions localkube records: Tests/e2e/rbac_audit.py)

NS = "flink-jobs"
CLUSTERS = ["chaos-a", "chaos-b"]
JOBS_JAR = "/opt/jobs/toolbox-test-jobs.jar"
# Faults that end the JobManager process (and so the Flink job and its in-memory savepoint results).
JM_ENDING = {"kill-jobmanager", "localkube-restart"}
FAULT_KINDS = ["kill-operator", "kill-supervisor", "kill-jobmanager", "kill-taskmanager", "kill-bootstrap",
               "api-503", "api-409", "api-latency", "api-drop-watch", "api-compact-410", "localkube-restart"]
FAULT_WEIGHTS = [2, 2, 1.2, 1.5, 1.5, 1.5, 1.2, 1, 1.2, 1, 0.5]
CONVERGE_WITHIN = 60.0     # seconds after the last fault or operation, whichever is later, on a machine that
SLOW_MACHINE_FACTOR = 1.5  # brings both clusters up in 40 s; a slower one gets this factor of its own initial bring-up
DELETION_WITHIN = 30.0     # seconds a deletionTimestamp / an orphan may last once faults stopped disturbing
CHECKPOINT_MARGIN_MS = 2500  # Flink checkpoints every 2 s: a failover may restore a checkpoint this much older


def now() -> float:
    return time.time()


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S.%f")[:-3]


# ---------------------------------------------------------------------------------------------------------------
# The schedule: a pure function of (seed, duration).

def next_op(rng: random.Random, model: dict) -> str:
    if model["cluster"] == "stopped":
        choices = [("cluster-start", 0.8), ("recreate", 0.2)]
    elif model["job"] == "stopped":
        choices = [("job-start", 0.65), ("cluster-stop", 0.15), ("recreate", 0.2)]
    else:
        choices = [("job-stop", 0.18), ("cluster-stop", 0.07), ("scale", 0.2), ("spec-change", 0.15),
                   ("trigger-savepoint", 0.3), ("recreate", 0.1)]
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def apply_op(model: dict, op: str) -> None:
    if op == "cluster-start":
        model["cluster"] = "started"
    elif op == "cluster-stop":
        model["cluster"], model["job"] = "stopped", "stopped"
    elif op == "job-start":
        model["job"] = "running"
    elif op == "job-stop":
        model["job"] = "stopped"
    elif op == "scale":
        model["parallelism"] = 1 if model["parallelism"] == 2 else 2
    elif op == "spec-change":
        model["spec"] += 1
    elif op == "recreate":
        model.update(cluster="started", job="running", parallelism=1, spec=0, incarnation=model["incarnation"] + 1)


def initial_model() -> dict:
    return {"cluster": "started", "job": "running", "parallelism": 1, "spec": 0, "incarnation": 0}


def make_schedule(seed: int, duration: float) -> list[dict]:
    """Operations every 4–9 s (per cluster in turn at random), faults every 6–13 s; every fault kind at least once
    when the duration allows (a seeded permutation first), then weighted at random. Nothing in the last 5 s."""
    rng = random.Random(seed)
    models = {c: initial_model() for c in CLUSTERS}
    events: list[dict] = []
    t = 3.0
    while True:
        t += rng.uniform(4, 9)
        if t > duration - 5:
            break
        cluster = rng.choice(CLUSTERS)
        op = next_op(rng, models[cluster])
        apply_op(models[cluster], op)
        events.append({"at": round(t, 1), "type": "op", "kind": op, "cluster": cluster,
                       "model": dict(models[cluster])})
    kinds = FAULT_KINDS[:]
    rng.shuffle(kinds)
    t = 6.0
    while True:
        t += rng.uniform(6, 13)
        if t > duration - 5:
            break
        kind = kinds.pop(0) if kinds else rng.choices(FAULT_KINDS, FAULT_WEIGHTS)[0]
        event = {"at": round(t, 1), "type": "fault", "kind": kind, "cluster": rng.choice(CLUSTERS),
                 "pick": rng.random(), "mode": rng.choice(["sigkill", "delete"])}
        if kind == "api-503":
            event.update(times=rng.randint(4, 15), method=rng.choice([None, "GET", "PATCH", "PUT"]))
        elif kind == "api-409":
            event.update(times=rng.randint(2, 6), method=rng.choice(["PATCH", "PUT"]))
        elif kind == "api-latency":
            event.update(seconds=rng.randint(8, 20))
        elif kind == "api-drop-watch":
            event.update(times=rng.randint(3, 10), after=rng.randint(1, 3))
        elif kind == "localkube-restart":
            event.update(mode=rng.choice(["sigkill", "sigterm"]))
        events.append(event)
    events.sort(key=lambda e: (e["at"], e["type"]))
    for index, event in enumerate(events):
        event["index"] = index
    return events


def final_models(schedule: list[dict]) -> dict:
    models = {c: initial_model() for c in CLUSTERS}
    for event in schedule:
        if event["type"] == "op":
            models[event["cluster"]] = dict(event["model"])
    return models


# ---------------------------------------------------------------------------------------------------------------
# The system

class System:
    def __init__(self, run_dir: Path, flink: str):
        self.run_dir, self.flink = run_dir, flink
        self.state = run_dir / "localkube"
        self.kubeconfig = self.state / "kubeconfig"
        self.shared = self.state / "shared"
        self.image_map = run_dir / "images.json"
        self.env = dict(os.environ, RUN_DIR=str(run_dir), RUN_DETACH="1", RUN_DEMO="0",
                        LOCALKUBE_IMAGE_MAP=str(self.image_map))
        self.server = ""

    def start(self) -> None:
        jobs = REPO / ".cache" / "flink" / f"jobs-{self.flink}"
        self.image_map.write_text(json.dumps({"images": [
            {"match": "flink:*", "type": "flink", "version": self.flink},
            {"match": "*flink-k8s-toolbox-bootstrap:*", "type": "toolbox", "path": str(REPO / ".build" / "debug"),
             "paths": {"/opt/jobs": str(jobs)}}]}))
        for attempt in (1, 2):  # run-local.sh gives the operator pod 90 s: a loaded machine may need a second try
            out = subprocess.run([str(REPO / "Tools" / "run-local.sh")], cwd=REPO, env=self.env, capture_output=True,
                                 text=True, timeout=600)
            if out.returncode == 0:
                break
            print(f"run-local.sh failed (attempt {attempt}):\n{out.stdout[-1500:]}{out.stderr[-1500:]}", flush=True)
        else:
            raise RuntimeError("run-local.sh failed twice")
        self.read_server()

    def read_server(self) -> None:
        text = self.kubeconfig.read_text()
        self.server = re.search(r"server:\s*(\S+)", text).group(1)

    def stop(self) -> None:
        subprocess.run([str(REPO / "Tools" / "run-local.sh"), "stop"], cwd=REPO, env=self.env, capture_output=True,
                       timeout=120)

    def localkube_pid(self) -> int | None:
        for path in (self.state / "localkube.pid", self.run_dir / "localkube.pid"):
            try:
                return int(path.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return None

    def restart_localkube(self, sig: int) -> float:
        """Stops localkube (SIGKILL: a crash; SIGTERM: a clean stop) and starts it again on the same state dir and
        port. Its pods do not survive either way (their processes die with it: PR_SET_PDEATHSIG, or SIGTERM to every
        container); the pod objects persist and their containers start again. Returns the seconds it was down."""
        pid = self.localkube_pid()
        port = self.server.rsplit(":", 1)[1]
        started = now()
        if pid:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
            for _ in range(300):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        log = self.run_dir / "localkube.log"
        with open(log, "a") as out:
            out.write(f"\n===== chaos: localkube restart ({signal.Signals(sig).name}) at {iso(now())} =====\n")
            out.flush()
            process = subprocess.Popen(
                [sys.executable, "-m", "localkube", "--state-dir", str(self.state), "--runtime", "--image-map",
                 str(self.image_map), "--port", port, "--log-level", "INFO", "--exit-with-parent"],
                cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO / "Tools" / "localkube")), stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        (self.run_dir / "localkube.pid").write_text(str(process.pid))
        deadline = now() + 60
        while now() < deadline:
            try:
                self.api("GET", "/version", timeout=2)
                break
            except Exception:
                time.sleep(0.2)
        return now() - started

    # -- raw API (cluster-wide list paths: the fault rules target /namespaces/flink-jobs/, so observation is not
    #    disturbed by the faults injected for the toolbox)
    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.server + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            text = answer.read()
        return json.loads(text) if text else None

    def list_all(self, path: str) -> list[dict]:
        return [i for i in self.api("GET", path)["items"] if i["metadata"].get("namespace") == NS]

    def kubectl(self, *args: str, input: str | None = None, retry_for: float = 90.0) -> str:
        """kubectl, retried (the API may be faulty or restarting) until it succeeds or `retry_for` passes."""
        deadline = now() + retry_for
        while True:
            out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, *args], input=input,
                                 capture_output=True, text=True, timeout=60)
            if out.returncode == 0:
                return out.stdout
            if now() > deadline:
                raise RuntimeError(f"kubectl {' '.join(args)}: {out.stderr.strip()}")
            time.sleep(1)

    def get(self, kind: str, name: str) -> dict | None:
        out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, "get", kind, name, "-o",
                              "json"], capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout) if out.returncode == 0 else None


def job_args(system: System, cluster: str, incarnation: int, spec: int) -> list[str]:
    args = ["--rate", "50", "--emit-ms", "200", "--output", str(count_file(system, cluster, incarnation))]
    return args + (["--name", f"{cluster}-v{spec}"] if spec else [])


def count_file(system: System, cluster: str, incarnation: int) -> Path:
    return system.shared / "chaos" / f"{cluster}-{incarnation}" / "count.txt"


def savepoint_dir(system: System, cluster: str, incarnation: int) -> Path:
    return system.shared / "chaos" / f"{cluster}-{incarnation}" / "savepoints"


def flink_deployment(system: System, cluster: str, incarnation: int) -> dict:
    savepoint_dir(system, cluster, incarnation).mkdir(parents=True, exist_ok=True)
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment", "metadata": {"name": cluster},
            "spec": {"cluster": {
                "runtime": {"image": f"flink:{system.flink}"},
                "jobManager": {"serviceMode": "ClusterIP"},
                "taskManager": {"taskSlots": 1},
                "supervisor": {"image": "flink-k8s-toolbox-supervisor:1.5.0", "pollingInterval": 1, "taskTimeout": 60,
                               "rescaleDelay": 2, "rescalePolicy": "JobParallelism"}},
                "jobs": [{"name": "counter", "spec": {
                    "jobParallelism": 1,
                    "bootstrap": {"image": "flink-k8s-toolbox-bootstrap:1.5.0", "jarPath": JOBS_JAR,
                                  "className": "com.nextbreakpoint.toolbox.testjobs.CountingJob",
                                  "arguments": job_args(system, cluster, incarnation, 0)},
                    "savepoint": {"savepointMode": "Automatic", "savepointInterval": 0,
                                  "savepointTargetPath": f"file://{savepoint_dir(system, cluster, incarnation)}"},
                    "restart": {"restartPolicy": "OnlyIfFailed", "restartDelay": 2, "restartTimeout": 120}}}]}}


# ---------------------------------------------------------------------------------------------------------------
# The run

class Chaos:
    def __init__(self, system: System, seed: int, duration: float, schedule: list[dict]):
        self.system, self.seed, self.duration, self.schedule = system, seed, duration, schedule
        self.initial_convergence: float | None = None
        self.models = {c: initial_model() for c in CLUSTERS}
        self.timeline: list[dict] = []
        self.violations: list[dict] = []
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.disturbed_until = 0.0      # end of the last fault (the deletion clocks restart from here)
        self.localkube_down = False
        self.faults_applied: dict[str, int] = {}
        self.ops_applied: dict[str, int] = {}
        # observations
        self.savepoints: dict[str, dict] = {}     # fj uid -> {"paths": [..], "triggers": {id: requestTs}, ...}
        self.recorded_at: dict[str, float] = {}   # savepoint path -> first time seen recorded
        self.path_request: dict[str, float] = {}  # savepoint path -> request timestamp (epoch s) seen before it
        self.prev_pending: dict[str, tuple | None] = {}
        self.workers_done = threading.Event()
        self.jm_ends: list[tuple[float, str]] = []  # (time, cluster) of JobManager-ending events
        self.deleting_since: dict[str, float] = {}
        self.orphan_since: dict[str, float] = {}
        self.leader_samples = 0
        self.leader_changes: dict[str, list] = {}
        self.max_deletion_age = 0.0
        self.queues = {c: [] for c in CLUSTERS}
        self.queue_cv = threading.Condition()
        self.busy = {c: False for c in CLUSTERS}

    # -- records
    def record(self, kind: str, **fields) -> dict:
        entry = {"t": round(now() - self.t0, 2), "kind": kind, **fields}
        with self.lock:
            self.timeline.append(entry)
        print(f"[{entry['t']:7.1f}] {kind} {json.dumps(fields)}", flush=True)
        return entry

    def violation(self, invariant: str, detail: str, key: str | None = None) -> None:
        """Records a violation once per (invariant, key): a condition that lasts is one violation, not one a poll."""
        key = key or detail
        with self.lock:
            if any(v["invariant"] == invariant and v.get("key") == key for v in self.violations):
                return
            self.violations.append({"t": round(now() - self.t0, 2), "invariant": invariant, "detail": detail, "key": key})
        print(f"!!! VIOLATION {invariant}: {detail}", flush=True)

    # -- setup
    def setup(self) -> None:
        s = self.system
        s.kubectl("scale", "deployment", "flink-operator", "--replicas=2")
        s.kubectl("rollout", "status", "deployment/flink-operator", "--timeout=120s")
        for cluster in CLUSTERS:
            s.kubectl("apply", "-f", "-", input=json.dumps(flink_deployment(s, cluster, 0)))
        self.initial_convergence = self.wait_converged(timeout=420, label="initial")
        if self.initial_convergence is None:
            raise RuntimeError("the two clusters did not start")

    # -- operations (one worker per cluster: its operations run in schedule order)
    def op_worker(self, cluster: str) -> None:
        while True:
            with self.queue_cv:
                while not self.queues[cluster] and not self.workers_done.is_set():
                    self.queue_cv.wait(0.5)
                if not self.queues[cluster]:
                    return
                event = self.queues[cluster].pop(0)
                self.busy[cluster] = True
            try:
                self.run_op(event)
            except Exception as error:
                self.record("op-error", index=event["index"], cluster=cluster, error=str(error)[:300])
                self.violation("operation", f"operation {event['kind']} on {cluster} could not be applied: {error}")
            finally:
                with self.queue_cv:
                    self.busy[cluster] = False
                    self.queue_cv.notify_all()

    def annotate(self, kind: str, name: str, action: str) -> None:
        self.system.kubectl("annotate", "--overwrite", kind, name,
                            f"operator.nextbreakpoint.com/requested-action={action}",
                            "operator.nextbreakpoint.com/without-savepoint=false",
                            f"operator.nextbreakpoint.com/action-timestamp={int(now() * 1000)}")

    def run_op(self, event: dict) -> None:
        s, cluster, op = self.system, event["cluster"], event["kind"]
        job = f"{cluster}-counter"
        self.record("op", index=event["index"], op=op, cluster=cluster)
        if op == "recreate":
            s.kubectl("delete", "fd", cluster, "--wait=false", "--ignore-not-found")
            deadline = now() + 240
            while now() < deadline:
                if not any(s.get(k, n) for k, n in (("fd", cluster), ("fc", cluster), ("fj", job))):
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"{cluster} still exists 240 s after its deletion")
            s.kubectl("apply", "-f", "-",
                      input=json.dumps(flink_deployment(s, cluster, event["model"]["incarnation"])))
        elif op in ("job-start", "job-stop", "trigger-savepoint"):
            self.wait_exists("fj", job)
            self.annotate("fj", job, {"job-start": "START", "job-stop": "STOP", "trigger-savepoint": "TRIGGER_SAVEPOINT"}[op])
        elif op in ("cluster-start", "cluster-stop"):
            self.wait_exists("fc", cluster)
            self.annotate("fc", cluster, "START" if op == "cluster-start" else "STOP")
        elif op == "scale":
            self.wait_exists("fj", job)
            s.kubectl("scale", "fj", job, f"--replicas={event['model']['parallelism']}")
        elif op == "spec-change":
            model = event["model"]
            patch = [{"op": "replace", "path": "/spec/jobs/0/spec/bootstrap/arguments",
                      "value": job_args(s, cluster, model["incarnation"], model["spec"])}]
            s.kubectl("patch", "fd", cluster, "--type=json", "-p", json.dumps(patch))
        with self.lock:
            self.models[cluster] = dict(event["model"])
            self.ops_applied[op] = self.ops_applied.get(op, 0) + 1
        self.last_op_done = now()

    def wait_exists(self, kind: str, name: str) -> None:
        deadline = now() + 120
        while not self.system.get(kind, name):
            if now() > deadline:
                raise RuntimeError(f"{kind}/{name} does not exist")
            time.sleep(0.5)

    # -- faults
    def pods(self, selector: str) -> list[dict]:
        try:
            out = self.system.kubectl("get", "pods", "-l", selector, "-o", "json", retry_for=20)
        except RuntimeError:
            return []
        return sorted([p for p in json.loads(out)["items"] if not p["metadata"].get("deletionTimestamp")],
                      key=lambda p: p["metadata"]["name"])

    def kill_pod(self, event: dict, selector: str, prefer: str | None = None) -> dict:
        pods = self.pods(selector)
        if not pods:
            return {"skipped": f"no pod {selector}"}
        names = [p["metadata"]["name"] for p in pods]
        pod = next((p for p in pods if prefer and p["metadata"]["name"] == prefer), None) \
            or pods[int(event["pick"] * len(pods))]
        name = pod["metadata"]["name"]
        if event["mode"] == "sigkill":
            pids = [int(c["containerID"].split("://")[1]) for c in pod.get("status", {}).get("containerStatuses", [])
                    if c.get("containerID", "").startswith("localkube://") and "running" in (c.get("state") or {})]
            if pids:
                for pid in pids:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                return {"pod": name, "how": f"SIGKILL pid {pids}", "among": names}
        self.system.kubectl("delete", "pod", name, "--grace-period=0", "--force", "--wait=false", retry_for=20)
        return {"pod": name, "how": "deleted with grace 0", "among": names}

    def add_rule(self, rule: dict) -> int:
        return self.system.api("POST", "/localkube/v1/faults", rule)["id"]

    def lease_holder(self, lease: str) -> str | None:
        try:
            return self.system.api("GET", f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases/{lease}")["spec"].get(
                "holderIdentity")
        except Exception:
            return None

    def inject(self, event: dict) -> None:
        kind, cluster = event["kind"], event["cluster"]
        ns_path = f"/namespaces/{NS}/"
        try:
            if kind == "kill-operator":
                holder = self.lease_holder("flink-operator-leader") or ""
                leader = next((p["metadata"]["name"] for p in self.pods("app=flink-operator")
                               if p["metadata"]["name"] in holder), None)
                result = self.kill_pod(event, "app=flink-operator", prefer=leader)
            elif kind == "kill-supervisor":
                result = self.kill_pod(event, f"role=supervisor,clusterName={cluster}")
            elif kind == "kill-jobmanager":
                result = self.kill_pod(event, f"role=jobmanager,clusterName={cluster}")
            elif kind == "kill-taskmanager":
                result = self.kill_pod(event, f"role=taskmanager,clusterName={cluster}")
            elif kind == "kill-bootstrap":
                result = self.kill_pod(event, f"role=bootstrap,clusterName={cluster}")
                if "skipped" in result:  # none running right now: the next one that appears within 30 s
                    deadline = now() + 30
                    while now() < deadline and "skipped" in result and not self.workers_done.is_set():
                        time.sleep(0.5)
                        result = self.kill_pod(event, f"role=bootstrap,clusterName={cluster}")
            elif kind == "api-503":
                rule = {"method": event["method"], "path": ns_path, "times": event["times"],
                        "action": {"status": 503, "message": "injected: service unavailable"}}
                result = {"rule": self.add_rule(rule), **rule}
            elif kind == "api-409":
                rule = {"method": event["method"], "path": ns_path + "flink", "times": event["times"],
                        "action": {"status": 409, "message": "injected: the object has been modified"}}
                result = {"rule": self.add_rule(rule), **rule}
            elif kind == "api-latency":
                rule_id = self.add_rule({"path": ns_path, "times": 0, "action": {"delayMs": 300}})
                end = now() + event["seconds"]
                self.disturbed_until = max(self.disturbed_until, end)
                threading.Timer(event["seconds"], self.remove_rule, args=(rule_id,)).start()
                result = {"rule": rule_id, "delayMs": 300, "seconds": event["seconds"]}
            elif kind == "api-drop-watch":
                rule = {"path": ns_path, "watch": True, "times": event["times"],
                        "action": {"dropWatchAfterEvents": event["after"]}}
                result = {"rule": self.add_rule(rule), **rule}
            elif kind == "api-compact-410":
                compacted = self.system.api("POST", "/localkube/v1/compact", {})
                drop = self.add_rule({"path": ns_path, "watch": True, "times": 12, "action": {"dropWatchAfterEvents": 1}})
                gone = self.add_rule({"path": ns_path, "watch": True, "times": 6,
                                      "action": {"status": 410, "message": "too old resource version (compacted)"}})
                result = {"compacted": compacted, "rules": [drop, gone]}
            elif kind == "localkube-restart":
                self.localkube_down = True
                try:
                    down = self.system.restart_localkube(signal.SIGKILL if event["mode"] == "sigkill" else signal.SIGTERM)
                finally:
                    self.localkube_down = False
                with self.lock:
                    self.jm_ends.extend((now(), c) for c in CLUSTERS)
                result = {"mode": event["mode"], "downSeconds": round(down, 1)}
            else:
                result = {"skipped": "unknown kind"}
        except Exception as error:
            result = {"error": str(error)[:300]}
        if kind == "kill-jobmanager" and "pod" in result:
            with self.lock:
                self.jm_ends.append((now(), cluster))
        applied = "skipped" not in result and "error" not in result
        if applied:
            self.faults_applied[kind] = self.faults_applied.get(kind, 0) + 1
        self.disturbed_until = max(self.disturbed_until, now())
        self.record("fault", index=event["index"], fault=kind, cluster=cluster, applied=applied, **result)

    def remove_rule(self, rule_id: int) -> None:
        try:
            self.system.api("DELETE", f"/localkube/v1/faults/{rule_id}")
        except Exception:
            pass  # a localkube restart dropped it already
        self.disturbed_until = max(self.disturbed_until, now())

    # -- monitors
    def monitor(self, name: str, period: float, function) -> threading.Thread:
        def loop():
            while not self.stop_event.is_set():
                if not self.localkube_down:
                    try:
                        function()
                    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError, json.JSONDecodeError):
                        pass  # localkube restarting
                    except Exception:
                        self.record("monitor-error", monitor=name, error=traceback.format_exc()[-500:])
                self.stop_event.wait(period)
        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        return thread

    def observe_jobs(self) -> None:
        """Savepoint bookkeeping from the FlinkJobs' status: trigger ids (the write-ahead record) and paths."""
        for job in self.system.list_all("/apis/nextbreakpoint.com/v1/flinkjobs"):
            uid, status = job["metadata"]["uid"], job.get("status") or {}
            entry = self.savepoints.setdefault(uid, {"name": job["metadata"]["name"], "paths": [], "triggers": {},
                                                     "target": job["spec"]["savepoint"].get("savepointTargetPath", "")})
            trigger = status.get("savepointTriggerId") or ""
            current = None
            if trigger:
                stamp = status.get("savepointRequestTimestamp") or ""
                current = (trigger, parse_time(stamp) if stamp else now())
                entry["triggers"].setdefault(trigger, current[1])
            # retention (historyMaxCount, maxAge) disposes expired savepoints through Flink on purpose: a path seen in
            # savepointDisposals, or one that left savepointHistory, may be gone
            history = {h["path"] for h in status.get("savepointHistory") or []}
            expired = entry.setdefault("expired", set())
            expired.update(d["savepoint"] for d in status.get("savepointDisposals") or [])
            expired.update(entry.get("history", set()) - history - {status.get("savepointPath") or ""})
            entry["history"] = history
            previous = self.prev_pending.get(uid)
            path = status.get("savepointPath") or ""
            if path and (not entry["paths"] or entry["paths"][-1] != path):
                if path in entry["paths"]:
                    self.violation("savepoint-recorded-once",
                                   f"{entry['name']}: savepointPath went back to {path} after {entry['paths'][-1]}")
                entry["paths"].append(path)
                self.recorded_at.setdefault(path, now())
                # the request that produced this path was pending at the previous observation (if it was seen at
                # all; a request not seen gives no floor, which only weakens the count check)
                if previous:
                    self.path_request.setdefault(path, previous[1])
            self.prev_pending[uid] = current

    def check_deletions(self) -> None:
        """deletionTimestamps and orphans: none may last DELETION_WITHIN seconds once faults stopped disturbing."""
        s = self.system
        objects = []
        for path in ("/apis/nextbreakpoint.com/v1/flinkdeployments", "/apis/nextbreakpoint.com/v1/flinkclusters",
                     "/apis/nextbreakpoint.com/v1/flinkjobs", "/apis/apps/v1/deployments", "/apis/batch/v1/jobs",
                     "/api/v1/pods", "/api/v1/services"):
            objects += [(path.rsplit("/", 1)[1], o) for o in s.list_all(path)]
        uids = {o["metadata"]["uid"] for _, o in objects}
        seen_deleting, seen_orphan = set(), set()
        t = now()
        for kind, o in objects:
            meta = o["metadata"]
            key = f"{kind}/{meta['name']}/{meta['uid']}"
            if meta.get("deletionTimestamp"):
                seen_deleting.add(key)
                since = self.deleting_since.setdefault(key, t)
                age = t - max(since, self.disturbed_until)
                self.max_deletion_age = max(self.max_deletion_age, t - since)
                if age > DELETION_WITHIN:
                    self.violation("deletion-stuck", f"{key} has had a deletionTimestamp for {t - since:.0f} s "
                                   f"({age:.0f} s since the last fault); finalizers {meta.get('finalizers')}", key=key)
            owners = meta.get("ownerReferences") or []
            if owners and not any(r["uid"] in uids for r in owners):
                seen_orphan.add(key)
                since = self.orphan_since.setdefault(key, t)
                if t - max(since, self.disturbed_until) > DELETION_WITHIN:
                    self.violation("orphan", f"{key}: no owner alive ({[r['kind'] + '/' + r['name'] for r in owners]})",
                                   key=key)
            elif not owners and kind in ("pods", "services", "jobs", "deployments") and meta["name"] != "flink-operator" \
                    and not meta["name"].startswith("flink-operator-") and not meta["name"].startswith("kubernetes"):
                self.violation("orphan", f"{key} has no ownerReferences")
        self.deleting_since = {k: v for k, v in self.deleting_since.items() if k in seen_deleting}
        self.orphan_since = {k: v for k, v in self.orphan_since.items() if k in seen_orphan}

    def check_leaders(self) -> None:
        """At most one process per Lease says it leads (toolbox_leader on /metrics); a double is re-sampled once
        before it counts, so a hand-over between the two reads is not taken for two leaders."""
        groups: dict[str, list[str]] = {}
        for pod in self.system.list_all("/api/v1/pods"):
            labels = pod["metadata"].get("labels") or {}
            ip = (pod.get("status") or {}).get("podIP")
            if not ip or pod["metadata"].get("deletionTimestamp"):
                continue
            if labels.get("app") == "flink-operator":
                groups.setdefault("operator", []).append(ip)
            elif labels.get("role") == "supervisor":
                groups.setdefault(f"supervisor-{labels.get('clusterName')}", []).append(ip)

        def leading(ip: str) -> bool:
            try:
                text = urllib.request.urlopen(f"http://{ip}:8080/metrics", timeout=2).read().decode()
            except Exception:
                return False
            found = re.search(r"^toolbox_leader(?:\{[^}]*\})? ([0-9.]+)", text, re.M)
            return bool(found and float(found.group(1)) >= 1)

        for group, ips in groups.items():
            leaders = [ip for ip in ips if leading(ip)]
            self.leader_samples += 1
            if len(leaders) > 1:
                again = [ip for ip in leaders if leading(ip)]
                if len(again) > 1:
                    self.violation("single-leader", f"{group}: {again} all report toolbox_leader 1")
        for lease in self.system.list_all("/apis/coordination.k8s.io/v1/leases"):
            holder = lease["spec"].get("holderIdentity") or ""
            history = self.leader_changes.setdefault(lease["metadata"]["name"], [])
            if not history or history[-1] != holder:
                history.append(holder)

    def collect_logs(self) -> None:
        """Copies every pod's container logs into the run folder (a pod's folder goes with the pod)."""
        target = self.system.run_dir / "logs"
        target.mkdir(exist_ok=True)
        for log in (self.system.state / "pods").glob("*/logs/*.log"):
            pod = log.parent.parent.name
            dest = target / f"{pod}__{log.name}"
            try:
                if not dest.exists() or dest.stat().st_size != log.stat().st_size:
                    shutil.copyfile(log, dest)
            except OSError:
                pass

    def check_counts_now(self) -> None:
        for result in self.count_violations():
            self.violation("count", result)

    # -- invariants on the count files and the savepoints
    def count_violations(self) -> list[str]:
        """A drop of the count (a restore) must not go below the floor: the count of the last line written
        CHECKPOINT_MARGIN_MS before the request of the newest savepoint the toolbox had recorded. A drop with no fault
        around it (a restart the toolbox performed with a savepoint, e.g. stop/start, scale, spec change) must not go
        back at all."""
        problems = []
        faults = [(e["t"] + self.t0) for e in list(self.timeline) if e["kind"] == "fault" and e.get("applied")]
        recorded_at, path_request = dict(self.recorded_at), dict(self.path_request)
        entries = [dict(e, paths=list(e["paths"])) for e in list(self.savepoints.values())]
        for directory in sorted((self.system.shared / "chaos").glob("*")):
            path = directory / "count.txt"
            if not path.exists():
                continue
            lines = []
            for line in path.read_text().splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                    lines.append((int(parts[0]), int(parts[1])))
            target = f"file://{directory / 'savepoints'}"
            recorded = sorted((recorded_at[p], path_request.get(p)) for e in entries
                              if e["target"].rstrip("/") == target for p in e["paths"] if p in recorded_at)
            for (t1, v1), (t2, v2) in zip(lines, lines[1:]):
                if v2 >= v1:
                    continue
                floor, floor_from = 0, None
                for seen, requested in recorded:
                    if seen * 1000 > t2 or requested is None:
                        continue
                    before = [v for t, v in lines if t <= requested * 1000 - CHECKPOINT_MARGIN_MS]
                    if before and before[-1] > floor:
                        floor, floor_from = before[-1], requested
                if v2 < floor:
                    problems.append(f"{directory.name}: count {v1} -> {v2} at {t2} is below the floor {floor} "
                                    f"(savepoint requested at {floor_from})")
                quiet = not any(t1 / 1000 - 5 <= f <= t2 / 1000 + 1 for f in faults)
                if quiet:
                    problems.append(f"{directory.name}: count went back {v1} -> {v2} at {t2} with no fault around "
                                    f"(a restart with savepoint must resume where the job stopped)")
        return problems

    def savepoint_violations(self) -> list[str]:
        """Recorded paths exist as completed savepoints; every completed savepoint was recorded (none lost and none
        duplicated: a duplicate is a completed savepoint nobody recorded), except one completed shortly before its
        JobManager ended (the toolbox cannot learn a result Flink lost)."""
        problems = []
        for entry in self.savepoints.values():
            for path in entry["paths"]:
                local = Path(path.removeprefix("file:"))
                if not (local / "_metadata").exists() and path not in entry.get("expired", ()):
                    problems.append(f"{entry['name']}: recorded savepoint {path} has no _metadata")
        recorded = {Path(p.removeprefix("file:")).resolve() for e in self.savepoints.values() for p in e["paths"]}
        for directory in sorted((self.system.shared / "chaos").glob("*/savepoints/savepoint-*")):
            metadata = directory / "_metadata"
            if not metadata.exists() or directory.resolve() in recorded:
                continue
            done = metadata.stat().st_mtime
            cluster = directory.parent.parent.name.rsplit("-", 1)[0]
            excused = [t for t, c in self.jm_ends if c == cluster and done - 2 <= t <= done + 30] + \
                      [e["t"] + self.t0 for e in self.timeline if e["kind"] == "op" and e["cluster"] == cluster
                       and e["op"] in ("recreate",) and done - 2 <= e["t"] + self.t0 <= done + 30]
            if not excused:
                problems.append(f"completed savepoint {directory} (at {iso(done)}) was never recorded in status")
        return problems

    # -- convergence
    def converged(self) -> list[str]:
        """What still differs from the desired state of each cluster (empty when converged)."""
        s = self.system
        missing = []
        fds = {o["metadata"]["name"]: o for o in s.list_all("/apis/nextbreakpoint.com/v1/flinkdeployments")}
        fcs = {o["metadata"]["name"]: o for o in s.list_all("/apis/nextbreakpoint.com/v1/flinkclusters")}
        fjs = {o["metadata"]["name"]: o for o in s.list_all("/apis/nextbreakpoint.com/v1/flinkjobs")}
        pods = [p for p in s.list_all("/api/v1/pods") if not p["metadata"].get("deletionTimestamp")
                and (p.get("status") or {}).get("phase") == "Running"]
        for cluster in CLUSTERS:
            model = self.models[cluster]
            fd, fc, fj = fds.get(cluster), fcs.get(cluster), fjs.get(f"{cluster}-counter")
            if not fd or not fc or not fj:
                missing.append(f"{cluster}: resources missing")
                continue
            if any(o["metadata"].get("deletionTimestamp") for o in (fd, fc, fj)):
                missing.append(f"{cluster}: being deleted")
                continue
            cstatus, jstatus = fc.get("status") or {}, fj.get("status") or {}
            role = lambda r: [p for p in pods if (p["metadata"].get("labels") or {}).get("role") == r
                              and (p["metadata"].get("labels") or {}).get("clusterName") == cluster]
            if model["cluster"] == "stopped":
                if cstatus.get("supervisorStatus") != "Stopped":
                    missing.append(f"{cluster}: cluster {cstatus.get('supervisorStatus')} (want Stopped)")
                if jstatus.get("supervisorStatus") != "Stopped":
                    missing.append(f"{cluster}: job {jstatus.get('supervisorStatus')} (want Stopped)")
                if role("jobmanager") or role("taskmanager"):
                    missing.append(f"{cluster}: Flink pods still running")
                continue
            if cstatus.get("supervisorStatus") != "Started" or len(role("jobmanager")) != 1:
                missing.append(f"{cluster}: cluster {cstatus.get('supervisorStatus')}, "
                               f"{len(role('jobmanager'))} JobManager (want Started, 1)")
                continue
            if model["job"] == "stopped":
                if jstatus.get("supervisorStatus") != "Stopped":
                    missing.append(f"{cluster}: job {jstatus.get('supervisorStatus')} (want Stopped)")
                running = self.flink_running(cluster)
                if running:
                    missing.append(f"{cluster}: Flink runs {running} although the job is stopped")
                continue
            want = model["parallelism"]
            if jstatus.get("supervisorStatus") != "Started" or jstatus.get("jobStatus") != "RUNNING" \
                    or jstatus.get("jobParallelism") != want:
                missing.append(f"{cluster}: job {jstatus.get('supervisorStatus')}/{jstatus.get('jobStatus')}/"
                               f"p{jstatus.get('jobParallelism')} (want Started/RUNNING/p{want})")
                continue
            if len(role("taskmanager")) != want:
                missing.append(f"{cluster}: {len(role('taskmanager'))} TaskManagers (want {want})")
            running = self.flink_running(cluster)
            if running != [jstatus.get("jobId")]:
                missing.append(f"{cluster}: Flink runs {running}, status says {jstatus.get('jobId')}")
            path = count_file(s, cluster, model["incarnation"])
            if not path.exists() or now() - path.stat().st_mtime > 3:
                missing.append(f"{cluster}: count file not advancing")
        return missing

    def flink_running(self, cluster: str) -> list[str] | None:
        try:
            service = self.system.api("GET", f"/api/v1/namespaces/{NS}/services/jobmanager-{cluster}")
            address = service["spec"]["clusterIP"]
            with urllib.request.urlopen(f"http://{address}:8081/jobs/overview", timeout=5) as answer:
                jobs = json.loads(answer.read())["jobs"]
            return sorted(j["jid"] for j in jobs if j["state"] in ("RUNNING", "CREATED", "RESTARTING", "INITIALIZING"))
        except Exception:
            return None

    def convergence_limit(self) -> float:
        """CONVERGE_WITHIN, or SLOW_MACHINE_FACTOR times the initial bring-up when that is longer (a loaded machine)."""
        return max(CONVERGE_WITHIN, SLOW_MACHINE_FACTOR * (self.initial_convergence or 0.0))

    def wait_converged(self, timeout: float, label: str) -> float | None:
        started = now()
        streak, last = 0, []
        while now() - started < timeout:
            try:
                last = self.converged()
            except Exception as error:
                last = [f"observation failed: {error}"]
            streak = streak + 1 if not last else 0
            if streak >= 3:
                return now() - started
            time.sleep(1)
        self.record("not-converged", label=label, missing=last)
        return None

    # -- main
    def run(self) -> dict:
        self.t0 = now()
        self.last_op_done = self.t0
        self.record("start", seed=self.seed, duration=self.duration, flink=self.system.flink)
        monitors = [self.monitor("logs", 3, self.collect_logs)]
        setup_started = now()
        self.setup()
        setup_seconds = now() - setup_started
        self.record("setup-done", seconds=round(setup_seconds, 1))
        monitors += [self.monitor("jobs", 0.3, self.observe_jobs), self.monitor("deletions", 1, self.check_deletions),
                     self.monitor("leaders", 1, self.check_leaders), self.monitor("counts", 5, self.check_counts_now)]
        workers = [threading.Thread(target=self.op_worker, args=(c,), daemon=True) for c in CLUSTERS]
        for worker in workers:
            worker.start()
        schedule_start = now()
        for event in self.schedule:
            delay = schedule_start + event["at"] - now()
            if delay > 0:
                time.sleep(delay)
            if event["type"] == "op":
                with self.queue_cv:
                    self.queues[event["cluster"]].append(event)
                    self.queue_cv.notify_all()
            elif event["kind"] == "kill-bootstrap":  # may wait for a bootstrap pod: off the timeline's thread
                threading.Thread(target=self.inject, args=(event,), daemon=True).start()
            else:
                self.inject(event)
        # the last operations finish (a recreate waits for its teardown)
        with self.queue_cv:
            while any(self.queues.values()) or any(self.busy.values()):
                self.queue_cv.wait(1)
        self.workers_done.set()
        for worker in workers:
            worker.join()
        # rules the toolbox's requests did not use up end here: that is the end of the last fault
        try:
            rules = self.system.api("GET", "/localkube/v1/faults")["items"]
            if any(r["times"] == 0 or r["hits"] < r["times"] for r in rules):
                self.system.api("DELETE", "/localkube/v1/faults")
                self.disturbed_until = max(self.disturbed_until, now())
                self.record("fault-rules-cleared", rules=[r["id"] for r in rules])
        except Exception as error:
            self.record("fault-rules-clear-failed", error=str(error))
        last_fault = max(self.disturbed_until, schedule_start)
        quiet_from = max(last_fault, self.last_op_done)
        converge = self.wait_converged(timeout=240, label="final")
        converged_at = now() if converge is not None else None
        convergence = (converged_at - last_fault) if converged_at else None
        # The desired state changes with every operation: an operation issued after the last fault (the runner
        # applies them in order, so one can wait behind a slow recreate) moves the target, and its own latency is not
        # a fault's aftermath. The limit counts from the later of the two; both figures are reported.
        settling = (converged_at - quiet_from) if converged_at else None
        # The limit is a measure of the machine as much as of the toolbox (JVMs start, Flink restores): on a loaded
        # machine it is scaled by how long the same machine took to bring both clusters up from nothing at setup.
        limit = self.convergence_limit()
        if settling is None or settling > limit:
            self.violation("convergence", f"converged {settling if settling is None else round(settling, 1)} s after the "
                           f"last fault or operation (limit {limit:.0f} s, initial bring-up "
                           f"{self.initial_convergence:.1f} s; {convergence} s after the last fault)")
        # one more deletion / leader pass and the final checks
        time.sleep(2)
        self.stop_event.set()
        self.collect_logs()
        for problem in self.count_violations():
            self.violation("count", problem)
        for problem in self.savepoint_violations():
            self.violation("savepoint", problem)
        for entry in rbac_audit.denied(rbac_audit.audit(self.system.state)):
            self.violation("rbac", "denied (403): " + rbac_audit.describe([entry]).strip())
        for entry in rbac_audit.refusals.read(self.system.state):
            self.violation("valid", f'{entry["user"]} {entry["method"]} {entry["path"]} refused ({entry["status"]}): '
                                    f'{entry["message"]}')
        completed = len(list((self.system.shared / "chaos").glob("*/savepoints/savepoint-*/_metadata")))
        recorded = sum(len(e["paths"]) for e in self.savepoints.values())
        triggers = sum(len(e["triggers"]) for e in self.savepoints.values())
        return {
            "seed": self.seed, "duration": self.duration, "flink": self.system.flink,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "setupSeconds": round(setup_seconds, 1),
            "initialConvergenceSeconds": round(self.initial_convergence or 0.0, 1),
            "convergenceLimitSeconds": round(self.convergence_limit(), 1),
            "operations": sum(self.ops_applied.values()), "operationsByKind": self.ops_applied,
            "faults": sum(self.faults_applied.values()), "faultsByKind": self.faults_applied,
            "faultsScheduled": sum(1 for e in self.schedule if e["type"] == "fault"),
            "savepointRequests": triggers, "savepointsRecorded": recorded, "savepointsCompleted": completed,
            "leaseHolders": self.leader_changes, "leaderSamples": self.leader_samples,
            "longestDeletionSeconds": round(self.max_deletion_age, 1),
            "convergenceSeconds": None if convergence is None else round(convergence, 1),
            "convergenceAfterLastEventSeconds": None if converged_at is None else round(converged_at - quiet_from, 1),
            "violations": self.violations, "timeline": self.timeline, "schedule": self.schedule,
        }


def parse_time(stamp: str) -> float:
    try:
        return datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return now()


def failure_logs(system: System, lines: int = 80) -> str:
    """The logs of every process: every pod's containers (copied during the run), localkube's."""
    parts = []
    for log in sorted((system.run_dir / "logs").glob("*.log")):
        text = log.read_text(errors="replace").splitlines()
        parts.append((log.name, "\n".join(text[-lines:])))
    localkube = system.run_dir / "localkube.log"
    if localkube.exists():
        parts.append(("localkube.log", "\n".join(localkube.read_text(errors="replace").splitlines()[-150:])))
    return "\n".join(f"----- {title} -----\n{text}" for title, text in parts)


# ---------------------------------------------------------------------------------------------------------------
# Figures

def table(paths: list[Path]) -> str:
    rows = ["| seed | Flink | duration (s) | operations | faults (by kind) | savepoints requested / recorded / completed"
            " | invariant violations | longest convergence after the last fault (s) |",
            "|---|---|---|---|---|---|---|---|"]
    for path in paths:
        r = json.loads(path.read_text())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(r["faultsByKind"].items()))
        rows.append(f"| {r['seed']} | {r['flink']} | {r['duration']:.0f} | {r['operations']} | {r['faults']} ({kinds}) | "
                    f"{r['savepointRequests']} / {r['savepointsRecorded']} / {r['savepointsCompleted']} | "
                    f"{len(r['violations'])} | {r['convergenceSeconds']} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duration", type=float, default=240, help="seconds of operations and faults")
    parser.add_argument("--flink", default=os.environ.get("E2E_FLINK_VERSION", "2.3.0"))
    parser.add_argument("--print-schedule", action="store_true", help="print the schedule of the seed and exit")
    parser.add_argument("--table", action="store_true", help="print the figures of .bench/chaos-*.json and exit")
    parser.add_argument("--keep", action="store_true", help="leave the system running at the end")
    args = parser.parse_args()
    bench = REPO / ".bench"
    if args.table:
        print(table(sorted(bench.glob("chaos-*.json"))))
        return 0
    schedule = make_schedule(args.seed, args.duration)
    if args.print_schedule:
        print(json.dumps(schedule, indent=1))
        return 0
    bench.mkdir(exist_ok=True)
    tag = f"{args.seed}-{args.flink}-{int(args.duration)}"
    run_dir = Path(tempfile.mkdtemp(prefix=f"chaos-{tag}-"))
    (run_dir / "schedule.json").write_text(json.dumps(schedule, indent=1))
    (bench / f"chaos-{tag}.schedule.json").write_text(json.dumps(schedule, indent=1))
    print(f"chaos seed {args.seed}, duration {args.duration:.0f} s, Flink {args.flink}, run folder {run_dir}")
    print(f"schedule ({len(schedule)} events; saved in .bench/chaos-{tag}.schedule.json):")
    for event in schedule:
        extra = {k: v for k, v in event.items() if k not in ("at", "type", "kind", "cluster", "index", "model")}
        print(f"  {event['at']:6.1f}s {event['type']:5} {event['kind']:18} {event['cluster']} {json.dumps(extra)}")
    system = System(run_dir, args.flink)
    result: dict = {}
    try:
        system.start()
        chaos = Chaos(system, args.seed, args.duration, schedule)
        try:
            result = chaos.run()
        except Exception as error:
            chaos.violation("runner", f"{error}\n{traceback.format_exc()}")
            chaos.stop_event.set()
            result = {"seed": args.seed, "duration": args.duration, "flink": args.flink,
                      "violations": chaos.violations, "timeline": chaos.timeline, "schedule": schedule,
                      "operations": sum(chaos.ops_applied.values()), "faults": sum(chaos.faults_applied.values()),
                      "faultsByKind": chaos.faults_applied, "savepointRequests": 0, "savepointsRecorded": 0,
                      "savepointsCompleted": 0, "convergenceSeconds": None}
        result["runDir"] = str(run_dir)
        (bench / f"chaos-{tag}.json").write_text(json.dumps(result, indent=1))
        print(table([bench / f"chaos-{tag}.json"]))
        if result["violations"]:
            print(f"\nFAILED: {len(result['violations'])} invariant violation(s); seed {args.seed}, "
                  f"re-run with: make chaos CHAOS_SEED={args.seed} CHAOS_DURATION={int(args.duration)} "
                  f"CHAOS_FLINK={args.flink}")
            for v in result["violations"]:
                print(f"  [{v['t']}] {v['invariant']}: {v['detail']}")
            print("\nfault timeline:")
            for entry in result["timeline"]:
                if entry["kind"] in ("fault", "op", "op-error", "not-converged", "monitor-error"):
                    print(f"  {json.dumps(entry)}")
            print("\n" + failure_logs(system))
            # again at the end: a CI log shows its tail, and the logs above would push the cause out of it
            print(f"\nFAILED (seed {args.seed}, run folder {run_dir}):")
            for v in result["violations"]:
                print(f"  [{v['t']}] {v['invariant']}: {v['detail'][:2000]}")
            return 1
        print(f"\nOK: no invariant violated (seed {args.seed}); results in .bench/chaos-{tag}.json")
        return 0
    finally:
        if not args.keep:
            system.stop()


if __name__ == "__main__":
    sys.exit(main())
