"""End to end: deletion never sticks. FlinkDeployments, FlinkClusters and FlinkJobs are deleted at every state of
their life (Unknown, Starting, Started, Stopping, a savepoint pending, the supervisor pod killed, a supervisor that
never starts), and each is gone with nothing of its cluster left within 30 s (docs/teardown.md). Runs after
test_supervisor_e2e.py on the same system."""
from __future__ import annotations

import json
import time

import pytest

from test_supervisor_e2e import deployment

GONE_WITHIN = 30.0


def flink_deployment(system, name: str, supervisor_image: str = "flink-k8s-toolbox-supervisor:1.5.0") -> dict:
    """The e2e tutorial deployment under another name, with its own output file and savepoint directory."""
    resource = deployment(system)
    resource["metadata"]["name"] = name
    resource["spec"]["cluster"]["supervisor"]["image"] = supervisor_image
    job = resource["spec"]["jobs"][0]["spec"]
    arguments = job["bootstrap"]["arguments"]
    arguments[arguments.index("--output") + 1] = str(system.shared / f"{name}.txt")
    job["savepoint"]["savepointTargetPath"] = f"file://{system.shared}/savepoints-{name}"
    return resource


def leftovers(system, cluster: str) -> dict[str, list[str]]:
    """Everything of `cluster` that still exists: its resources and every object labelled with it."""
    left = {kind: [i["metadata"]["name"] for i in system.items(kind) if i["metadata"]["name"] == cluster
                   or i["metadata"]["name"].startswith(f"{cluster}-")
                   or (i.get("spec") or {}).get("clusterName") == cluster] for kind in ("fd", "fc", "fj")}
    for kind in ("deployments", "pods", "services", "jobs"):
        left[kind] = [i["metadata"]["name"] for i in system.items(kind, f"clusterName={cluster}")]
    return {kind: names for kind, names in left.items() if names}


def delete_and_expect_gone(system, kind: str, name: str, cluster: str) -> float:
    """Deletes `kind/name` without waiting and returns the seconds until nothing of `cluster` is left."""
    started = time.monotonic()
    system.kubectl("delete", kind, name, "--wait=false")
    last: dict = {}

    def gone():
        nonlocal last
        last = leftovers(system, cluster)
        return not last

    try:
        system.wait(f"{kind}/{name} and everything of cluster {cluster} gone", gone, timeout=GONE_WITHIN, interval=0.25)
    except AssertionError as error:
        stuck = {k: [(o["metadata"]["name"], o["metadata"].get("finalizers"), o["metadata"].get("deletionTimestamp"),
                      (o.get("status") or {}).get("supervisorStatus")) for o in system.items(k)] for k in ("fd", "fc", "fj")}
        raise AssertionError(f"{error}\nleft: {last}\nresources: {json.dumps(stuck)}") from None
    elapsed = time.monotonic() - started
    print(f"{kind}/{name}: gone {elapsed:.1f} s after the delete")
    return elapsed


def delete_only(system, kind: str, name: str) -> None:
    """Deletes `kind/name` and waits until that object alone is gone (what it leaves is checked by the caller)."""
    started = time.monotonic()
    system.kubectl("delete", kind, name, "--wait=false")
    system.wait(f"{kind}/{name} gone", lambda: system.get(kind, name) is None, timeout=GONE_WITHIN, interval=0.25)
    print(f"{kind}/{name}: gone {time.monotonic() - started:.1f} s after the delete")


def apply(system, resource: dict) -> None:
    system.kubectl("apply", "-f", "-", input=json.dumps(resource))


def field(system, kind: str, name: str, key: str):
    return system.status(kind, name).get(key)


@pytest.mark.parametrize("delay", [0.0, 1.0, 3.0])
def test_delete_deployment_in_its_first_seconds(system, delay):
    """The reported race: a FlinkDeployment deleted 0, 1 or 3 s after it was applied."""
    name = f"early{int(delay)}"
    apply(system, flink_deployment(system, name))
    time.sleep(delay)  # the moment of the delete is the variable under test, not a wait for a condition
    delete_and_expect_gone(system, "fd", name, name)


def test_delete_deployment_while_cluster_starting(system):
    apply(system, flink_deployment(system, "starting"))
    wait_reached(system, "fc", "starting", "Starting", timeout=120)
    delete_and_expect_gone(system, "fd", "starting", "starting")


def test_delete_deployment_while_job_starting(system):
    apply(system, flink_deployment(system, "jobstart"))
    wait_reached(system, "fj", "jobstart-counter", "Starting", timeout=120)
    delete_and_expect_gone(system, "fd", "jobstart", "jobstart")


def events_of(system, name: str, reason: str) -> list[dict]:
    """The Events recorded on object `name` with `reason` (Events outlive the short states they announce)."""
    return [event for event in system.items("events")
            if (event.get("involvedObject") or {}).get("name") == name and event.get("reason") == reason]


def wait_reached(system, kind: str, name: str, state: str, timeout: float) -> None:
    """Waits until `kind/name` is in `state` or has been (the supervisor records an Event named after every state it
    enters, so a state shorter than a poll is not missed)."""
    system.wait(f"{kind}/{name} {state}", lambda: field(system, kind, name, "supervisorStatus") == state
                or events_of(system, name, state), timeout=timeout)


def test_delete_running_deployment_with_savepoint_pending(system):
    apply(system, flink_deployment(system, "running"))
    output = system.shared / "running.txt"
    # Counting: the tasks run, so Flink accepts the savepoint and it stays pending for a while (a request made while
    # tasks still deploy fails at once, and the deletion would then not race a pending savepoint).
    system.wait("counter output", lambda: output.exists() and len(output.read_text().splitlines()) > 3, timeout=180)
    system.annotate("fj", "running-counter", "TRIGGER_SAVEPOINT")
    # The trigger id may be in status for only a moment; the Event that announces the request stays.
    system.wait("savepoint requested", lambda: events_of(system, "running-counter", "SavepointRequested"), timeout=60)
    delete_and_expect_gone(system, "fd", "running", "running")


def test_delete_deployment_while_cluster_stopping(system):
    apply(system, flink_deployment(system, "stopping"))
    system.wait("running counter", lambda: field(system, "fj", "stopping-counter", "jobStatus") == "RUNNING", timeout=180)
    system.annotate("fc", "stopping", "STOP")
    wait_reached(system, "fc", "stopping", "Stopping", timeout=60)
    delete_and_expect_gone(system, "fd", "stopping", "stopping")


def test_delete_deployment_with_supervisor_pod_killed(system):
    apply(system, flink_deployment(system, "killed"))
    system.wait("running counter", lambda: field(system, "fj", "killed-counter", "jobStatus") == "RUNNING", timeout=180)
    pods = [p["metadata"]["name"] for p in system.items("pods", "role=supervisor,clusterName=killed")]
    assert pods
    system.kubectl("delete", "pod", *pods, "--grace-period=0", "--wait=false")
    delete_and_expect_gone(system, "fd", "killed", "killed")


def test_delete_deployment_whose_supervisor_never_starts(system):
    apply(system, flink_deployment(system, "badimage", supervisor_image="no-such-registry.invalid/supervisor:0"))
    system.wait("supervisor Deployment", lambda: system.items("deployments", "role=supervisor,clusterName=badimage"), timeout=60)
    delete_and_expect_gone(system, "fd", "badimage", "badimage")


def standalone(system, name: str) -> None:
    """A FlinkCluster and its FlinkJob declared directly (no FlinkDeployment)."""
    spec = flink_deployment(system, name)["spec"]
    apply(system, {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkCluster", "metadata": {"name": name},
                   "spec": spec["cluster"]})
    job = dict(spec["jobs"][0]["spec"], clusterName=name)
    apply(system, {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob", "metadata": {"name": f"{name}-counter"},
                   "spec": job})


def test_delete_running_job_then_its_cluster(system):
    standalone(system, "alone")
    system.wait("running counter", lambda: field(system, "fj", "alone-counter", "jobStatus") == "RUNNING", timeout=180)
    delete_only(system, "fj", "alone-counter")
    assert system.status("fc", "alone").get("supervisorStatus") == "Started"
    delete_and_expect_gone(system, "fc", "alone", "alone")


def test_delete_cluster_while_its_job_runs(system):
    standalone(system, "clusterfirst")
    system.wait("running counter", lambda: field(system, "fj", "clusterfirst-counter", "jobStatus") == "RUNNING", timeout=180)
    delete_only(system, "fc", "clusterfirst")
    # The job outlives its cluster (it was declared on its own) and says so; deleting it then is immediate.
    system.wait("orphan job reported", lambda: field(system, "fj", "clusterfirst-counter", "supervisorStatus") == "Unknown",
                timeout=GONE_WITHIN)
    delete_and_expect_gone(system, "fj", "clusterfirst-counter", "clusterfirst")


def test_delete_running_deployment_with_final_savepoint(system):
    """savepoint.onDelete: the deleted job's state is kept in a final savepoint, told in an Event, and the deletion
    still completes within the same bound."""
    resource = flink_deployment(system, "final")
    resource["spec"]["jobs"][0]["spec"]["savepoint"]["onDelete"] = True
    apply(system, resource)
    output = system.shared / "final.txt"
    system.wait("counter output", lambda: output.exists() and len(output.read_text().splitlines()) > 3, timeout=180)
    directory = system.shared / "savepoints-final"
    before = set(directory.iterdir()) if directory.exists() else set()
    delete_and_expect_gone(system, "fd", "final", "final")
    created = set(directory.iterdir()) - before
    assert len(created) == 1, f"one final savepoint expected, got {created}"
    told = events_of(system, "final-counter", "SavepointCompleted")
    assert any(next(iter(created)).name in event.get("message", "") for event in told), told
