"""Process-level behaviour: persistence, TLS, tokens, discovery/OpenAPI, fault injection and statistics."""
from __future__ import annotations

import json
import os
import ssl
import subprocess
import time
import urllib.error

import pytest
import yaml

from conftest import Kubectl
from lkhelpers import Client, crd_objects, flink_cluster, wait_for

FC = "/apis/nextbreakpoint.com/v1/namespaces/default/flinkclusters"


def test_persistence_across_restart(fresh, tmp_path):
    state = tmp_path / "persist"
    first = fresh(state_dir=state)
    api = first.client()
    for crd in crd_objects():
        assert api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status == 201
    created = api.post(FC, flink_cluster("kept")).json
    api.patch(FC + "/kept/status", {"status": {"resourceStatus": "Updated"}})
    api.post("/api/v1/namespaces", {"metadata": {"name": "persisted"}})
    last_rv = int(api.get(FC).json["metadata"]["resourceVersion"])
    assert (state / "state.db").exists() and (state / "localkube.pid").exists()
    assert first.stop() == 0
    assert not (state / "localkube.pid").exists()
    second = fresh(state_dir=state)
    api = second.client()
    kept = api.get(FC + "/kept").json
    assert kept["metadata"]["uid"] == created["metadata"]["uid"]
    assert kept["status"] == {"resourceStatus": "Updated"} and kept["spec"]["maxTaskManagers"] == 32
    assert api.get("/api/v1/namespaces/persisted").status == 200
    new = api.post("/api/v1/namespaces/default/configmaps", {"metadata": {"name": "after"}}).json
    assert int(new["metadata"]["resourceVersion"]) > last_rv
    assert "nextbreakpoint.com" in json.dumps(api.get("/apis").json)


def test_instances_running_at_once_get_their_own_loopback_ranges(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("LOCALKUBE_LOCK_DIR", str(tmp_path))  # private locks: the indices are known
    first, second = fresh(), fresh()
    assert first.network() == {"index": 0, "pods": "127.1.0.0/16", "services": "127.2.0.0/16"}
    assert second.network() == {"index": 1, "pods": "127.3.0.0/16", "services": "127.4.0.0/16"}
    kubernetes = "/api/v1/namespaces/default/services/kubernetes"
    assert second.client().get(kubernetes).json["spec"]["clusterIP"] == "127.4.0.1"
    svc = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    assert second.client().post("/api/v1/namespaces/default/services", svc).json["spec"]["clusterIP"].startswith(
        "127.4.")
    assert first.stop() == 0
    third = fresh()  # the freed index is the first free one
    assert third.network()["index"] == 0
    assert second.stop() == 0
    restarted = fresh(state_dir=second.state_dir)  # its recorded index, although 1 is not the first free one
    assert restarted.network()["index"] == 1
    assert restarted.client().get(kubernetes).json["spec"]["clusterIP"] == "127.4.0.1"


def test_startup_files_and_kubeconfig(fresh):
    lk = fresh()
    config = yaml.safe_load(open(lk.kubeconfig))
    assert config["current-context"] == "localkube"
    assert config["contexts"][0]["context"]["namespace"] == "default"
    assert config["clusters"][0]["cluster"] == {"server": lk.url}
    assert int(open(lk.state_dir / "localkube.pid").read()) == lk.proc.pid
    assert lk.client().get("/version").json["gitVersion"].startswith("v1.32.")


def test_tls_with_client_certificate(fresh, tmp_path):
    lk = fresh("--tls")
    assert lk.url.startswith("https://127.0.0.1:")
    config = yaml.safe_load(open(lk.kubeconfig))
    user = config["users"][0]["user"]
    assert {"client-certificate-data", "client-key-data"} <= set(user)
    assert "certificate-authority-data" in config["clusters"][0]["cluster"]
    kubectl = Kubectl(lk.kubeconfig, str(tmp_path / "cache"))
    assert "default" in kubectl("get", "namespaces").stdout
    kubectl("create", "configmap", "tls-cm", "--from-literal=a=b")
    context = ssl.create_default_context(cafile=str(lk.state_dir / "ca.crt"))
    with pytest.raises((urllib.error.URLError, ssl.SSLError, ConnectionError)):
        Client(lk.url, context=context).get("/api/v1/namespaces")
    context.load_cert_chain(str(lk.state_dir / "client.crt"), str(lk.state_dir / "client.key"))
    assert Client(lk.url, context=context).get("/api/v1/namespaces/default/configmaps/tls-cm").status == 200


def test_bearer_token(fresh, tmp_path):
    lk = fresh("--token", "s3cret")
    assert yaml.safe_load(open(lk.kubeconfig))["users"][0]["user"] == {"token": "s3cret"}
    assert lk.client().get("/api/v1/namespaces").status == 401
    assert lk.client(token="wrong").get("/api/v1/namespaces").status == 401
    assert lk.client(token="s3cret").get("/api/v1/namespaces").status == 200


def test_token_over_tls_with_kubectl(fresh, tmp_path):
    """kubectl only sends tokens over TLS: --tls --token accepts either the token or a client certificate."""
    lk = fresh("--tls", "--token", "s3cret")
    config = yaml.safe_load(open(lk.kubeconfig))
    user = config["users"][0]["user"]
    assert user["token"] == "s3cret" and "client-certificate-data" in user
    config["users"][0]["user"] = {"token": "s3cret"}
    token_only = tmp_path / "token-only.kubeconfig"
    token_only.write_text(yaml.safe_dump(config))
    assert "default" in Kubectl(str(token_only), str(tmp_path / "cache"))("get", "ns").stdout
    config["users"][0]["user"] = {"token": "wrong"}
    token_only.write_text(yaml.safe_dump(config))
    proc = Kubectl(str(token_only), str(tmp_path / "cache2"))("get", "ns", check=False)
    assert proc.returncode != 0 and "provide credentials" in proc.stderr
    context = ssl.create_default_context(cafile=str(lk.state_dir / "ca.crt"))
    assert Client(lk.url, context=context).get("/api/v1/namespaces").status == 401
    assert Client(lk.url, token="s3cret", context=context).get("/api/v1/namespaces").status == 200


def test_discovery_and_openapi(api):
    groups = api.get("/apis").json
    assert "nextbreakpoint.com" in [g["name"] for g in groups["groups"]]
    resources = {r["name"]: r for r in api.get("/apis/nextbreakpoint.com/v1").json["resources"]}
    assert resources["flinkclusters"]["shortNames"] == ["fc"] and resources["flinkclusters"]["namespaced"]
    assert resources["flinkclusters/scale"]["group"] == "autoscaling"
    assert "flinkdeployments/scale" not in resources and "flinkdeployments/status" in resources
    core = {r["name"] for r in api.get("/api/v1").json["resources"]}
    assert {"pods", "pods/log", "pods/status", "services", "configmaps", "secrets", "events"} <= core
    apps = {r["name"] for r in api.get("/apis/apps/v1").json["resources"]}
    assert {"deployments", "deployments/status", "deployments/scale"} <= apps
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    agg = api.get("/apis", headers={"Accept": accept})
    assert agg.json["kind"] == "APIGroupDiscoveryList"
    assert "as=APIGroupDiscoveryList" in agg.headers["Content-Type"]
    root = api.get("/openapi/v3").json["paths"]
    doc = api.get(root["apis/nextbreakpoint.com/v1"]["serverRelativeURL"]).json
    patch_ops = [p["patch"] for p in doc["paths"].values() if "patch" in p]
    assert any(any(q["name"] == "fieldValidation" for q in op["parameters"]) for op in patch_ops)
    assert "com.nextbreakpoint.v1.FlinkCluster" in doc["components"]["schemas"]
    core_doc = api.get(root["api/v1"]["serverRelativeURL"]).json
    containers = core_doc["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"


def test_fault_injection(fresh):
    lk = fresh("--bookmark-interval", "30")
    api = lk.client()
    rule = api.post("/localkube/v1/faults", {"method": "GET", "path": "/configmaps$", "times": 2,
                                             "action": {"status": 503, "message": "try later"}}).json
    first = api.get("/api/v1/namespaces/default/configmaps")
    assert first.status == 503 and first.json["kind"] == "Status" and first.json["message"] == "try later"
    assert api.get("/api/v1/namespaces/default/configmaps").status == 503
    assert api.get("/api/v1/namespaces/default/configmaps").status == 200
    listed = api.get("/localkube/v1/faults").json["items"]
    assert listed[0]["id"] == rule["id"] and listed[0]["hits"] == 2
    conflict = api.post("/localkube/v1/faults", {"method": "PUT", "path": "flinkclusters", "times": 0,
                                                 "action": {"status": 409}}).json
    assert api.delete(f"/localkube/v1/faults/{conflict['id']}").status == 200
    api.post("/localkube/v1/faults", {"path": "/namespaces/default$", "action": {"delayMs": 400}})
    started = time.time()
    assert api.get("/api/v1/namespaces/default").status == 200
    assert time.time() - started >= 0.4
    api.post("/localkube/v1/faults", {"path": "/configmaps", "watch": True,
                                      "action": {"dropWatchAfterEvents": 2}})
    for i in range(3):
        api.post("/api/v1/namespaces/default/configmaps", {"metadata": {"name": f"f{i}"}})
    stream = api.watch("/api/v1/namespaces/default/configmaps?watch=true")
    events = [stream.next(), stream.next(), stream.next()]
    stream.close()
    assert [e["type"] for e in events[:2]] == ["ADDED", "ADDED"] and events[2] is None
    assert api.delete("/localkube/v1/faults").status == 200
    assert api.get("/localkube/v1/faults").json["items"] == []


def test_stats_count_requests_and_writes(fresh):
    api = fresh().client()
    crd = next(c for c in crd_objects() if c["spec"]["names"]["kind"] == "FlinkCluster")
    api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    api.post(FC, flink_cluster("st"))
    assert api.post("/localkube/v1/stats/reset", {}).status == 200
    for _ in range(3):
        api.patch(FC + "/st/status", {"status": {"resourceStatus": "Updated"}})
    api.get(FC + "/st")
    api.get(FC)
    api.post(FC, flink_cluster("st"))  # AlreadyExists: counted request, no write
    api.delete(FC + "/st")
    stats = api.get("/localkube/v1/stats").json
    assert stats["requests"]["patch"]["flinkclusters/status"] == 3
    assert stats["requests"]["get"]["flinkclusters"] == 1 and stats["requests"]["list"]["flinkclusters"] == 1
    assert stats["requests"]["create"]["flinkclusters"] == 1 and stats["requests"]["delete"]["flinkclusters"] == 1
    assert stats["writes"] == 2  # one status change (the other two were no-ops) and one delete
    api.post("/localkube/v1/stats/reset", {})
    api.post("/api/v1/namespaces", {"metadata": {"name": "counted"}})
    wait_for(lambda: api.get("/api/v1/namespaces/counted/serviceaccounts/default").status == 200)
    stats = api.get("/localkube/v1/stats").json
    assert stats["writes"] == 1 and stats["controllerWrites"] == 1  # the default ServiceAccount
    stream = api.watch("/api/v1/namespaces?watch=true")
    stream.events(1)
    assert api.get("/localkube/v1/stats").json["watches"] == 1
    stream.close()  # a client that goes away releases its watch
    wait_for(lambda: api.get("/localkube/v1/stats").json["watches"] == 0, timeout=5)


def test_sigterm_leaves_no_process(fresh):
    lk = fresh()
    pid = lk.proc.pid
    stream = lk.client().watch("/api/v1/namespaces?watch=true&allowWatchBookmarks=true")
    assert len(stream.events(4)) == 4
    started = time.time()
    assert lk.stop() == 0
    assert time.time() - started < 5
    assert stream.events(1) == []  # the open watch ended cleanly
    stream.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode != 0
