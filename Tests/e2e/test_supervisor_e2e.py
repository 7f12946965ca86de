"""End to end: FlinkDeployment → operator → supervisor → real Flink jobs (2.3.0 or E2E_FLINK_VERSION), through kubectl.
The tests run in file order on one system (each builds on the state the previous one left)."""
from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

from conftest import FLINK_VERSION, HELD_BOOTSTRAP_IMAGE

REPO = Path(__file__).resolve().parents[2]

CLUSTER = "e2e"
COUNTER = f"{CLUSTER}-counter"
JOBS_JAR = "/opt/jobs/toolbox-test-jobs.jar"
TEST_JOBS = "com.nextbreakpoint.toolbox.testjobs."


def job_spec(name: str, klass: str, arguments: list[str], parallelism: int = 1, mode: str = "Automatic",
             policy: str = "Never", interval: int = 0, target: str = "") -> dict:
    return {"jobParallelism": parallelism,
            "bootstrap": {"image": "flink-k8s-toolbox-bootstrap:1.5.0", "jarPath": JOBS_JAR, "className": TEST_JOBS + klass,
                          "arguments": arguments, "serviceAccount": "flink-bootstrap"},
            "savepoint": {"savepointMode": mode, "savepointInterval": interval, "savepointTargetPath": target},
            "restart": {"restartPolicy": policy, "restartDelay": 2, "restartTimeout": 120}}


def deployment(system) -> dict:
    target = f"file://{system.shared}/savepoints"
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment", "metadata": {"name": CLUSTER},
            "spec": {"cluster": {
                "runtime": {"image": f"flink:{FLINK_VERSION}"},
                "jobManager": {"serviceMode": "ClusterIP"},
                "taskManager": {"taskSlots": 1},
                "supervisor": {"image": "flink-k8s-toolbox-supervisor:1.5.0", "pollingInterval": 1, "taskTimeout": 60,
                               "rescaleDelay": 2, "rescalePolicy": "JobParallelism"}},
                "jobs": [{"name": "counter", "spec": job_spec("counter", "CountingJob", [
                    "--rate", "50", "--emit-ms", "200", "--output", str(system.shared / "counter.txt")], target=target)}]}}


def patch_job(system, path: str, value) -> None:
    """Changes the counter job's declared spec in the FlinkDeployment (JSON patch)."""
    operation = [{"op": "replace", "path": "/spec/jobs/0" + path, "value": value}]
    system.kubectl("patch", "fd", CLUSTER, "--type=json", "-p", json.dumps(operation))


def writes(system) -> dict[str, int]:
    """Write requests localkube served, by verb and resource, except Leases (leader election renews them)."""
    stats = json.loads(system.kubectl("get", "--raw", "/localkube/v1/stats"))
    return {f"{verb} {resource}": n for verb, by_resource in stats["requests"].items()
            if verb in ("create", "update", "patch", "delete") for resource, n in by_resource.items()
            if not resource.startswith("leases")}


def control_plane(system, path: str):
    """GET on the operator's control plane through its Service, with the CLI's client certificate."""
    context = ssl.create_default_context(cafile=str(REPO / "secrets" / "ca_cert.pem"))
    context.check_hostname = False  # the server certificate names localhost; the Service has a cluster IP
    context.load_cert_chain(str(REPO / "secrets" / "operator-cli_cert.pem"), str(REPO / "secrets" / "operator-cli_key.pem"))
    address = system.get("svc", "flink-operator")["spec"]["clusterIP"]
    with urllib.request.urlopen(f"https://{address}:4444{path}", context=context, timeout=30) as answer:
        envelope = json.loads(answer.read())
    assert envelope["status"] == "OK", envelope
    return json.loads(envelope["output"])


def count_lines(system) -> list[tuple[int, int]]:
    """The counter job's (epoch-ms, count) lines."""
    path = system.shared / "counter.txt"
    if not path.exists():
        return []
    return [(int(line.split()[0]), int(line.split()[1])) for line in path.read_text().splitlines() if len(line.split()) == 2]


def counts(system) -> list[int]:
    return [count for _, count in count_lines(system)]


def history_head(status: dict) -> tuple[str, str] | None:
    """(path, trigger) of the newest entry of status.savepointHistory."""
    history = status.get("savepointHistory") or []
    return (history[0]["path"], history[0]["trigger"]) if history else None


def test_tutorial_deployment_runs(system):
    system.kubectl("apply", "-f", "-", input=json.dumps(deployment(system)))
    system.wait_cluster(CLUSTER, "Started", timeout=240)
    status = system.wait_job(COUNTER, "Started", timeout=240)
    assert status["jobId"]
    system.wait("counter RUNNING", lambda: system.status("fj", COUNTER).get("jobStatus") == "RUNNING")
    assert len(system.running_pods("jobmanager", CLUSTER)) == 1
    assert len(system.running_pods("taskmanager", CLUSTER)) == 1
    system.wait("counter output", lambda: len(counts(system)) > 3)
    cluster = system.get("fc", CLUSTER)
    ready = {c["type"]: c["status"] for c in cluster["status"].get("conditions", [])}
    assert ready.get("Ready") == "True", cluster["status"]


def test_no_writes_at_rest(system):
    """A running cluster and job: the toolbox polls Flink but writes nothing (Lease renewals aside)."""
    system.wait("settled", lambda: system.status("fj", COUNTER).get("jobStatus") == "RUNNING")
    time.sleep(3)
    before = writes(system)
    time.sleep(6)
    after = writes(system)
    changed = {key: after[key] - before.get(key, 0) for key in after if after[key] != before.get(key, 0)}
    assert not changed, f"writes at rest: {changed}"


def test_control_plane_answers_from_the_supervisor(system):
    """Flink routes of the control plane go operator → supervisor (both mutual TLS) → Flink."""
    details = control_plane(system, f"/api/v1/clusters/{CLUSTER}/jobs/counter/details")
    assert details["state"] == "RUNNING"
    managers = control_plane(system, f"/api/v1/clusters/{CLUSTER}/taskmanagers")
    assert len(managers) == 1
    # Flink's fields pass through, those the contract names and the others (hardware, memory, ...).
    assert {"id", "slotsNumber", "freeSlots", "hardware", "memoryConfiguration"} <= set(managers[0]), managers[0]
    metrics = control_plane(system, f"/api/v1/clusters/{CLUSTER}/jobmanager/metrics")
    assert metrics.get("jvmMemoryHeapUsed", 0) > 0
    assert metrics["jvmClassLoaderClassesLoaded"] > 0, metrics
    assert (metrics["taskSlotsTotal"], metrics["numRegisteredTaskManagers"], metrics["numRunningJobs"]) == (1, 1, 1), metrics
    assert "jvmGarbageCollectorCopyCount" in metrics, "an absent value is 0, not left out"


def test_supervisor_metrics_pass_promtool(system):
    pod = system.items("pods", f"role=supervisor,clusterName={CLUSTER}")[0]
    text = urllib.request.urlopen(f"http://{pod['status']['podIP']}:8080/metrics", timeout=10).read().decode()
    assert 'flink_supervisor_job_status{cluster="e2e",status="Started"} 1' in text
    assert "flink_supervisor_flink_request_duration_seconds_bucket" in text
    promtool = REPO / ".tools" / "bin" / "promtool"
    out = subprocess.run([str(promtool), "check", "metrics"], input=text, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_stop_and_start_job_with_savepoint(system):
    before = system.status("fj", COUNTER).get("savepointPath", "")
    system.annotate("fj", COUNTER, "STOP")
    status = system.wait_job(COUNTER, "Stopped")
    assert status["savepointPath"] and status["savepointPath"] != before
    assert history_head(status) == (status["savepointPath"], "stop"), status.get("savepointHistory")
    seen = len(counts(system))
    stopped_at = counts(system)[-1]
    system.annotate("fj", COUNTER, "START")
    system.wait_job(COUNTER, "Started")
    system.wait("restored run writes", lambda: len(counts(system)) > seen + 2)
    assert min(counts(system)[seen:]) >= stopped_at, "the restarted job did not start from the savepoint"


def test_stop_without_savepoint_keeps_the_last_savepoint(system):
    path = system.status("fj", COUNTER)["savepointPath"]
    system.annotate("fj", COUNTER, "STOP", without_savepoint=True)
    status = system.wait_job(COUNTER, "Stopped")
    assert status["savepointPath"] == path
    system.annotate("fj", COUNTER, "START")
    system.wait_job(COUNTER, "Started", jobStatus="RUNNING")


def test_trigger_and_forget_savepoint(system):
    path = system.status("fj", COUNTER).get("savepointPath", "")
    system.annotate("fj", COUNTER, "TRIGGER_SAVEPOINT")
    system.wait("new savepoint", lambda: system.status("fj", COUNTER).get("savepointPath", "") not in ("", path))
    taken = system.status("fj", COUNTER)
    assert history_head(taken) == (taken["savepointPath"], "manual"), taken.get("savepointHistory")
    system.annotate("fj", COUNTER, "FORGET_SAVEPOINT")
    forgotten = system.wait("forgotten", lambda: (lambda s: s if s.get("savepointPath") == "" else None)(
        system.status("fj", COUNTER)))
    assert history_head(forgotten) == (taken["savepointPath"], "manual"), "forgetting keeps the history"


def test_pending_request_recorded_before_a_crash_is_completed_once(system):
    """The supervisor records a savepoint request (trigger id) in status before it sends it. Simulate a supervisor
    killed between the two: a pending request Flink never saw. The next supervisor sends it under the same trigger id,
    records the savepoint, and takes exactly one."""
    status = system.wait_job(COUNTER, "Started", jobStatus="RUNNING")
    before = set((system.shared / "savepoints").iterdir())
    trigger = uuid.uuid4().hex
    patch = {"status": {"savepointJobId": status["jobId"], "savepointTriggerId": trigger,
                        "savepointRequestTimestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}}
    pod = system.items("pods", f"role=supervisor,clusterName={CLUSTER}")[0]["metadata"]["name"]
    system.kubectl("delete", "pod", pod, "--wait=false")
    system.kubectl("patch", "fj", COUNTER, "--subresource=status", "--type=merge", "-p", json.dumps(patch))
    done = system.wait("the recorded request completed", lambda: (lambda s: s if not s.get("savepointTriggerId") and
                       s.get("savepointPath") else None)(system.status("fj", COUNTER)), timeout=120)
    created = set((system.shared / "savepoints").iterdir()) - before
    assert len(created) == 1, created
    assert done["savepointPath"].endswith(next(iter(created)).name)


def test_periodic_savepoints_in_automatic_mode(system):
    # The FlinkDeployment is the source of truth: the operator puts a FlinkJob's spec back to what it declares.
    patch_job(system, "/spec/savepoint/savepointInterval", 3)
    first = system.wait("periodic savepoint", lambda: system.status("fj", COUNTER).get("savepointPath"), timeout=60)
    system.wait("second periodic savepoint", lambda: system.status("fj", COUNTER).get("savepointPath") not in ("", first), timeout=60)
    patch_job(system, "/spec/savepoint/savepointInterval", 0)
    latest = system.status("fj", COUNTER)
    assert history_head(latest) == (latest["savepointPath"], "periodic"), latest.get("savepointHistory")


def test_scale_job_and_task_managers_follow(system):
    system.kubectl("scale", "fj", COUNTER, "--replicas=2")
    system.wait_job(COUNTER, "Started", jobParallelism=2, jobStatus="RUNNING", timeout=240)
    system.wait("2 TaskManagers", lambda: len(system.running_pods("taskmanager", CLUSTER)) == 2, timeout=120)
    system.kubectl("scale", "fj", COUNTER, "--replicas=1")
    system.wait_job(COUNTER, "Started", jobParallelism=1, jobStatus="RUNNING", timeout=240)
    system.wait("1 TaskManager", lambda: len(system.running_pods("taskmanager", CLUSTER)) == 1, timeout=120)


def test_bootstrap_change_restarts_from_savepoint(system):
    before = system.status("fj", COUNTER)["jobId"]
    spec = system.get("fj", COUNTER)["spec"]["bootstrap"]
    arguments = spec["arguments"] + ["--name", "counter-v2"]
    patch_job(system, "/spec/bootstrap/arguments", arguments)
    status = system.wait("restarted job", lambda: (lambda s: s if s.get("jobId") not in ("", before) and s.get(
        "supervisorStatus") == "Started" else None)(system.status("fj", COUNTER)), timeout=240)
    assert status["savepointPath"]
    assert history_head(status) == (status["savepointPath"], "upgrade"), status.get("savepointHistory")


def test_state_survives_ten_stop_start_rescale_cycles(system):
    seen = len(counts(system))
    for cycle in range(10):
        if cycle % 3 == 2:
            system.kubectl("scale", "fj", COUNTER, f"--replicas={1 + cycle % 2}")
        else:
            system.annotate("fj", COUNTER, "STOP")
            system.wait_job(COUNTER, "Stopped")
            system.annotate("fj", COUNTER, "START")
        system.wait_job(COUNTER, "Started", jobStatus="RUNNING", timeout=240)
    system.wait("last run writes", lambda: len(counts(system)) > seen + 10, timeout=60)
    lines = count_lines(system)[seen:]
    failovers = flink_failovers(system)
    drops = [i for i, ((_, a), (_, b)) in enumerate(zip(lines, lines[1:])) if b < a]
    # A task failure makes Flink itself restore the job's latest checkpoint (here every 2 s), so the count of that job
    # may go back a little; that is Flink's recovery, not a restart of the toolbox. Every other drop is lost state.
    unexplained = [i for i in drops if not any(lines[i][0] - 5000 <= at <= lines[i + 1][0] for at, _ in failovers)]
    assert not unexplained, (f"the count went back across stop/start/rescale: {[lines[i:i + 2] for i in unexplained[:5]]}\n"
                             f"{count_history(system, seen + unexplained[0], failovers)}")


def flink_failovers(system) -> list[tuple[int, str]]:
    """(epoch-ms, exception) of every task failure Flink recorded in the cluster's jobs (its exception history)."""
    out = []
    for job in flink_get(system, "/jobs/overview")["jobs"]:
        history = flink_get(system, f"/jobs/{job['jid']}/exceptions").get("exceptionHistory") or {}
        out += [(entry.get("timestamp", 0), entry.get("exceptionName", "")) for entry in history.get("entries", [])]
    return sorted(out)


def flink_get(system, path: str) -> dict:
    """GET on the cluster's JobManager REST API, at its pod's address."""
    pod = system.items("pods", f"role=jobmanager,clusterName={CLUSTER}")[0]
    with urllib.request.urlopen(f"http://{pod['status']['podIP']}:8081{path}", timeout=10) as answer:
        return json.loads(answer.read())


def count_history(system, index: int, failovers: list[tuple[int, str]]) -> str:
    """What explains a count that went back: the counter lines around it, the FlinkJob's Events and Flink's jobs
    and task failures."""
    lines = [line for line in (system.shared / "counter.txt").read_text().splitlines() if len(line.split()) == 2]
    window = "\n".join(lines[max(0, index - 15):index + 15])
    events = system.kubectl("get", "events", "--field-selector", f"involvedObject.name={COUNTER}", "--sort-by=.lastTimestamp",
                            "-o", "custom-columns=TIME:.lastTimestamp,REASON:.reason,MESSAGE:.message", check=False)
    jobs = json.dumps([{k: job.get(k) for k in ("jid", "name", "state", "start-time", "end-time")}
                       for job in flink_get(system, "/jobs/overview")["jobs"]], indent=1)
    return (f"counter lines (epoch-ms count):\n{window}\nevents:\n{events}\nFlink jobs:\n{jobs}\n"
            f"Flink task failures (epoch-ms, exception): {failovers}")


def test_failing_job_restart_policies(system):
    for policy, expect_restart in (("Never", False), ("OnlyIfFailed", True), ("Always", True)):
        name = f"{CLUSTER}-failing-{policy.lower()}"
        job = {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob",
               "metadata": {"name": name, "labels": {"clusterName": CLUSTER}},
               "spec": dict(job_spec("failing", "FailingJob", ["--fail-after-ms", "500"], mode="Manual", policy=policy,
                                         target=f"file://{system.shared}/savepoints"),
                            clusterName=CLUSTER)}
        system.kubectl("apply", "-f", "-", input=json.dumps(job))
        first = system.wait(f"{name} submitted", lambda: system.status("fj", name).get("jobId"), timeout=240)
        if expect_restart:  # the Stopped window lasts only restartDelay (2 s): a new Flink job id is the proof
            system.wait("restart after failure", lambda: system.status("fj", name).get("jobId") not in ("", first), timeout=120)
        else:
            system.wait_job(name, "Stopped", jobStatus="FAILED", timeout=120)
            time.sleep(5)
            assert system.status("fj", name)["supervisorStatus"] == "Stopped"
        system.kubectl("delete", "fj", name, "--wait=false")
        system.wait(f"{name} deleted", lambda: system.get("fj", name) is None, timeout=120)


def test_stop_and_start_cluster_without_savepoint(system):
    """without-savepoint on the cluster applies to its jobs: they are cancelled and keep their last savepoint."""
    system.annotate("fj", COUNTER, "TRIGGER_SAVEPOINT")
    path = system.wait("a savepoint to keep", lambda: system.status("fj", COUNTER).get("savepointPath"))
    system.wait("no pending request", lambda: not system.status("fj", COUNTER).get("savepointTriggerId"))
    path = system.status("fj", COUNTER)["savepointPath"]
    system.annotate("fc", CLUSTER, "STOP", without_savepoint=True)
    system.wait_cluster(CLUSTER, "Stopped")
    assert system.wait_job(COUNTER, "Stopped")["savepointPath"] == path
    system.annotate("fc", CLUSTER, "START")
    system.wait_cluster(CLUSTER, "Started", timeout=240)
    system.annotate("fj", COUNTER, "START")
    system.wait_job(COUNTER, "Started", jobStatus="RUNNING", timeout=240)


def test_stop_and_start_cluster(system):
    path = system.status("fj", COUNTER).get("savepointPath", "")
    system.annotate("fc", CLUSTER, "STOP")
    system.wait_cluster(CLUSTER, "Stopped")
    stopped = system.wait_job(COUNTER, "Stopped")
    assert stopped["savepointPath"] not in ("", path), "stopping the cluster savepoints its Automatic jobs"
    system.wait("no Flink pods", lambda: not system.items("pods", f"clusterName={CLUSTER},component=flink,role in (jobmanager,taskmanager)"))
    system.annotate("fc", CLUSTER, "START")
    system.wait_cluster(CLUSTER, "Started", timeout=240)
    system.annotate("fj", COUNTER, "START")
    system.wait_job(COUNTER, "Started", jobStatus="RUNNING", timeout=240)


def flink_jobs(system) -> list[dict]:
    """The JobManager's /jobs/overview, through the JobManager Service."""
    address = system.get("svc", f"jobmanager-{CLUSTER}")["spec"]["clusterIP"]
    with urllib.request.urlopen(f"http://{address}:8081/jobs/overview", timeout=10) as answer:
        return json.loads(answer.read())["jobs"]


def test_report_reaches_a_replaced_supervisor(system, request):
    """Bootstraps report to the supervisor's Service, not to a pod IP: a supervisor killed between the bootstrap's run
    call and its report is replaced, and the new one receives the report. The bootstrap image used here holds its
    report, once Flink accepted the run, until the test creates a file, so the kill lands in that window every time."""
    started = time.monotonic()
    system.kubectl("apply", "-f", "-", input=json.dumps(deployment(system)))  # run alone (-k), the test makes the cluster
    system.wait_cluster(CLUSTER, "Started", timeout=240)
    service = system.wait("the supervisor Service", lambda: system.get("svc", f"supervisor-{CLUSTER}"))
    assert service["spec"]["selector"] == {"owner": "flink-operator", "clusterName": CLUSTER, "component": "flink", "role": "supervisor"}
    assert [(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [("api", 4445, "api")]
    assert service["metadata"]["ownerReferences"][0]["kind"] == "FlinkCluster"
    system.release_report.unlink(missing_ok=True)

    name, short = f"{CLUSTER}-held", "held"
    spec = job_spec(short, "CountingJob", ["--rate", "10", "--name", "held", "--output", str(system.shared / "held.txt")],
                    mode="Manual", target=f"file://{system.shared}/savepoints")
    spec["bootstrap"]["image"] = HELD_BOOTSTRAP_IMAGE
    spec["restart"]["restartTimeout"] = 600
    job = {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob",
           "metadata": {"name": name, "labels": {"clusterName": CLUSTER}}, "spec": dict(spec, clusterName=CLUSTER)}
    system.kubectl("apply", "-f", "-", input=json.dumps(job))

    # The bootstrap ran the job in Flink and now holds its report.
    def held():
        log = system.kubectl("logs", "-l", f"role=bootstrap,jobName={short}", "--tail", "-1", check=False)
        found = re.search(r"holding the report of Flink job ([0-9a-f]{32})", log)
        return found.group(1) if found else None
    flink_id = system.wait("the bootstrap holding its report", held, timeout=300)
    bootstrap = system.items("jobs", f"role=bootstrap,jobName={short}")[0]
    args = bootstrap["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--supervisor-url") + 1] == f"https://supervisor-{CLUSTER}.flink-jobs:4445"
    assert not system.status("fj", name).get("jobId")

    # Kill the supervisor (no graceful shutdown) and wait for its replacement to be ready behind the Service. A
    # listener of ours keeps the old pod IP busy, so localkube gives the new pod another address (as a real cluster
    # may): a report sent to the old pod IP would now be refused.
    old = system.running_pods("supervisor", CLUSTER)
    assert len(old) == 1
    blocker = socket.socket()
    blocker.bind((old[0]["status"]["podIP"], 0))
    blocker.listen()
    request.addfinalizer(blocker.close)
    system.kubectl("delete", "pod", old[0]["metadata"]["name"], "--grace-period=0", "--force")

    def replaced():
        pods = [p for p in system.running_pods("supervisor", CLUSTER) if p["metadata"]["uid"] != old[0]["metadata"]["uid"]]
        ready = [p for p in pods if any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))]
        return ready[0] if ready else None
    new = system.wait("a new ready supervisor", replaced, timeout=120)
    assert new["status"]["podIP"] != old[0]["status"]["podIP"]

    def endpoints():
        subsets = (system.get("endpoints", f"supervisor-{CLUSTER}") or {}).get("subsets") or []
        return [a["ip"] for subset in subsets for a in subset.get("addresses") or []]
    system.wait("the Service routing to the new supervisor", lambda: endpoints() == [new["status"]["podIP"]])
    assert not system.status("fj", name).get("jobId"), "the report was held, yet a job id was recorded"

    system.release_report.touch()
    status = system.wait_job(name, "Started", timeout=180, jobId=flink_id, jobStatus="RUNNING")
    log = system.kubectl("logs", "-l", f"role=bootstrap,jobName={short}", "--tail", "-1")
    assert "supervisor: job id recorded" in log, log
    running = [j for j in flink_jobs(system) if j["name"] == "held" and j["state"] == "RUNNING"]
    assert [j["jid"] for j in running] == [flink_id], running
    assert status["jobId"] == flink_id
    print(f"report through the Service to a replaced supervisor "
          f"({old[0]['status']['podIP']} -> {new['status']['podIP']}) in {time.monotonic() - started:.1f} s")

    system.kubectl("delete", "fj", name, "--wait=false")
    system.wait(f"{name} deleted", lambda: system.get("fj", name) is None, timeout=120)
    system.release_report.unlink(missing_ok=True)


def test_delete_leaves_nothing(system):
    started = time.monotonic()
    system.kubectl("delete", "fd", CLUSTER, "--wait=false")
    def empty():
        left = {kind: [i["metadata"]["name"] for i in system.items(kind)] for kind in ("fd", "fc", "fj", "jobs")}
        for kind in ("deployments", "pods", "services"):  # the operator's own Deployment, pod and Service stay
            left[kind] = [i["metadata"]["name"] for i in system.items(kind, "component=flink")]
        return all(not names for names in left.values()) or None
    system.wait("nothing left", empty, timeout=240)
    print(f"deletion of the FlinkDeployment completed in {time.monotonic() - started:.1f} s")
