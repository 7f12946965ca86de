"""Server-level semantics over plain HTTP: CRUD, conflicts, generation, status, validation, patches."""
from __future__ import annotations

from lkhelpers import crd_objects, flink_cluster, flink_job

FC = "/apis/nextbreakpoint.com/v1/namespaces/{ns}/flinkclusters"


def test_create_get_list_and_conflicts(api, namespace):
    base = FC.format(ns=namespace)
    created = api.post(base, flink_cluster("a"))
    assert created.status == 201 and created.json["metadata"]["generation"] == 1
    assert api.post(base, flink_cluster("a")).json["reason"] == "AlreadyExists"
    gen = api.post(base, {**flink_cluster(""), "metadata": {"generateName": "gen-"}})
    assert gen.status == 201 and gen.json["metadata"]["name"].startswith("gen-")
    assert len(gen.json["metadata"]["name"]) == len("gen-") + 5
    listed = api.get(base)
    assert listed.json["kind"] == "FlinkClusterList" and len(listed.json["items"]) == 2
    assert int(listed.json["metadata"]["resourceVersion"]) >= int(created.json["metadata"]["resourceVersion"])
    obj = created.json
    obj["spec"]["taskManagers"] = 2
    assert api.put(f"{base}/a", obj).status == 200
    stale = api.put(f"{base}/a", obj)
    assert stale.status == 409 and stale.json["reason"] == "Conflict" and stale.json["kind"] == "Status"
    del obj["metadata"]["resourceVersion"]
    missing_rv = api.put(f"{base}/a", obj)
    assert missing_rv.status == 422 and "resourceVersion" in missing_rv.json["message"]
    assert api.get(f"{base}/nope").json["reason"] == "NotFound"
    assert api.request("POST", f"{base}/a", {}).status == 405


def test_global_resource_version_increases(api, namespace):
    rvs = []
    for i in range(3):
        resp = api.post(f"/api/v1/namespaces/{namespace}/configmaps", {"metadata": {"name": f"c{i}"}})
        rvs.append(int(resp.json["metadata"]["resourceVersion"]))
    assert rvs == sorted(rvs) and len(set(rvs)) == 3


def test_generation_and_status_subresource(api, namespace):
    path = FC.format(ns=namespace) + "/g"
    obj = api.post(FC.format(ns=namespace), flink_cluster("g")).json
    obj["metadata"]["labels"] = {"x": "y"}
    obj["status"] = {"resourceStatus": "Updated"}
    obj = api.put(path, obj).json
    assert obj["metadata"]["generation"] == 1 and "status" not in obj  # metadata-only; status ignored
    obj["spec"]["taskManagers"] = 5
    obj = api.put(path, obj).json
    assert obj["metadata"]["generation"] == 2
    obj["status"] = {"resourceStatus": "Updating"}
    obj["spec"]["taskManagers"] = 9
    status = api.put(path + "/status", obj)
    assert status.status == 200
    assert status.json["status"] == {"resourceStatus": "Updating"}
    assert status.json["spec"]["taskManagers"] == 5 and status.json["metadata"]["generation"] == 2
    patched = api.patch(path + "/status", {"status": {"supervisorStatus": "Started"}, "spec": {"taskManagers": 7}})
    assert patched.json["status"] == {"resourceStatus": "Updating", "supervisorStatus": "Started"}
    assert patched.json["spec"]["taskManagers"] == 5 and patched.json["metadata"]["generation"] == 2
    assert api.get(path + "/status").json["status"]["supervisorStatus"] == "Started"
    noop = api.patch(path, {"metadata": {"labels": {"x": "y"}}})
    assert noop.json["metadata"]["resourceVersion"] == patched.json["metadata"]["resourceVersion"]


def test_defaulting_pruning_and_field_validation(api, namespace):
    base = FC.format(ns=namespace)
    body = flink_cluster("d")
    body["spec"]["jobManager"]["serviceType"] = "NodePort"
    body["spec"]["bogus"] = 1
    strict = api.post(base + "?fieldValidation=Strict", body)
    assert strict.status == 400 and strict.json["reason"] == "BadRequest"
    assert 'unknown field "spec.bogus"' in strict.json["message"]
    assert 'unknown field "spec.jobManager.serviceType"' in strict.json["message"]
    warn = api.post(base + "?fieldValidation=Warn", body)
    assert warn.status == 201
    assert any("spec.bogus" in w for w in warn.headers.get_all("Warning"))
    spec = warn.json["spec"]
    assert "bogus" not in spec and "serviceType" not in spec["jobManager"]
    assert spec["minTaskManagers"] == 0 and spec["maxTaskManagers"] == 32
    assert spec["runtime"]["pullPolicy"] == "IfNotPresent" and spec["supervisor"]["rescalePolicy"] == "JobParallelism"
    assert "pollingInterval" not in spec["supervisor"]  # no default: the operator's --polling-interval applies
    ignore = api.post(base + "?fieldValidation=Ignore", {**body, "metadata": {"name": "d2"}})
    assert ignore.status == 201 and not ignore.headers.get_all("Warning")
    cm = api.post(f"/api/v1/namespaces/{namespace}/configmaps?fieldValidation=Strict",
                  {"metadata": {"name": "x"}, "data": {"a": "b"}, "extra": True})
    assert cm.status == 400 and 'unknown field "extra"' in cm.json["message"]


def test_validation_errors_name_fields(api, namespace):
    body = flink_cluster("v")
    body["spec"]["runtime"]["pullPolicy"] = "Sometimes"
    body["spec"]["taskManagers"] = "three"
    del body["spec"]["supervisor"]["image"]
    resp = api.post(FC.format(ns=namespace), body)
    assert resp.status == 422 and resp.json["reason"] == "Invalid"
    fields = {c["field"] for c in resp.json["details"]["causes"]}
    assert {"spec.runtime.pullPolicy", "spec.taskManagers", "spec.supervisor.image"} <= fields
    assert ('spec.runtime.pullPolicy: Unsupported value: "Sometimes": supported values: "Never", "Always", '
            '"IfNotPresent"') in resp.json["message"]
    body = flink_cluster("v2", minTaskManagers=-1)
    resp = api.post(FC.format(ns=namespace), body)
    assert resp.status == 422 and "greater than or equal to 0" in resp.json["message"]
    bad_name = api.post(f"/api/v1/namespaces/{namespace}/configmaps", {"metadata": {"name": "Bad_Name"}})
    assert bad_name.status == 422 and bad_name.json["details"]["causes"][0]["field"] == "metadata.name"
    no_ns = api.post("/api/v1/namespaces/absent/configmaps", {"metadata": {"name": "x"}})
    assert no_ns.status == 404


def test_cel_rules_of_the_crds(api, namespace):
    """The CRDs' x-kubernetes-validations: hostile names are refused with the field named, at exactly the limits."""
    fc_path, fj_path = FC.format(ns=namespace), FC.format(ns=namespace).replace("flinkclusters", "flinkjobs")
    long_name = api.post(fc_path, flink_cluster("c" * 53))
    assert long_name.status == 422, long_name
    assert 'Invalid value: "object": metadata.name must be at most 52 characters' in long_name.json["message"]
    assert api.post(fc_path, flink_cluster("c" * 52)).status == 201
    # a FlinkJob: its own name (without "<clusterName>-") at most 63, the value of its jobName label
    assert api.post(fj_path, flink_job("c" * 52 + "-" + "j" * 63, clusterName="c" * 52)).status == 201
    over = api.post(fj_path, flink_job("c" * 52 + "-" + "j" * 64, clusterName="c" * 52))
    assert over.status == 422 and "the job's own name" in over.json["message"], over
    assert api.post(fj_path, flink_job("j" * 63, clusterName="a" * 20)).status == 201
    assert api.post(fj_path, flink_job("j" * 64)).status == 422
    # a rule over a map: every annotation key a qualified name
    body = flink_cluster("annotated")
    body["spec"]["taskManager"]["annotations"] = {"example.com/ok": "1", "not ok": "2"}
    bad_key = api.post(fc_path, body)
    assert bad_key.status == 422, bad_key
    assert bad_key.json["details"]["causes"][0]["field"] == "spec.taskManager.annotations"
    del body["spec"]["taskManager"]["annotations"]["not ok"]
    assert api.post(fc_path, body).status == 201
    # rules hold on every write: a status write of a valid object passes, a spec change that breaks a rule does not
    status = api.patch(fc_path + "/annotated/status", {"status": {"resourceStatus": "Updated"}})
    assert status.status == 200, status
    broken = api.patch(fc_path + "/annotated", {"spec": {"taskManager": {"annotations": {"a/b/c": "x"}}}})
    assert broken.status == 422, broken


def test_hostile_bodies_and_names(api, namespace):
    """Huge strings, a body over the apiserver's 3 MiB and hostile names: refused, naming the field."""
    path = FC.format(ns=namespace)
    huge = flink_cluster("huge")
    huge["spec"]["runtime"]["image"] = "x" * 5000
    resp = api.post(path, huge)
    assert resp.status == 422 and "spec.runtime.image: Too long: may not be longer than 4096" in resp.json["message"]
    huge["spec"]["runtime"]["image"] = "x" * (3 * 1024 * 1024)
    resp = api.post(path, huge)
    assert resp.status == 413 and resp.json["reason"] == "RequestEntityTooLarge", resp
    for name in ("../etc", "UPPER", "a" * 254, "h\u00e9llo", "a b"):
        resp = api.post(path, flink_cluster(name))
        assert resp.status == 422 and resp.json["details"]["causes"][0]["field"] == "metadata.name", (name, resp)


def test_crd_with_a_rule_that_does_not_compile_is_refused(api):
    crd = crd_objects()[0]
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["x-kubernetes-validations"] = [{"rule": "self.spec.("}]
    crd["metadata"]["name"] = "broken." + crd["spec"]["group"]
    crd["spec"]["names"] = {"kind": "Broken", "plural": "broken", "singular": "broken", "listKind": "BrokenList"}
    resp = api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    assert resp.status == 422 and "compilation failed" in resp.json["message"], resp


def test_selectors(api, namespace):
    base = f"/api/v1/namespaces/{namespace}/pods"
    for name, labels in (("p1", {"app": "a", "tier": "web"}), ("p2", {"app": "b"}), ("p3", {"tier": "db"})):
        api.post(base, {"metadata": {"name": name, "labels": labels},
                        "spec": {"containers": [{"name": "c", "image": "busybox"}]}})
    api.patch(base + "/p2/status", {"status": {"phase": "Running"}})

    def names(query):
        resp = api.get(f"{base}?{query}")
        assert resp.status == 200, resp
        return sorted(i["metadata"]["name"] for i in resp.json["items"])
    assert names("labelSelector=app%3Da") == ["p1"]
    assert names("labelSelector=app%3D%3Db") == ["p2"]
    assert names("labelSelector=app!%3Da") == ["p2", "p3"]
    assert names("labelSelector=app%20in%20(a,b)") == ["p1", "p2"]
    assert names("labelSelector=app%20notin%20(a)") == ["p2", "p3"]
    assert names("labelSelector=tier") == ["p1", "p3"]
    assert names("labelSelector=!tier") == ["p2"]
    assert names("labelSelector=app,tier%3Dweb") == ["p1"]
    assert names("fieldSelector=metadata.name%3Dp3") == ["p3"]
    assert names("fieldSelector=status.phase%3DRunning") == ["p2"]
    assert names("fieldSelector=status.phase!%3DRunning") == ["p1", "p3"]
    assert names(f"fieldSelector=metadata.namespace%3D{namespace}") == ["p1", "p2", "p3"]
    assert api.get(f"{base}?fieldSelector=spec.bogus%3D1").status == 400
    first = api.get(f"{base}?limit=2").json
    assert len(first["items"]) == 2 and first["metadata"]["continue"]
    rest = api.get(f"{base}?limit=2&continue={first['metadata']['continue']}").json
    assert [i["metadata"]["name"] for i in rest["items"]] == ["p3"] and "continue" not in rest["metadata"]


def test_patch_types(api, namespace):
    base = FC.format(ns=namespace)
    api.post(base, flink_cluster("p"))
    ok = api.patch(base + "/p", [{"op": "test", "path": "/spec/taskManagers", "value": 1},
                                 {"op": "replace", "path": "/spec/taskManagers", "value": 4}], "json")
    assert ok.status == 200 and ok.json["spec"]["taskManagers"] == 4
    failed = api.patch(base + "/p", [{"op": "test", "path": "/spec/taskManagers", "value": 1}], "json")
    assert failed.status == 422
    assert api.patch(base + "/p", {"spec": {}}, "strategic").status == 415
    assert api.request("PATCH", base + "/p", {}, ctype="text/plain").status == 415
    stale = api.patch(base + "/p", {"metadata": {"resourceVersion": "1"}, "spec": {"taskManagers": 2}})
    assert stale.status == 409
    dep = {"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {
        "metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
            {"name": "one", "image": "i1", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "two", "image": "i2"}]}}}}
    dpath = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    assert api.post(dpath, dep).status == 201
    smp = {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "two"}, {"name": "one"}],
        "containers": [{"name": "one", "env": [{"name": "B", "$patch": "delete"}, {"name": "C", "value": "3"}]},
                       {"name": "two", "image": "i2b"}]}}}, "metadata": {"finalizers": ["a.b/c", "a.b/d"]}}
    got = api.patch(dpath + "/d", smp, "strategic").json
    containers = got["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["two", "one"]
    assert containers[0]["image"] == "i2b" and containers[1]["image"] == "i1"
    assert [e["name"] for e in containers[1]["env"]] == ["A", "C"]
    got = api.patch(dpath + "/d", {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.b/c"]},
                                   "spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
                    "strategic").json
    assert got["metadata"]["finalizers"] == ["a.b/d"] and got["spec"]["strategy"] == {"type": "Recreate"}
    api.patch(dpath + "/d", {"metadata": {"finalizers": None}})


def test_delete_preconditions_and_policies(api, namespace):
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    obj = api.post(path, {"metadata": {"name": "pc"}}).json
    bad = api.delete(path + "/pc", {"preconditions": {"uid": "other"}})
    assert bad.status == 409 and "Precondition failed" in bad.json["message"]
    bad_rv = api.delete(path + "/pc", {"preconditions": {"resourceVersion": "1"}})
    assert bad_rv.status == 409
    good = api.delete(path + "/pc", {"preconditions": {"uid": obj["metadata"]["uid"]},
                                     "propagationPolicy": "Background", "gracePeriodSeconds": 0})
    assert good.status == 200 and api.get(path + "/pc").status == 404
    assert api.delete(path + "/pc").status == 404
    for i in range(3):
        api.post(path, {"metadata": {"name": f"dc{i}", "labels": {"grp": "x" if i < 2 else "y"}}})
    assert api.delete(path + "?labelSelector=grp%3Dx").status == 200
    assert [i["metadata"]["name"] for i in api.get(path + "?labelSelector=grp").json["items"]] == ["dc2"]


def test_scale_subresource(api, namespace):
    base = FC.format(ns=namespace)
    api.post(base, flink_cluster("s"))
    api.patch(base + "/s/status", {"status": {"taskManagers": 1, "labelSelector": "clusterName=s,owner=flink-operator"}})
    scale = api.get(base + "/s/scale").json
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"]["replicas"] == 1 and scale["status"] == {"replicas": 1,
                                                                  "selector": "clusterName=s,owner=flink-operator"}
    scale["spec"]["replicas"] = 6
    assert api.put(base + "/s/scale", scale).json["spec"]["replicas"] == 6
    assert api.get(base + "/s").json["spec"]["taskManagers"] == 6
    assert api.put(base + "/s/scale", scale).status == 409
    assert api.patch(base + "/s/scale", {"spec": {"replicas": -1}}).status == 422


def test_events_both_apis(api, namespace):
    core = {"metadata": {"name": "e1"}, "involvedObject": {"kind": "FlinkCluster", "name": "x"},
            "reason": "Started", "message": "hello", "type": "Normal"}
    assert api.post(f"/api/v1/namespaces/{namespace}/events", core).status == 201
    new = {"metadata": {"name": "e2"}, "eventTime": "2024-01-01T00:00:00.000000Z", "reason": "Started",
           "action": "Start", "note": "hi", "type": "Normal", "reportingController": "localkube/test",
           "reportingInstance": "x", "regarding": {"kind": "FlinkCluster", "name": "x"}}
    assert api.post(f"/apis/events.k8s.io/v1/namespaces/{namespace}/events", new).status == 201
    table = api.get(f"/api/v1/namespaces/{namespace}/events",
                    headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}).json
    assert table["kind"] == "Table" and table["rows"][0]["cells"][2] == "Started"
    # one storage, two views (like Kubernetes)
    as_core = api.get(f"/api/v1/namespaces/{namespace}/events/e2").json
    assert as_core["message"] == "hi" and as_core["involvedObject"]["name"] == "x"
    assert as_core["reportingComponent"] == "localkube/test"
    as_new = api.get(f"/apis/events.k8s.io/v1/namespaces/{namespace}/events/e1").json
    assert as_new["apiVersion"] == "events.k8s.io/v1" and as_new["note"] == "hello"
    assert as_new["regarding"]["kind"] == "FlinkCluster"
    listed = api.get(f"/apis/events.k8s.io/v1/namespaces/{namespace}/events?fieldSelector=regarding.name%3Dx").json
    assert sorted(i["metadata"]["name"] for i in listed["items"]) == ["e1", "e2"]
    patched = api.patch(f"/apis/events.k8s.io/v1/namespaces/{namespace}/events/e1", {"note": "changed"})
    assert patched.status == 200 and patched.json["note"] == "changed"
    assert api.get(f"/api/v1/namespaces/{namespace}/events/e1").json["message"] == "changed"


def test_tables(api, namespace):
    api.post(FC.format(ns=namespace), flink_cluster("t"))
    accept = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
    table = api.get(FC.format(ns=namespace), headers=accept).json
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    names = [c["name"] for c in table["columnDefinitions"]]
    assert names[:3] == ["Name", "RESOURCE-STATUS", "SUPERVISOR-STATUS"] and names[-1] == "AGE"
    row = table["rows"][0]
    assert row["cells"][0] == "t" and row["cells"][5] == 1  # REQUESTED-TASK-MANAGERS from .spec.taskManagers
    assert row["object"]["kind"] == "PartialObjectMetadata"
    full = api.get(FC.format(ns=namespace) + "/t?includeObject=Object", headers=accept).json
    assert full["rows"][0]["object"]["kind"] == "FlinkCluster"
    none = api.get(FC.format(ns=namespace) + "?includeObject=None", headers=accept).json
    assert "object" not in none["rows"][0]
    api.post(f"/api/v1/namespaces/{namespace}/services", {"metadata": {"name": "svc"}, "spec": {
        "type": "NodePort", "ports": [{"port": 8081, "name": "ui"}], "selector": {"a": "b"}}})
    svc = api.get(f"/api/v1/namespaces/{namespace}/services", headers=accept).json
    assert [c["name"] for c in svc["columnDefinitions"]][:6] == ["Name", "Type", "Cluster-IP", "External-IP",
                                                                  "Port(s)", "Age"]
    assert svc["rows"][0]["cells"][1] == "NodePort" and svc["rows"][0]["cells"][4].startswith("8081:")


def test_cluster_scoped_multi_version_crd(api):
    schema = {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "size": {"type": "integer", "default": 1}, "color": {"type": "string"}}}}}}
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Cluster",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"],
                              "categories": ["all"]},
                    "versions": [
                        {"name": "v1", "served": True, "storage": True, "schema": schema,
                         "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]},
                        {"name": "v2", "served": True, "storage": False, "schema": schema},
                        {"name": "v3", "served": False, "storage": False, "schema": schema}]}}
    created = api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    assert created.status == 201 and created.json["status"]["acceptedNames"]["listKind"] == "WidgetList"
    group = api.get("/apis/example.com").json
    assert group["preferredVersion"]["version"] == "v1" and len(group["versions"]) == 2
    assert api.get("/apis/example.com/v3").status == 404
    made = api.post("/apis/example.com/v2/widgets", {"apiVersion": "example.com/v2", "kind": "Widget",
                                                     "metadata": {"name": "w"}, "spec": {"color": "red"}})
    assert made.status == 201 and made.json["spec"]["size"] == 1 and "namespace" not in made.json["metadata"]
    as_v1 = api.get("/apis/example.com/v1/widgets/w").json
    assert as_v1["apiVersion"] == "example.com/v1" and as_v1["spec"]["color"] == "red"
    table = api.get("/apis/example.com/v1/widgets",
                    headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}).json
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Size"]
    assert table["rows"][0]["cells"] == ["w", 1]
    wrong_kind = api.post("/apis/example.com/v1/widgets", {"apiVersion": "example.com/v1", "kind": "Gadget",
                                                           "metadata": {"name": "g"}})
    assert wrong_kind.status == 400
    bad_crd = dict(crd, metadata={"name": "wrong.example.com"})
    assert api.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", bad_crd).status == 422
