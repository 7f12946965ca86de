"""Real kubectl against localkube: CRDs, the manual's examples, printer columns, scale, watch, delete."""
from __future__ import annotations

import glob
import json
import threading
import time

import pytest

from lkhelpers import REPO, crd_texts, flink_cluster, flink_job, wait_for

MANUAL_144 = sorted(glob.glob(str(REPO / "examples" / "manual-1.4.4" / "*.yaml")))
MANUAL_141 = str(REPO / "examples" / "manual-1.4.1" / "deployment.yaml")


@pytest.fixture(scope="module")
def flink_ns(kubectl):
    """Namespace flink-jobs (as the manual creates it), with the CRDs applied by kubectl."""
    for text in crd_texts():
        out = kubectl("apply", "-f", "-", input=text).stdout
        assert "customresourcedefinition.apiextensions.k8s.io/" in out
    kubectl("create", "namespace", "flink-jobs")
    return "flink-jobs"


def test_crds_apply_and_discovery(kubectl, flink_ns):
    again = kubectl("apply", "-f", "-", input=crd_texts()[0]).stdout
    assert "unchanged" in again
    resources = kubectl("api-resources", "--api-group=nextbreakpoint.com").stdout
    for short in ("fd", "fc", "fj"):
        assert f" {short} " in resources
    crd = json.loads(kubectl("get", "crd", "flinkclusters.nextbreakpoint.com", "-o", "json").stdout)
    assert {c["type"]: c["status"] for c in crd["status"]["conditions"]}["Established"] == "True"


def test_manual_examples_apply(kubectl, flink_ns):
    for path in MANUAL_144 + [MANUAL_141]:
        kubectl("apply", "-n", flink_ns, "-f", path)
    out = kubectl("get", "fd", "-n", flink_ns).stdout
    assert "demo" in out and "cluster-1" in out and "RESOURCE-STATUS" in out
    before = json.loads(kubectl("get", "fd", "demo", "-n", flink_ns, "-o", "json").stdout)
    # defaults inside list items make kubectl send a (no-op) patch, as with a real API server
    kubectl("apply", "-n", flink_ns, "-f", MANUAL_144[0])
    fd = json.loads(kubectl("get", "fd", "demo", "-n", flink_ns, "-o", "json").stdout)
    assert fd["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert "unchanged" in kubectl("apply", "-n", flink_ns, "-f", MANUAL_144[1]).stdout
    assert fd["spec"]["cluster"]["supervisor"]["rescaleDelay"] == 10
    assert fd["spec"]["jobs"][0]["spec"]["maxJobParallelism"] == 32  # defaulted by the CRD schema, in a list item
    cms = kubectl("get", "configmaps", "-n", flink_ns, "-o", "name").stdout
    assert "configmap/demo-job-parameters-v1" in cms


def test_changed_apply_updates(kubectl, flink_ns, tmp_path):
    text = open(MANUAL_144[0]).read().replace("taskTimeout: 180", "taskTimeout: 240")
    kubectl("apply", "-n", flink_ns, "-f", MANUAL_144[0])
    before = json.loads(kubectl("get", "fd", "demo", "-n", flink_ns, "-o", "json").stdout)
    out = kubectl("apply", "-n", flink_ns, "-f", "-", input=text).stdout
    assert "configured" in out
    after = json.loads(kubectl("get", "fd", "demo", "-n", flink_ns, "-o", "json").stdout)
    assert after["spec"]["cluster"]["supervisor"]["taskTimeout"] == 240
    assert after["metadata"]["generation"] == before["metadata"]["generation"] + 1


@pytest.mark.parametrize("name, field", [
    ("bad-enum", 'spec.cluster.runtime.pullPolicy: Unsupported value: "Sometimes"'),
    ("bad-type", "spec.cluster.taskManagers"),
    ("missing-required", "spec.cluster.runtime.image: Required value"),
    ("unknown-field", 'unknown field "spec.cluster.jobManager.serviceType"'),
    ("bad-service-account", "spec.cluster.jobManager.serviceAccount: Invalid value: \"Flink_Admin\""),
    ("huge-string", "spec.jobs[0].spec.bootstrap.className: Too long: may not be longer than 1024"),
    ("bad-annotation-key", "spec.cluster.taskManager.annotations: Invalid value: \"object\": every annotation key"),
    ("job-name-too-long", "spec.jobs[0].name: Too long: may not be longer than 63"),
])
def test_invalid_examples_fail(kubectl, flink_ns, name, field):
    proc = kubectl("apply", "-n", flink_ns, "-f", str(REPO / "examples" / "invalid" / f"{name}.yaml"),
                   "--dry-run=server", check=False)
    assert proc.returncode != 0
    assert field in proc.stderr
    if name == "bad-type":
        assert "must be of type integer" in proc.stderr


def test_printer_columns_and_status(kubectl, flink_ns):
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(flink_cluster("cols")))
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(flink_job("cols-job")))
    kubectl("patch", "fc", "cols", "-n", flink_ns, "--subresource=status", "--type=merge", "-p", json.dumps(
        {"status": {"resourceStatus": "Updated", "supervisorStatus": "Started", "clusterHealth": "HEALTHY",
                    "taskManagers": 1, "taskManagerReplicas": 1, "totalTaskSlots": 2, "serviceMode": "ClusterIP"}}))
    kubectl("patch", "fj", "cols-job", "-n", flink_ns, "--subresource=status", "--type=merge", "-p", json.dumps(
        {"status": {"resourceStatus": "Updated", "supervisorStatus": "Started", "clusterName": "cols",
                    "jobStatus": "RUNNING", "jobId": "abc123", "jobParallelism": 1, "restartPolicy": "Always",
                    "savepointMode": "Automatic"}}))
    out = kubectl("get", "fd,fc,fj", "-n", flink_ns).stdout
    for header in ("RESOURCE-STATUS", "SUPERVISOR-STATUS", "CLUSTER-HEALTH", "TASK-MANAGERS",
                   "REQUESTED-TASK-MANAGERS", "TOTAL-TASK-SLOTS", "SERVICE-MODE", "JOB-STATUS", "JOB-ID",
                   "SAVEPOINT-MODE", "JOB-PARALLELISM", "AGE"):
        assert header in out
    fc_line = next(line for line in out.splitlines() if line.startswith("flinkcluster.nextbreakpoint.com/cols"))
    assert fc_line.split()[1:8] == ["Updated", "Started", "HEALTHY", "1", "1", "1", "2"]
    fj_line = next(line for line in out.splitlines() if "flinkjob.nextbreakpoint.com/cols-job" in line)
    assert "RUNNING" in fj_line and "abc123" in fj_line and "cols" in fj_line.split()[3]


def test_annotate_and_scale(kubectl, flink_ns):
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(flink_cluster("scaled")))
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(flink_job("scaled-job")))
    kubectl("annotate", "--overwrite", "fc", "scaled", "-n", flink_ns,
            "operator.nextbreakpoint.com/requested-action=STOP")
    fc = json.loads(kubectl("get", "fc", "scaled", "-n", flink_ns, "-o", "json").stdout)
    assert fc["metadata"]["annotations"]["operator.nextbreakpoint.com/requested-action"] == "STOP"
    assert fc["metadata"]["generation"] == 1
    kubectl("scale", "fc", "scaled", "-n", flink_ns, "--replicas=3")
    fc = json.loads(kubectl("get", "fc", "scaled", "-n", flink_ns, "-o", "json").stdout)
    assert fc["spec"]["taskManagers"] == 3 and fc["metadata"]["generation"] == 2
    kubectl("scale", "fj", "scaled-job", "-n", flink_ns, "--replicas=4")
    fj = json.loads(kubectl("get", "fj", "scaled-job", "-n", flink_ns, "-o", "json").stdout)
    assert fj["spec"]["jobParallelism"] == 4


def test_watch_receives_change(kubectl, flink_ns, api):
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(flink_cluster("watched")))
    proc = kubectl.popen("get", "fc", "watched", "-n", flink_ns, "--watch")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_for(lambda: any(line.startswith("watched") for line in lines), timeout=30)
        # kubectl watches from the resourceVersion of its initial list, so no change can be missed
        resp = api.patch(f"/apis/nextbreakpoint.com/v1/namespaces/{flink_ns}/flinkclusters/watched/status",
                         {"status": {"clusterHealth": "UNHEALTHY", "resourceStatus": "Updating"}})
        assert resp.status == 200, resp
        wait_for(lambda: any("UNHEALTHY" in line for line in lines), timeout=30)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    rows = [line for line in lines if line.startswith("watched")]
    assert len(rows) >= 2 and "Updating" in rows[-1]


def test_delete_waits_for_finalizer(kubectl, flink_ns, api):
    body = flink_cluster("final")
    body["metadata"]["finalizers"] = ["operator.nextbreakpoint.com"]
    kubectl("apply", "-n", flink_ns, "-f", "-", input=json.dumps(body))
    proc = kubectl.popen("delete", "fc", "final", "-n", flink_ns, "--timeout=30s")
    path = f"/apis/nextbreakpoint.com/v1/namespaces/{flink_ns}/flinkclusters/final"
    try:
        obj = wait_for(lambda: (api.get(path).json or {}).get("metadata", {}).get("deletionTimestamp") and
                       api.get(path).json)
        time.sleep(0.5)
        assert proc.poll() is None, "kubectl delete returned before the finalizer was removed"
        resp = api.patch(path, [{"op": "test", "path": "/metadata/finalizers/0",
                                 "value": "operator.nextbreakpoint.com"},
                                {"op": "remove", "path": "/metadata/finalizers"}], "json")
        assert resp.status == 200, resp
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert obj["metadata"]["finalizers"] == ["operator.nextbreakpoint.com"]
    assert api.get(path).status == 404


def test_configmap_apply_strategic_merge(kubectl):
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "smp", "labels": {"a": "1"}},
          "data": {"x": "1", "y": "2"}}
    kubectl("apply", "-f", "-", input=json.dumps(cm))
    cm["data"] = {"x": "10", "z": "3"}
    cm["metadata"]["labels"] = {"b": "2"}
    assert "configured" in kubectl("apply", "-f", "-", input=json.dumps(cm)).stdout
    got = json.loads(kubectl("get", "cm", "smp", "-o", "json").stdout)
    assert got["data"] == {"x": "10", "z": "3"} and got["metadata"]["labels"] == {"b": "2"}
    assert "unchanged" in kubectl("apply", "-f", "-", input=json.dumps(cm)).stdout


def test_create_deployment_and_get_pods(kubectl, api):
    kubectl("create", "namespace", "apps")
    kubectl("create", "deployment", "web", "--image=nginx:1.25", "--replicas=2", "-n", "apps")
    out = kubectl("get", "deployments", "-n", "apps").stdout
    assert out.split("\n")[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert "web" in out and "0/2" in out
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1", "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    kubectl("apply", "-n", "apps", "-f", "-", input=json.dumps(pod))
    out = kubectl("get", "pods", "-n", "apps").stdout
    assert out.split("\n")[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "p1" in out and "Pending" in out and "0/1" in out
    got = json.loads(kubectl("get", "pod", "p1", "-n", "apps", "-o", "json").stdout)
    assert got["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    assert kubectl("logs", "p1", "-n", "apps").returncode == 0
    kubectl("scale", "deployment", "web", "-n", "apps", "--replicas=5")
    assert api.get("/apis/apps/v1/namespaces/apps/deployments/web").json["spec"]["replicas"] == 5
    kubectl("delete", "deployment", "web", "-n", "apps")
    assert api.get("/apis/apps/v1/namespaces/apps/deployments/web").status == 404
