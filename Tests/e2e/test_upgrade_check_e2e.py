"""End to end: the restore-compatibility check of an upgrade (issue #15, point 4), with real Flink.
A running CountingJob is patched to `--without-counter true`, which drops its stateful operator "Counter": the upgrade
is refused (Degraded IncompatibleUpgrade, a Warning naming the operator) and the same Flink job keeps running. With
allowNonRestoredState the upgrade proceeds; a change that keeps every stateful operator proceeds without refusal.
The tests run in file order on one cluster."""
from __future__ import annotations

import json

from test_supervisor_e2e import job_spec

CLUSTER = "upgrade"
JOB = f"{CLUSTER}-counter"


def deployment(system) -> dict:
    target = f"file://{system.shared}/savepoints"
    spec = job_spec("counter", "CountingJob", ["--rate", "50", "--emit-ms", "200"], target=target)
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkDeployment", "metadata": {"name": CLUSTER},
            "spec": {"cluster": {
                "runtime": {"image": "flink:2.3.0"},
                "jobManager": {"serviceMode": "ClusterIP"},
                "taskManager": {"taskSlots": 2},
                "supervisor": {"image": "flink-k8s-toolbox-supervisor:1.5.0", "pollingInterval": 1, "taskTimeout": 60}},
                "jobs": [{"name": "counter", "spec": spec}]}}


def patch(system, path: str, value, op: str = "replace") -> None:
    operation = [{"op": op, "path": "/spec/jobs/0/spec" + path, "value": value}]
    system.kubectl("patch", "fd", CLUSTER, "--type=json", "-p", json.dumps(operation))


def condition(status: dict, kind: str) -> dict:
    return next((c for c in status.get("conditions") or [] if c["type"] == kind), {})


def warnings(system, reason: str) -> list[str]:
    return [e.get("message", "") for e in system.items("events") if e.get("reason") == reason
            and e.get("involvedObject", {}).get("name") == JOB]


def running_job(system) -> str:
    status = system.wait_job(JOB, "Started", jobStatus="RUNNING", timeout=240)
    return status["jobId"]


def wait_restarted(system, before: str) -> dict:
    return system.wait("the upgraded job", lambda: (lambda s: s if s.get("jobId") not in ("", before) and s.get(
        "supervisorStatus") == "Started" and s.get("jobStatus") == "RUNNING" else None)(system.status("fj", JOB)), timeout=300)


def wait_checkpointed(system) -> None:
    """The running job's stateful operators show in a completed checkpoint (the check reads their state sizes)."""
    def checkpointed():
        pod = system.items("pods", f"role=jobmanager,clusterName={CLUSTER}")[0]
        job = system.status("fj", JOB)["jobId"]
        import urllib.request
        with urllib.request.urlopen(f"http://{pod['status']['podIP']}:8081/jobs/{job}/checkpoints", timeout=10) as answer:
            return json.loads(answer.read())["counts"]["completed"] > 0
    system.wait("a completed checkpoint", checkpointed, timeout=120)


def test_counter_runs(system):
    system.kubectl("apply", "-f", "-", input=json.dumps(deployment(system)))
    system.wait_cluster(CLUSTER, "Started", timeout=240)
    assert running_job(system)
    wait_checkpointed(system)


def test_dropping_a_stateful_operator_is_refused(system):
    before = running_job(system)
    arguments = system.get("fj", JOB)["spec"]["bootstrap"]["arguments"] + ["--without-counter", "true"]
    patch(system, "/bootstrap/arguments", arguments)
    status = system.wait("the upgrade refused", lambda: (lambda s: s if (s.get("upgradeCheck") or {}).get(
        "phase") == "Incompatible" else None)(system.status("fj", JOB)), timeout=240)
    assert "Counter" in " ".join(status["upgradeCheck"]["missingOperators"]), status["upgradeCheck"]
    degraded = condition(status, "Degraded")
    assert degraded.get("status") == "True" and degraded.get("reason") == "IncompatibleUpgrade", degraded
    assert any("Counter" in message for message in system.wait(
        "the IncompatibleUpgrade event", lambda: warnings(system, "IncompatibleUpgrade"), timeout=60))
    assert status["jobId"] == before and status["supervisorStatus"] == "Started"
    # The plan-only Job is cleaned up, and the same Flink job keeps running.
    system.wait("the plan Job deleted", lambda: not system.items("jobs", f"role=upgrade-check,clusterName={CLUSTER}"), timeout=120)
    status = system.wait_job(JOB, "Started", jobStatus="RUNNING")
    assert status["jobId"] == before


def test_allow_non_restored_state_lets_the_upgrade_proceed(system):
    before = running_job(system)
    patch(system, "/savepoint/allowNonRestoredState", True, op="add")
    status = wait_restarted(system, before)
    assert condition(status, "Degraded").get("reason") != "IncompatibleUpgrade", status.get("conditions")
    patch(system, "/savepoint/allowNonRestoredState", False)


def test_a_compatible_change_proceeds_without_refusal(system):
    # Back to the full job first (the stateless --without-counter job has no Counter to lose), then a change that
    # keeps every stateful operator.
    arguments = [a for a in system.get("fj", JOB)["spec"]["bootstrap"]["arguments"]]
    cut = arguments.index("--without-counter")
    before = running_job(system)
    patch(system, "/bootstrap/arguments", arguments[:cut] + arguments[cut + 2:])
    before = wait_restarted(system, before)["jobId"]
    wait_checkpointed(system)
    refusals = len(warnings(system, "IncompatibleUpgrade"))
    patch(system, "/bootstrap/arguments", arguments[:cut] + arguments[cut + 2:] + ["--name", "counter-v3"])
    status = wait_restarted(system, before)
    assert (status.get("upgradeCheck") or {}).get("phase") == "Compatible", status.get("upgradeCheck")
    assert len(warnings(system, "IncompatibleUpgrade")) == refusals
    assert condition(status, "Degraded").get("status") == "False", status.get("conditions")


def test_delete(system):
    system.kubectl("delete", "fd", CLUSTER, "--wait=false")
    system.wait("nothing left", lambda: not system.items("fj") and not system.items("fc"), timeout=240)
