"""A real Flink 2.3.0 JobManager pod and a TaskManager pod that joins it through the JobManager Service."""
from __future__ import annotations

import json
import subprocess
import urllib.request

import pytest

from lkhelpers import REPO
from runtimehelpers import alive, container_pid, listeners, pod_path, ready, start_runtime, wait_for

FLINK_LABELS = {"app": "flink", "component": "jobmanager"}


@pytest.fixture(scope="module")
def flink_home():
    """Flink 2.3.0 installed from PyPI (a few seconds when cached)."""
    out = subprocess.run([str(REPO / "Tools" / "flink" / "install.sh"), "2.3.0"], capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().split("=", 1)[1]


def _flink_pod(name: str, role: str, labels: dict, env: list) -> dict:
    container = {"name": role, "image": "flink:2.3.0", "args": [role], "env": env,
                 "ports": [{"name": "rpc", "containerPort": 6123}, {"name": "ui", "containerPort": 8081}]}
    if role == "jobmanager":
        container["readinessProbe"] = {"tcpSocket": {"port": "rpc"}, "periodSeconds": 1}
    return {"metadata": {"name": name, "labels": labels}, "spec": {"containers": [container]}}


def _overview(ip: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://{ip}:8081/overview", timeout=2) as resp:
            return json.loads(resp.read())
    except OSError:
        return None


def test_taskmanager_joins_jobmanager_through_service(tmp_path, flink_home):
    lk = start_runtime(tmp_path / "state")
    try:
        api = lk.client()
        svc = api.post("/api/v1/namespaces/default/services", {"metadata": {"name": "flink-jm"}, "spec": {
            "selector": FLINK_LABELS, "ports": [{"name": "rpc", "port": 6123}, {"name": "blob", "port": 6124},
                                                {"name": "ui", "port": 8081, "targetPort": "ui"}]}}).json
        env = [{"name": "JOB_MANAGER_RPC_ADDRESS", "value": "flink-jm"}]
        assert api.post(pod_path("default"), _flink_pod("jm", "jobmanager", FLINK_LABELS, env)).status == 201
        tm_env = env + [{"name": "FLINK_PROPERTIES", "value": "taskmanager.numberOfTaskSlots: 2\n"}]
        assert api.post(pod_path("default"), _flink_pod("tm", "taskmanager", {"app": "flink"}, tm_env)).status == 201
        ip = svc["spec"]["clusterIP"]
        overview = wait_for(lambda: (lambda o: o if o and o["taskmanagers"] == 1 and o["slots-total"] == 2
                                     else None)(_overview(ip)), 90, 0.5)
        assert overview["flink-version"] == "2.3.0"
        jm = api.get(pod_path("default", "jm")).json
        assert ready(jm) and f"{jm['status']['podIP']}:8081" in listeners()
        conf = (tmp_path / "state" / "pods" / f"default_jm_{jm['metadata']['uid']}" / "jobmanager" / "flink" / "conf"
                / "config.yaml").read_text()
        assert "jobmanager.rpc.address: flink-jm\n" in conf and f"rest.bind-address: {jm['status']['podIP']}" in conf
        logs = api.get(pod_path("default", "tm") + "/log").raw.decode()
        assert "Successful registration at resource manager" in logs
        pids = [container_pid(jm), container_pid(api.get(pod_path("default", "tm")).json)]
    finally:
        assert lk.stop() == 0
    assert not [pid for pid in pids if alive(pid)]
    assert f"{ip}:8081" not in listeners()
