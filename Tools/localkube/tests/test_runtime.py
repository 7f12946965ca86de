"""The local runtime: pods as processes, env and volumes, logs, Jobs, Deployments, probes, Services."""
from __future__ import annotations

import base64
import os
import signal
import time
import urllib.request

import pytest

from conftest import Kubectl
from localkube.launch import namespaces_available
from runtimehelpers import container_pid, pod, pod_path, ready, start_runtime, wait_for, wait_phase

JOBS, DEPLOYS = "/apis/batch/v1/namespaces/{ns}/jobs", "/apis/apps/v1/namespaces/{ns}/deployments"


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    """A localkube running workloads, for this module."""
    lk = start_runtime(tmp_path_factory.mktemp("rt") / "state")
    yield lk
    assert lk.stop() == 0


@pytest.fixture
def rapi(rt):
    """HTTP client of the runtime server."""
    return rt.client()


@pytest.fixture
def ns(rapi, request) -> str:
    """A namespace per test."""
    name = "r-" + request.node.name.lower().replace("_", "-")[:40].strip("-")
    assert rapi.post("/api/v1/namespaces", {"metadata": {"name": name}}).status == 201
    return name


@pytest.fixture(scope="module")
def kctl(rt, tmp_path_factory) -> Kubectl:
    """kubectl of the runtime server."""
    return Kubectl(rt.kubeconfig, str(tmp_path_factory.mktemp("kc")))


def _log(rapi, ns, name, query="") -> str:
    return rapi.get(pod_path(ns, name) + "/log" + query).raw.decode()


def test_env_and_volume_mounts(rt, rapi, ns):
    rapi.post(f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "cfg"},
                                                      "data": {"a.conf": "alpha", "b": "beta"}})
    rapi.post(f"/api/v1/namespaces/{ns}/secrets", {"metadata": {"name": "sec"}, "data": {
        "pw": base64.b64encode(b"s3cret").decode(), "user": base64.b64encode(b"bob").decode()}})
    script = ('echo "name=$POD_NAME ns=$POD_NS ip=$POD_IP b=$b user=$S_user pw=$PW"; cat "$1"; echo; cat "$2"; echo; '
              'cat "$LOCALKUBE_ROOT/etc/one.conf"; echo; ls "$LOCALKUBE_ROOT/etc/sec"; '
              'echo "localhost=$(getent ahostsv4 localhost | head -n 1 | cut -d " " -f 1)"; sleep 30')
    body = pod("envpod", ["/bin/sh", "-c", script, "sh", "/etc/cfg/a.conf", "/etc/sec/password"], container={
        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                {"name": "POD_NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "pw"}}}],
        "envFrom": [{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "sec"}, "prefix": "S_"}],
        "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg"},
                         {"name": "sec", "mountPath": "/etc/sec", "readOnly": True},
                         {"name": "cfg", "mountPath": "/etc/one.conf", "subPath": "b"}]},
        volumes=[{"name": "cfg", "configMap": {"name": "cfg"}},
                 {"name": "sec", "secret": {"secretName": "sec", "items": [{"key": "pw", "path": "password"}]}}])
    assert rapi.post(pod_path(ns), body).status == 201
    running = wait_phase(rapi, ns, "envpod", "Running")
    ip = running["status"]["podIP"]
    assert ip.startswith(rt.network()["pods"].removesuffix("0.0/16")) and running["status"]["podIPs"] == [{"ip": ip}]
    out = wait_for(lambda: (lambda t: t if "localhost=" in t else None)(_log(rapi, ns, "envpod")))
    assert f"name=envpod ns={ns} ip={ip} b=beta user=bob pw=s3cret" in out
    assert "alpha\ns3cret\nbeta\npassword" in out
    if namespaces_available():  # the pod's own hosts file: localhost is the pod, as in its network namespace
        assert f"localhost={ip}\n" in out


def test_missing_configmap_waits(rapi, ns):
    body = pod("waits", ["/bin/sh", "-c", "echo $x; sleep 30"],
               container={"envFrom": [{"configMapRef": {"name": "later"}}]})
    rapi.post(pod_path(ns), body)
    waiting = wait_for(lambda: (lambda p: p if (p.get("status") or {}).get("containerStatuses") else None)(
        rapi.get(pod_path(ns, "waits")).json))
    state = waiting["status"]["containerStatuses"][0]["state"]
    assert state["waiting"]["reason"] == "CreateContainerConfigError" and waiting["status"]["phase"] == "Pending"
    rapi.post(f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "later"}, "data": {"x": "now"}})
    wait_phase(rapi, ns, "waits", "Running")
    wait_for(lambda: "now" in _log(rapi, ns, "waits"))


def test_kubectl_logs_tail_selector_follow(rapi, ns, kctl):
    body = pod("talker", ["/bin/sh", "-c", 'i=0; while true; do i=$((i+1)); echo "line $i"; sleep 0.2; done'],
               labels={"app": "talk"})
    rapi.post(pod_path(ns), body)
    wait_phase(rapi, ns, "talker", "Running")
    wait_for(lambda: "line 3" in _log(rapi, ns, "talker"))
    tail = kctl("logs", "talker", "-n", ns, "--tail=2").stdout.splitlines()
    assert len(tail) == 2 and tail[0].startswith("line ")
    assert "line 1\n" in kctl("logs", "-l", "app=talk", "-n", ns, "-c", "c").stdout
    follow = kctl.popen("logs", "-f", "talker", "-n", ns, "--tail=1")
    try:
        first = int(follow.stdout.readline().split()[1])
        second = int(follow.stdout.readline().split()[1])
        third = int(follow.stdout.readline().split()[1])
        assert first < second < third
    finally:
        follow.kill()
        follow.communicate()


def test_jobs_succeed_fail_and_expire(rapi, ns, kctl):
    template = lambda cmd, policy: {"spec": {"restartPolicy": policy, "containers": [
        {"name": "c", "image": "busybox", "command": ["/bin/sh", "-c", cmd]}]}}
    rapi.post(JOBS.format(ns=ns), {"metadata": {"name": "ok"}, "spec": {
        "ttlSecondsAfterFinished": 2, "template": template("echo finished", "Never")}})
    rapi.post(JOBS.format(ns=ns), {"metadata": {"name": "bad"}, "spec": {
        "backoffLimit": 1, "template": template("echo failing; exit 3", "Never")}})
    rapi.post(JOBS.format(ns=ns), {"metadata": {"name": "retry"}, "spec": {
        "backoffLimit": 1, "template": template("exit 1", "OnFailure")}})
    kctl("wait", "--for=condition=complete", "job/ok", "-n", ns, "--timeout=30s")
    assert "finished" in kctl("logs", "job/ok", "-n", ns).stdout
    kctl("wait", "--for=condition=failed", "job/bad", "job/retry", "-n", ns, "--timeout=40s")
    bad = rapi.get(JOBS.format(ns=ns) + "/bad").json["status"]
    assert bad["failed"] == 2 and not bad.get("succeeded")
    assert [c["reason"] for c in bad["conditions"] if c["type"] == "Failed"] == ["BackoffLimitExceeded"]
    pods = rapi.get(pod_path(ns) + "?labelSelector=job-name%3Dbad").json["items"]
    assert len(pods) == 2 and {p["status"]["phase"] for p in pods} == {"Failed"}
    assert pods[0]["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3
    wait_for(lambda: rapi.get(JOBS.format(ns=ns) + "/ok").status == 404, 15)
    wait_for(lambda: not rapi.get(pod_path(ns) + "?labelSelector=job-name%3Dok").json["items"])


def _deployment(name: str, replicas: int, message: str) -> dict:
    container = {"name": "c", "image": "busybox", "command": ["/bin/sh", "-c", f"echo {message}; exec sleep 600"]}
    return {"metadata": {"name": name}, "spec": {"replicas": replicas, "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": {"app": name}}, "template": {
                "metadata": {"labels": {"app": name}}, "spec": {"containers": [container],
                                                                 "terminationGracePeriodSeconds": 2}}}}


def test_deployment_replaces_killed_and_deleted_pods(rapi, ns):
    rapi.post(DEPLOYS.format(ns=ns), _deployment("web", 2, "v1"))
    path = DEPLOYS.format(ns=ns) + "/web"
    wait_for(lambda: rapi.get(path).json.get("status", {}).get("readyReplicas") == 2)
    pods = rapi.get(pod_path(ns) + "?labelSelector=app%3Dweb").json["items"]
    assert all(p["metadata"]["name"].startswith("web-") and len(p["metadata"]["name"].split("-")) == 3
               and p["metadata"]["ownerReferences"][0]["kind"] == "Deployment" for p in pods)
    victim = pods[0]
    # Ready means the process runs, not that its shell has echoed yet: kill it only once "v1" is in its log.
    wait_for(lambda: "v1" in _log(rapi, ns, victim["metadata"]["name"]))
    os.kill(container_pid(victim), signal.SIGKILL)
    restarted = wait_for(lambda: (lambda p: p if p["status"]["containerStatuses"][0]["restartCount"] == 1
                                  and ready(p) else None)(rapi.get(pod_path(ns, victim["metadata"]["name"])).json))
    assert restarted["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"] == 137
    assert "v1" in _log(rapi, ns, victim["metadata"]["name"], "?previous=true")
    rapi.delete(pod_path(ns, pods[1]["metadata"]["name"]))
    names = lambda: {p["metadata"]["name"] for p in rapi.get(pod_path(ns) + "?labelSelector=app%3Dweb").json["items"]}
    wait_for(lambda: pods[1]["metadata"]["name"] not in names() and len(names()) == 2)
    rapi.put(path, dict(rapi.get(path).json, spec=_deployment("web", 1, "v2")["spec"]))
    status = wait_for(lambda: (lambda d: d["status"] if d["status"].get("updatedReplicas") == 1 and
                               d["status"].get("readyReplicas") == 1 and d["status"].get("replicas") == 1 and
                               d["status"]["observedGeneration"] == d["metadata"]["generation"] else None)(
        rapi.get(path).json), 20)
    assert status["availableReplicas"] == 1
    (new,) = rapi.get(pod_path(ns) + "?labelSelector=app%3Dweb").json["items"]
    assert new["metadata"]["name"] not in {p["metadata"]["name"] for p in pods}
    wait_for(lambda: "v2" in _log(rapi, ns, new["metadata"]["name"]))


def test_graceful_deletion(rapi, ns):
    script = "trap 'echo got TERM; sleep 1; exit 0' TERM; echo up; while true; do sleep 0.1; done"
    rapi.post(pod_path(ns), pod("polite", ["/bin/sh", "-c", script]))
    rapi.post(pod_path(ns), pod("stubborn", ["/bin/sh", "-c", "trap '' TERM; echo up; while true; do sleep 0.1; done"],
                                terminationGracePeriodSeconds=1))
    for name in ("polite", "stubborn"):
        wait_phase(rapi, ns, name, "Running")
        wait_for(lambda: "up" in _log(rapi, ns, name))
    pid = container_pid(rapi.get(pod_path(ns, "polite")).json)
    started = time.time()
    deleted = rapi.delete(pod_path(ns, "polite")).json
    assert deleted["metadata"]["deletionTimestamp"] and deleted["metadata"]["deletionGracePeriodSeconds"] == 5
    wait_for(lambda: "got TERM" in _log(rapi, ns, "polite"))
    assert rapi.get(pod_path(ns, "polite")).status == 200
    wait_for(lambda: rapi.get(pod_path(ns, "polite")).status == 404)
    assert time.time() - started >= 0.9
    assert not os.path.exists(f"/proc/{pid}")
    started = time.time()
    rapi.delete(pod_path(ns, "stubborn"))
    wait_for(lambda: rapi.get(pod_path(ns, "stubborn")).status == 404)
    assert 0.9 <= time.time() - started < 5


def test_readiness_gates_service_and_liveness_restarts(rt, rapi, ns):
    server = [os.sys.executable, "-c", "import http.server, os; http.server.ThreadingHTTPServer("
              "(os.environ['LOCALKUBE_POD_IP'], 8000), http.server.SimpleHTTPRequestHandler).serve_forever()"]
    probe = {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 1, "failureThreshold": 1}
    rapi.post(pod_path(ns), pod("gated", server, image="python:3.12", labels={"app": "gated"}, container={
        "ports": [{"name": "http", "containerPort": 8000}], "readinessProbe": probe}))
    svc = rapi.post(f"/api/v1/namespaces/{ns}/services", {"metadata": {"name": "gated"}, "spec": {
        "selector": {"app": "gated"}, "ports": [{"port": 80, "targetPort": "http"}]}}).json
    ip = svc["spec"]["clusterIP"]
    assert ip.startswith(rt.network()["services"].removesuffix("0.0/16"))
    running = wait_phase(rapi, ns, "gated", "Running")
    endpoints = f"/api/v1/namespaces/{ns}/endpoints/gated"
    wait_for(lambda: (rapi.get(endpoints).json or {}).get("subsets", [{}])[0].get("notReadyAddresses"))
    assert not ready(rapi.get(pod_path(ns, "gated")).json)
    with pytest.raises(Exception):
        urllib.request.urlopen(f"http://{ip}/", timeout=2).read()
    pod_dir = rt.state_dir / "pods" / f"{ns}_gated_{running['metadata']['uid']}"
    (pod_dir / "ready").write_text("yes")
    wait_for(lambda: ready(rapi.get(pod_path(ns, "gated")).json), 10)
    subset = wait_for(lambda: (rapi.get(endpoints).json.get("subsets") or [{}])[0].get("addresses"))
    assert subset[0]["ip"] == running["status"]["podIP"]
    assert urllib.request.urlopen(f"http://{ip}/ready", timeout=5).read() == b"yes"
    live = {"tcpSocket": {"port": 9999}, "periodSeconds": 1, "failureThreshold": 1}
    rapi.post(pod_path(ns), pod("unlive", ["/bin/sh", "-c", "exec sleep 600"], container={"livenessProbe": live}))
    wait_for(lambda: (rapi.get(pod_path(ns, "unlive")).json["status"].get("containerStatuses") or
                      [{}])[0].get("restartCount", 0) >= 1, 15)


def test_unmapped_image_is_unschedulable(rapi, ns):
    rapi.post(pod_path(ns), pod("nomap", ["x"], image="example.com/unknown:1"))
    got = wait_for(lambda: (lambda p: p if (p.get("status") or {}).get("conditions") else None)(
        rapi.get(pod_path(ns, "nomap")).json))
    assert got["status"]["phase"] == "Pending"
    assert got["status"]["conditions"][0]["reason"] == "Unschedulable"
    assert rapi.delete(pod_path(ns, "nomap")).status == 200
    wait_for(lambda: rapi.get(pod_path(ns, "nomap")).status == 404)
