"""Watches: replay from a resourceVersion, initial ADDED events, selectors, bookmarks, timeouts and 410."""
from __future__ import annotations

import time

from lkhelpers import flink_cluster

CM = "/api/v1/namespaces/{ns}/configmaps"


def test_watch_from_resource_version(api, namespace):
    base = CM.format(ns=namespace)
    first = api.post(base, {"metadata": {"name": "w1"}}).json
    rv = first["metadata"]["resourceVersion"]
    api.patch(base + "/w1", {"data": {"a": "1"}})
    api.post(base, {"metadata": {"name": "w2"}})
    api.delete(base + "/w1")
    stream = api.watch(f"{base}?watch=true&resourceVersion={rv}")
    events = stream.events(3)
    stream.close()
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("MODIFIED", "w1"), ("ADDED", "w2"), ("DELETED", "w1")]
    assert events[0]["object"]["kind"] == "ConfigMap" and events[0]["object"]["apiVersion"] == "v1"
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and rvs[0] > int(rv)


def test_watch_without_rv_sends_current_objects_then_changes(api, namespace):
    base = CM.format(ns=namespace)
    api.post(base, {"metadata": {"name": "a"}})
    api.post(base, {"metadata": {"name": "b"}})
    stream = api.watch(f"{base}?watch=1")
    initial = stream.events(2)
    assert sorted(e["object"]["metadata"]["name"] for e in initial) == ["a", "b"]
    assert {e["type"] for e in initial} == {"ADDED"}
    api.patch(base + "/a", {"data": {"x": "y"}})
    assert stream.events(1)[0]["type"] == "MODIFIED"
    stream.close()


def test_legacy_watch_path_and_selectors(api, namespace):
    base = CM.format(ns=namespace)
    rv = api.get(base).json["metadata"]["resourceVersion"]
    stream = api.watch(f"/api/v1/watch/namespaces/{namespace}/configmaps?resourceVersion={rv}"
                       "&labelSelector=app%3Dx")
    api.post(base, {"metadata": {"name": "no", "labels": {"app": "y"}}})
    api.post(base, {"metadata": {"name": "yes", "labels": {"app": "x"}}})
    api.patch(base + "/no", {"metadata": {"labels": {"app": "x"}}})
    api.patch(base + "/yes", {"metadata": {"labels": {"app": "z"}}})
    events = stream.events(3)
    stream.close()
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "yes"), ("ADDED", "no"), ("DELETED", "yes")]
    single = api.watch(f"{base}/no?watch=true&resourceVersion={rv}")
    names = {e["object"]["metadata"]["name"] for e in single.events(2)}
    single.close()
    assert names == {"no"}


def test_bookmarks_and_timeout(api, namespace):
    base = CM.format(ns=namespace)
    rv = api.get(base).json["metadata"]["resourceVersion"]
    started = time.time()
    stream = api.watch(f"{base}?watch=true&allowWatchBookmarks=true&timeoutSeconds=3&resourceVersion={rv}")
    events = []
    while True:
        event = stream.next()
        if event is None:
            break
        events.append(event)
    stream.close()
    elapsed = time.time() - started
    assert 2.5 <= elapsed < 6
    bookmarks = [e for e in events if e["type"] == "BOOKMARK"]
    assert len(bookmarks) >= 2
    obj = bookmarks[0]["object"]
    assert obj["kind"] == "ConfigMap" and set(obj) == {"kind", "apiVersion", "metadata"}
    assert set(obj["metadata"]) == {"resourceVersion"} and int(obj["metadata"]["resourceVersion"]) >= int(rv)


def test_expired_after_compaction_and_history_overflow(api, namespace):
    base = CM.format(ns=namespace)
    old = api.post(base, {"metadata": {"name": "x"}}).json["metadata"]["resourceVersion"]
    api.patch(base + "/x", {"data": {"a": "1"}})
    live = api.watch(f"{base}?watch=true&resourceVersion={old}")
    assert live.events(1)[0]["type"] == "MODIFIED"
    assert api.post("/localkube/v1/compact", {}).status == 200
    api.patch(base + "/x", {"data": {"a": "2"}})
    assert live.events(1)[0]["type"] == "MODIFIED"  # a running watch keeps going
    live.close()
    stream = api.watch(f"{base}?watch=true&resourceVersion={old}")
    assert stream.status == 200
    event = stream.next()
    stream.close()
    assert event["type"] == "ERROR" and event["object"]["code"] == 410
    assert event["object"]["reason"] in ("Expired", "Gone")
    rv = api.get(base).json["metadata"]["resourceVersion"]
    for i in range(60):  # the module server keeps 50 events
        api.patch(base + "/x", {"data": {"a": str(i)}})
    stream = api.watch(f"{base}?watch=true&resourceVersion={rv}")
    assert stream.next()["type"] == "ERROR"
    stream.close()
    api.post(f"{base}", {"metadata": {"name": "y"}})
    page = api.get(f"{base}?limit=1")
    api.patch(base + "/y", {"data": {"b": "1"}})
    api.post("/localkube/v1/compact", {})
    expired = api.get(f"{base}?limit=1&continue={page.json['metadata']['continue']}")
    assert expired.status == 410 and expired.json["reason"] in ("Expired", "Gone")


def test_watch_table_and_custom_resources(api, namespace):
    base = f"/apis/nextbreakpoint.com/v1/namespaces/{namespace}/flinkclusters"
    rv = api.get(base).json["metadata"]["resourceVersion"]
    stream = api.watch(f"{base}?watch=true&resourceVersion={rv}")
    api.post(base, flink_cluster("wc"))
    api.patch(base + "/wc/status", {"status": {"resourceStatus": "Updated"}})
    events = stream.events(2)
    stream.close()
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED"]
    assert events[1]["object"]["status"]["resourceStatus"] == "Updated"
    assert events[1]["object"]["kind"] == "FlinkCluster"


def test_all_namespaces_watch(api, namespace):
    rv = api.get("/api/v1/configmaps").json["metadata"]["resourceVersion"]
    stream = api.watch(f"/api/v1/configmaps?watch=true&resourceVersion={rv}")
    api.post(CM.format(ns=namespace), {"metadata": {"name": "anyns"}})
    event = stream.events(1)[0]
    stream.close()
    assert event["object"]["metadata"]["namespace"] == namespace
