"""End to end: savepoint retention on the local filesystem. A job keeping 2 savepoints (historyMaxCount) takes 4; the
supervisor disposes the 2 expired ones through Flink's savepoint-disposal endpoint, so their directories disappear,
while the newest 2 stay, and a directory nobody recorded (an orphan) in the same target directory is never touched."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

from test_teardown_e2e import delete_and_expect_gone, flink_deployment

NAME = "retention"
JOB = f"{NAME}-counter"


def local(path: str) -> Path:
    """The local directory of a `file:` savepoint location (Flink reports `file:/...`)."""
    return Path(urlparse(path).path)


def history(system) -> list[str]:
    return [entry["path"] for entry in system.status("fj", JOB).get("savepointHistory") or []]


def savepoint_outcome(system, before: list[str]) -> str | None:
    """The new newest savepoint; "failed" once the action was taken and the request is over without one."""
    job = system.get("fj", JOB) or {}
    status = job.get("status") or {}
    head = [entry["path"] for entry in status.get("savepointHistory") or []][:1]
    if head and head != before:
        return head[0]
    action = (job["metadata"].get("annotations") or {}).get("operator.nextbreakpoint.com/requested-action")
    return "failed" if action == "NONE" and not status.get("savepointTriggerId") else None


def test_expired_savepoints_are_disposed_the_newest_and_orphans_stay(system):
    resource = flink_deployment(system, NAME)
    job = resource["spec"]["jobs"][0]["spec"]
    job["savepoint"]["historyMaxCount"] = 2
    target = local(job["savepoint"]["savepointTargetPath"])
    system.kubectl("apply", "-f", "-", input=json.dumps(resource))
    system.wait_job(JOB, "Started", timeout=240)
    system.wait(f"{JOB} RUNNING", lambda: system.status("fj", JOB).get("jobStatus") == "RUNNING", timeout=120)
    output = system.shared / f"{NAME}.txt"
    # Flink refuses a savepoint until every task runs: the job has counted once they do.
    system.wait("the job counting", lambda: output.exists() and len(output.read_text().splitlines()) > 3, timeout=120)

    target.mkdir(parents=True, exist_ok=True)
    orphan = target / "savepoint-000000-orphan00000"
    orphan.mkdir()
    (orphan / "_metadata").write_bytes(b"recorded nowhere")

    taken: list[str] = []
    for _ in range(10):
        if len(taken) == 4:
            break
        before = history(system)[:1]
        system.annotate("fj", JOB, "TRIGGER_SAVEPOINT")
        outcome = system.wait("a new savepoint, or the request over", lambda: savepoint_outcome(system, before), timeout=120)
        if outcome == "failed":
            continue  # Flink refused it (SavepointFailed Event): ask again
        assert local(outcome).is_dir(), f"Flink wrote {outcome}"
        taken.append(outcome)
    assert len(taken) == 4, f"4 savepoints in 10 requests: {taken}"

    expired, kept = taken[:2], taken[2:]
    system.wait("the expired savepoint directories gone", lambda: not any(local(p).exists() for p in expired), timeout=120)
    status = system.wait("the disposals done", lambda: (lambda s: s if not s.get("savepointDisposals") else None)(
        system.status("fj", JOB)), timeout=60)
    assert [entry["path"] for entry in status["savepointHistory"]] == kept[::-1]
    assert status["savepointPath"] == kept[-1]
    assert all(local(p).is_dir() for p in kept), "the newest two stay"
    assert (orphan / "_metadata").read_bytes() == b"recorded nowhere", "the orphan is untouched"
    events = [e for e in system.items("events") if (e.get("involvedObject") or {}).get("name") == JOB]
    assert any(e.get("reason") == "SavepointDisposed" for e in events), [e.get("reason") for e in events]

    delete_and_expect_gone(system, "fd", NAME, NAME)
