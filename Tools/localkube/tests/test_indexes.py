"""Unit tests of the store's indexes (by namespace, by owner uid) and of the Service address index."""
from __future__ import annotations

from localkube.addresses import ServiceAddresses, ip_index
from localkube.builtins import _free_ip
from localkube.store import Store
from localkube.watch import Hub

KEY, SVC = ("apps", "deployments"), ("", "services")


def _obj(ns: str, name: str, uid: str, owners=()) -> dict:
    meta = {"namespace": ns, "name": name, "uid": uid}
    if owners:
        meta["ownerReferences"] = [{"uid": o, "name": o, "kind": "X", "apiVersion": "v1"} for o in owners]
    return {"metadata": meta}


def test_namespace_and_owner_indexes_follow_writes(tmp_path):
    store = Store(str(tmp_path / "state.db"), Hub(10))
    store.put(KEY, _obj("a", "x", "u1"))
    store.put(KEY, _obj("b", "y", "u2", owners=["u1"]))
    store.put(KEY, _obj("a", "z", "u3", owners=["u1", "u2"]))
    assert [o["metadata"]["name"] for o in store.items(KEY, "a")] == ["x", "z"]
    assert [o["metadata"]["name"] for o in store.items(KEY)] == ["x", "z", "y"]  # sorted by (namespace, name)
    assert store.count(KEY, "a") == 2 and store.count(KEY) == 3 and sorted(store.namespaces_of(KEY)) == ["a", "b"]
    assert [o["metadata"]["name"] for _, o in store.dependents_of("u1")] == ["y", "z"]
    store.put(KEY, _obj("a", "z", "u3", owners=["u2"]))  # an owner reference removed by an update
    assert [o["metadata"]["name"] for _, o in store.dependents_of("u1")] == ["y"]
    store.remove(KEY, "b", "y")
    assert store.dependents_of("u1") == [] and store.namespaces_of(KEY) == ["a"]
    assert [o["metadata"]["name"] for _, o in store.dependents_of("u2")] == ["z"]
    store.close()
    reopened = Store(str(tmp_path / "state.db"), Hub(10))  # the indexes are rebuilt from the database
    assert [o["metadata"]["name"] for _, o in reopened.dependents_of("u2")] == ["z"]
    assert reopened.count(KEY, "a") == 2


def test_service_addresses_allocate_the_lowest_free_ip(tmp_path, monkeypatch):
    # The machine's own listening addresses count as taken too; another localkube on this machine (a test or chaos
    # run beside this one) would hold some of 127.2.0.x, so the machine is left out here and tested below.
    monkeypatch.setattr("localkube.addresses.busy_ips", lambda: set())
    store = Store(str(tmp_path / "state.db"), Hub(10))
    addresses = ServiceAddresses(store, "127.2.")
    for i in range(300):
        used = addresses.used()
        ip = _free_ip(used["ips"], used["prefix"], used["ip_start"])
        store.put(SVC, {"metadata": {"namespace": "n", "name": f"s{i}"}, "spec": {"clusterIP": ip}})
    assert store.peek(SVC, "n", "s0")["spec"]["clusterIP"] == "127.2.0.11"
    assert store.peek(SVC, "n", "s299")["spec"]["clusterIP"] == "127.2.1.60"
    assert ip_index("127.2.1.60", "127.2.") == 309
    store.remove(SVC, "n", "s5")  # its address is the lowest free one again
    used = addresses.used()
    assert _free_ip(used["ips"], used["prefix"], used["ip_start"]) == "127.2.0.16"
    used = addresses.used()
    assert "127.2.0.11" in used["ips"] and "127.2.0.16" not in used["ips"]


def test_service_addresses_skip_what_the_machine_listens_on(tmp_path, monkeypatch):
    """An address a process on the machine listens on (another localkube's Service) is not allocated."""
    monkeypatch.setattr("localkube.addresses.busy_ips", lambda: {"127.2.0.11", "127.2.0.12"})
    store = Store(str(tmp_path / "state.db"), Hub(10))
    used = ServiceAddresses(store, "127.2.").used()
    assert _free_ip(used["ips"], used["prefix"], used["ip_start"]) == "127.2.0.13"
