"""Finalizers, garbage collection through ownerReferences, namespace and CRD deletion."""
from __future__ import annotations

import time

from lkhelpers import crd_objects, flink_cluster, wait_for

CM = "/api/v1/namespaces/{ns}/configmaps"


def _owned(api, ns, name, owner, block=False):
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]["name"],
           "uid": owner["metadata"]["uid"]}
    if block:
        ref["blockOwnerDeletion"] = True
    resp = api.post(CM.format(ns=ns), {"metadata": {"name": name, "ownerReferences": [ref]}})
    assert resp.status == 201, resp
    return resp.json


def _tree(api, ns, block=False):
    """root -> child -> grandchild (plus a second child)."""
    root = api.post(CM.format(ns=ns), {"metadata": {"name": "root"}}).json
    child = _owned(api, ns, "child", root, block)
    _owned(api, ns, "child2", root, block)
    _owned(api, ns, "grandchild", child, block)
    return root


def _exists(api, ns, name):
    return api.get(CM.format(ns=ns) + "/" + name).status == 200


def test_finalizers_hold_deletion(api, namespace):
    path = CM.format(ns=namespace) + "/f"
    api.post(CM.format(ns=namespace), {"metadata": {"name": "f", "finalizers": ["example.com/hold"]}})
    rv = api.get(CM.format(ns=namespace)).json["metadata"]["resourceVersion"]
    stream = api.watch(f"{CM.format(ns=namespace)}?watch=true&resourceVersion={rv}")
    resp = api.delete(path)
    assert resp.status == 200 and resp.json["metadata"]["deletionTimestamp"]
    assert resp.json["metadata"]["deletionGracePeriodSeconds"] == 0
    obj = api.get(path).json
    assert obj["metadata"]["finalizers"] == ["example.com/hold"]
    obj["metadata"]["finalizers"].append("example.com/more")
    assert api.put(path, obj).status == 422  # no new finalizers while deleting
    obj["metadata"]["finalizers"] = []
    assert api.put(path, obj).status == 200
    assert api.get(path).status == 404
    events = stream.events(2)
    stream.close()
    assert [e["type"] for e in events] == ["MODIFIED", "DELETED"]


def test_background_cascades_two_levels(api, namespace):
    _tree(api, namespace)
    resp = api.delete(CM.format(ns=namespace) + "/root", {"propagationPolicy": "Background"})
    assert resp.status == 200 and not _exists(api, namespace, "root")
    wait_for(lambda: not any(_exists(api, namespace, n) for n in ("child", "child2", "grandchild")))


def test_foreground_deletes_dependents_first(api, namespace):
    root = _tree(api, namespace, block=True)
    rv = api.get(CM.format(ns=namespace)).json["metadata"]["resourceVersion"]
    stream = api.watch(f"{CM.format(ns=namespace)}?watch=true&resourceVersion={rv}")
    resp = api.delete(CM.format(ns=namespace) + "/root", {"propagationPolicy": "Foreground"})
    assert resp.status in (200, 202)
    assert "foregroundDeletion" in resp.json["metadata"]["finalizers"]
    deleted = []
    while len(deleted) < 4:
        event = stream.next()
        if event["type"] == "DELETED":
            deleted.append(event["object"]["metadata"]["name"])
    stream.close()
    assert deleted[-1] == "root" and deleted.index("grandchild") < deleted.index("child")
    assert api.get(CM.format(ns=namespace) + "/root").status == 404
    assert root["metadata"]["uid"]


def test_orphan_keeps_dependents(api, namespace):
    _tree(api, namespace)
    resp = api.delete(CM.format(ns=namespace) + "/root", {"propagationPolicy": "Orphan"})
    assert resp.status == 200
    wait_for(lambda: not _exists(api, namespace, "root"))
    time.sleep(0.3)
    child = api.get(CM.format(ns=namespace) + "/child").json
    assert "ownerReferences" not in child["metadata"] or not child["metadata"]["ownerReferences"]
    assert _exists(api, namespace, "child2") and _exists(api, namespace, "grandchild")
    grandchild = api.get(CM.format(ns=namespace) + "/grandchild").json
    assert grandchild["metadata"]["ownerReferences"][0]["name"] == "child"


def test_dangling_owner_is_collected(api, namespace):
    ghost = {"metadata": {"name": "ghost", "uid": "00000000-0000-0000-0000-000000000000"}}
    _owned(api, namespace, "orphaned", ghost)
    wait_for(lambda: not _exists(api, namespace, "orphaned"))


def test_job_default_orphans_its_pods(api, namespace):
    job = api.post(f"/apis/batch/v1/namespaces/{namespace}/jobs", {"metadata": {"name": "j"}, "spec": {
        "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}).json
    assert job["spec"]["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"] == job["metadata"]["uid"]
    pod = {"metadata": {"name": "jp", "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "j",
                                                            "uid": job["metadata"]["uid"]}]},
           "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
    assert api.post(f"/api/v1/namespaces/{namespace}/pods", pod).status == 201
    api.delete(f"/apis/batch/v1/namespaces/{namespace}/jobs/j")
    wait_for(lambda: api.get(f"/apis/batch/v1/namespaces/{namespace}/jobs/j").status == 404)
    time.sleep(0.3)
    assert api.get(f"/api/v1/namespaces/{namespace}/pods/jp").status == 200


def test_namespace_deletion_removes_content(api):
    api.post("/api/v1/namespaces", {"metadata": {"name": "doomed"}})
    api.post(CM.format(ns="doomed"), {"metadata": {"name": "held", "finalizers": ["example.com/x"]}})
    api.post(CM.format(ns="doomed"), {"metadata": {"name": "plain"}})
    resp = api.delete("/api/v1/namespaces/doomed")
    assert resp.json["status"]["phase"] == "Terminating"
    assert api.post(CM.format(ns="doomed"), {"metadata": {"name": "late"}}).status == 403
    wait_for(lambda: api.get(CM.format(ns="doomed") + "/plain").status == 404)
    assert api.get("/api/v1/namespaces/doomed").status == 200
    api.patch(CM.format(ns="doomed") + "/held", {"metadata": {"finalizers": None}})
    wait_for(lambda: api.get("/api/v1/namespaces/doomed").status == 404)
    assert api.delete("/api/v1/namespaces/default").status == 403


def test_crd_deletion_deletes_custom_resources(fresh):
    api = fresh().client()
    crd = next(c for c in crd_objects() if c["spec"]["names"]["kind"] == "FlinkCluster")
    assert api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status == 201
    base = "/apis/nextbreakpoint.com/v1/namespaces/default/flinkclusters"
    assert api.post(base, flink_cluster("c1")).status == 201
    held = flink_cluster("c2")
    held["metadata"]["finalizers"] = ["example.com/x"]
    assert api.post(base, held).status == 201
    path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/flinkclusters.nextbreakpoint.com"
    assert api.delete(path).status == 200
    wait_for(lambda: api.get(base + "/c1").status == 404)
    assert api.post(base, flink_cluster("c3")).status == 405
    terminating = api.get(path).json["status"]["conditions"]
    assert any(c["type"] == "Terminating" for c in terminating)
    api.patch(base + "/c2", {"metadata": {"finalizers": None}})
    wait_for(lambda: api.get(path).status == 404)
    assert api.get(base).status == 404
    assert "nextbreakpoint.com" not in str(api.get("/apis").json)
