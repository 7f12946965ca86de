"""End to end: upgrade modes and the health-gated upgrade with real Flink (checkpoints every 2 s on localkube).
last-state restores the newest retained checkpoint after the JobManager is lost; an upgrade that fails at start is
rolled back to the previous version from the upgrade's savepoint and not retried until the spec changes; a healthy
upgrade is promoted. Each test has its own FlinkDeployment on the shared system (see conftest.py)."""
from __future__ import annotations

import json
import time
import urllib.request

from test_teardown_e2e import apply, delete_and_expect_gone, flink_deployment

RATE = 50  # records/s of the counting job
CHECKPOINT_INTERVAL = 2.0  # s, execution.checkpointing.interval of localkube's Flink image
POLLING_INTERVAL = 1.0  # s, the e2e supervisor's pollingInterval


def counting_deployment(system, name: str, **savepoint) -> dict:
    resource = flink_deployment(system, name)
    job = resource["spec"]["jobs"][0]["spec"]
    job["savepoint"].update(savepoint)
    job["restart"].update({"restartPolicy": "Always", "restartTimeout": 40, "upgradeTimeout": 60})
    # Flink keeps 3 completed checkpoints (not 1): the one the supervisor recorded outlives the next one (README).
    resource["spec"]["cluster"]["jobManager"]["environment"] = [
        {"name": "FLINK_PROPERTIES", "value": "execution.checkpointing.num-retained: 3\n"}]
    return resource


def flink_get(system, cluster: str, path: str) -> dict:
    """GET on the cluster's JobManager REST API, at its pod's address."""
    pods = [p for p in system.running_pods("jobmanager", cluster) if p["status"].get("podIP")]
    assert pods, f"no running JobManager of {cluster}"
    with urllib.request.urlopen(f"http://{pods[0]['status']['podIP']}:8081{path}", timeout=10) as answer:
        return json.loads(answer.read())


def counter_gauge(system, cluster: str, job_id: str, gauge: str) -> int | None:
    """Gauge `gauge` (toolboxCount, toolboxRestoredCount) of the job's Counter operator, None until reported."""
    vertices = flink_get(system, cluster, f"/jobs/{job_id}")["vertices"]
    vertex = next(v["id"] for v in vertices if v["name"].startswith("Counter"))
    values = flink_get(system, cluster, f"/jobs/{job_id}/vertices/{vertex}/metrics?get=0.Counter.{gauge}")
    return int(values[0]["value"]) if values else None


def running_job(system, name: str, other_than: str = "") -> dict:
    """The FlinkJob's status once a Flink job other than `other_than` is Started and RUNNING."""
    def check():
        status = system.status("fj", name)
        return status if status.get("supervisorStatus") == "Started" and status.get("jobStatus") == "RUNNING" and status.get(
            "jobId") not in ("", other_than) else None
    return system.wait(f"{name}: a Flink job other than {other_than or 'none'} RUNNING", check, timeout=240)


def condition(status: dict, kind: str) -> dict:
    return next((c for c in status.get("conditions") or [] if c["type"] == kind), {})


def events(system, name: str) -> list[str]:
    out = system.kubectl("get", "events", "--field-selector", f"involvedObject.name={name}", "-o",
                         "jsonpath={range .items[*]}{.reason}{'\\n'}{end}", check=False)
    return out.split()


def test_last_state_restores_the_latest_checkpoint_after_the_jobmanager_is_lost(system):
    apply(system, counting_deployment(system, "laststate", upgradeMode="last-state"))
    first = running_job(system, "laststate-counter")["jobId"]
    # The supervisor records each newer retained checkpoint as the restore point (a history entry of trigger checkpoint).
    recorded = system.wait("a checkpoint recorded as the restore point", lambda: (lambda s: s if (s.get(
        "savepointHistory") or [{}])[0].get("trigger") == "checkpoint" and s["savepointHistory"][0]["path"] == s.get(
        "savepointPath") else None)(system.status("fj", "laststate-counter")), timeout=60)
    assert "/chk-" in recorded["savepointPath"], recorded["savepointPath"]
    # Several checkpoints in (about 8 s of counting), so the restore point has moved on since the first.
    system.wait("count past 400", lambda: (counter_gauge(system, "laststate", first, "toolboxCount") or 0) > 400)
    count_at_loss = counter_gauge(system, "laststate", first, "toolboxCount")
    jobmanagers = [p["metadata"]["name"] for p in system.running_pods("jobmanager", "laststate")]
    system.kubectl("delete", "pod", *jobmanagers, "--grace-period=0", "--wait=false")

    second = running_job(system, "laststate-counter", other_than=first)["jobId"]
    restored = system.wait("the restored count", lambda: counter_gauge(system, "laststate", second, "toolboxRestoredCount"))
    # Lost at most what was counted since the newest checkpoint the supervisor saw: one checkpoint interval and one
    # polling interval (plus one interval of slack for the checkpoint's own duration).
    bound = RATE * (2 * CHECKPOINT_INTERVAL + POLLING_INTERVAL)
    assert restored >= count_at_loss - bound, (restored, count_at_loss, bound, system.status("fj", "laststate-counter"))
    assert "LastStateUnsafe" not in events(system, "laststate-counter")  # the deployment keeps 3 checkpoints
    print(f"last-state: count {count_at_loss} when the JobManager was killed, {restored} restored (bound {bound:.0f})")
    delete_and_expect_gone(system, "fd", "laststate", "laststate")


def test_an_upgrade_that_fails_at_start_is_rolled_back(system):
    # allowNonRestoredState: no restore-compatibility check, which would refuse the failing version (Flink can make no
    # plan of it) before the stop (test_upgrade_check_e2e.py); here it gets through to show the rollback.
    apply(system, counting_deployment(system, "rollback", allowNonRestoredState=True))
    first = running_job(system, "rollback-counter")["jobId"]
    system.wait("count past 100", lambda: (counter_gauge(system, "rollback", first, "toolboxCount") or 0) > 100)
    before_upgrade = counter_gauge(system, "rollback", first, "toolboxCount")
    good = system.get("fj", "rollback-counter")["spec"]["bootstrap"]
    # The new version throws in main(), so Flink never runs it. (A version that fails only after running, like
    # FailingJob, can complete a checkpoint first — Flink's first one comes at a random point of the interval — and
    # pass the gate, which promotes on the first completed checkpoint.)
    broken = dict(good, arguments=good["arguments"] + ["--rate", "not-a-number"])
    patch = [{"op": "replace", "path": "/spec/jobs/0/spec/bootstrap", "value": broken}]
    system.kubectl("patch", "fd", "rollback", "--type=json", "-p", json.dumps(patch))

    status = system.wait("rolled back", lambda: (lambda s: s if (s.get("upgrade") or {}).get(
        "phase") == "RolledBack" and s.get("jobStatus") == "RUNNING" else None)(system.status("fj", "rollback-counter")),
        timeout=300)
    assert condition(status, "Degraded").get("reason") == "RolledBack", status.get("conditions")
    assert status["lastGoodBootstrap"] == good, status["lastGoodBootstrap"]
    restored = system.wait("the restored count", lambda: counter_gauge(system, "rollback", status["jobId"], "toolboxRestoredCount"))
    assert restored >= before_upgrade, (restored, before_upgrade)  # from the savepoint taken for the upgrade
    assert {"UpgradeFailed", "RolledBack"} <= set(events(system, "rollback-counter"))
    # The rejected spec is not tried again while it stays.
    time.sleep(3 * POLLING_INTERVAL)
    again = system.status("fj", "rollback-counter")
    assert (again["jobId"], again["upgrade"]["phase"]) == (status["jobId"], "RolledBack"), again

    # A fixed version is an upgrade again, and a healthy one is promoted.
    fixed = dict(good, arguments=good["arguments"] + ["--name", "counter-v2"])
    patch = [{"op": "replace", "path": "/spec/jobs/0/spec/bootstrap", "value": fixed}]
    system.kubectl("patch", "fd", "rollback", "--type=json", "-p", json.dumps(patch))
    promoted = system.wait("promoted", lambda: (lambda s: s if s.get("lastGoodBootstrap") == fixed and not s.get(
        "upgrade") else None)(system.status("fj", "rollback-counter")), timeout=240)
    assert promoted["jobId"] != status["jobId"]
    assert condition(promoted, "Degraded").get("status") != "True", promoted.get("conditions")
    assert "UpgradePromoted" in events(system, "rollback-counter")
    delete_and_expect_gone(system, "fd", "rollback", "rollback")
