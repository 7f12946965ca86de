"""SQLite-backed object storage with in-memory indexes and one global resourceVersion.

Indexes (kept on every write, so that no reader scans every object): objects by resource then (namespace, name);
names by resource then namespace; locations by uid; dependents by the uid in their ownerReferences."""
from __future__ import annotations

import copy
import json
import sqlite3

from .watch import Event, Hub

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
  grp TEXT NOT NULL, res TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (grp, res, ns, name));
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""


class Store:
    """Every object, keyed by (group, plural) then (namespace, name); writes are durable before return."""

    def __init__(self, path: str, hub: Hub):
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.hub = hub
        self.objects: dict[tuple, dict[tuple, dict]] = {}
        self.uids: dict[str, tuple] = {}
        self.names: dict[tuple, dict[str, set[str]]] = {}        # resource key -> namespace -> names
        self.dependents: dict[str, dict[tuple, None]] = {}       # owner uid -> {(key, ns, name)} (insertion order)
        self.writes = 0             # writes made by API requests
        self.controller_writes = 0  # writes made by the built-in controllers (GC, namespaces, ...)
        self.internal = False       # set while a controller pass runs
        self.generations: dict[tuple, int] = {}  # writes per resource key (caches such as the RBAC index check it)
        row = self.db.execute("SELECT v FROM meta WHERE k='rv'").fetchone()
        self.rv = int(row[0]) if row else 1
        for grp, res, ns, name, data in self.db.execute("SELECT grp, res, ns, name, data FROM objects"):
            obj = json.loads(data)
            self._index((grp, res), ns, name, obj)
        hub.reset(self.rv)

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def _index(self, key, ns, name, obj, old: dict | None = None) -> None:
        self.objects.setdefault(key, {})[(ns, name)] = obj
        self.names.setdefault(key, {}).setdefault(ns, set()).add(name)
        uid = obj.get("metadata", {}).get("uid")
        if uid:
            self.uids[uid] = (key, ns, name)
        owners, before = _owner_uids(obj), _owner_uids(old) if old is not None else set()
        for owner in before - owners:
            self._drop_dependent(owner, (key, ns, name))
        for owner in owners - before:
            self.dependents.setdefault(owner, {})[(key, ns, name)] = None

    def _unindex(self, key, ns, name, old: dict) -> None:
        del self.objects[key][(ns, name)]
        names = self.names[key][ns]
        names.discard(name)
        if not names:
            del self.names[key][ns]
        self.uids.pop(old["metadata"].get("uid", ""), None)
        for owner in _owner_uids(old):
            self._drop_dependent(owner, (key, ns, name))

    def _drop_dependent(self, owner: str, where: tuple) -> None:
        deps = self.dependents.get(owner)
        if deps is not None:
            deps.pop(where, None)
            if not deps:
                del self.dependents[owner]

    def get(self, key: tuple, ns: str, name: str) -> dict | None:
        """A deep copy of one object, or None."""
        obj = self.objects.get(key, {}).get((ns or "", name))
        return copy.deepcopy(obj) if obj is not None else None

    def peek(self, key: tuple, ns: str, name: str) -> dict | None:
        """The stored object itself (do not modify), or None."""
        return self.objects.get(key, {}).get((ns or "", name))

    def items(self, key: tuple, ns: str | None = None) -> list[dict]:
        """Stored objects of a resource (do not modify), optionally of one namespace, sorted by ns/name."""
        objs = self.objects.get(key, {})
        if ns is None:
            return [objs[k] for k in sorted(objs)]
        return [objs[(ns, name)] for name in sorted(self.names.get(key, {}).get(ns, ()))]

    def count(self, key: tuple, ns: str | None = None) -> int:
        """How many objects a resource has (in one namespace if given)."""
        if ns is None:
            return len(self.objects.get(key, {}))
        return len(self.names.get(key, {}).get(ns, ()))

    def namespaces_of(self, key: tuple) -> list[str]:
        """The namespaces in which a resource has objects."""
        return list(self.names.get(key, {}))

    def dependents_of(self, uid: str) -> list[tuple[tuple, dict]]:
        """(resource key, stored object) of every object with an ownerReference to `uid` (do not modify)."""
        out = []
        for key, ns, name in list(self.dependents.get(uid, ())):
            obj = self.objects.get(key, {}).get((ns, name))
            if obj is not None:
                out.append((key, obj))
        return out

    def keys(self) -> list[tuple]:
        """Resource keys that have objects."""
        return [k for k, v in self.objects.items() if v]

    def by_uid(self, uid: str) -> dict | None:
        """The stored object with this uid (do not modify), or None."""
        where = self.uids.get(uid)
        return self.objects.get(where[0], {}).get(where[1:]) if where else None

    def _commit(self, sql: str, args: tuple) -> None:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute(sql, args)
            self.db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('rv', ?)", (str(self.rv),))
            self.db.execute("COMMIT")
        except Exception:
            self.db.execute("ROLLBACK")
            raise

    def put(self, key: tuple, obj: dict) -> dict:
        """Store `obj` with a new resourceVersion; publish ADDED or MODIFIED. Returns a copy."""
        meta = obj["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        old = self.objects.get(key, {}).get((ns, name))
        self.rv += 1
        meta["resourceVersion"] = str(self.rv)
        data = json.dumps(obj, separators=(",", ":"))
        self._commit("INSERT OR REPLACE INTO objects (grp, res, ns, name, data) VALUES (?, ?, ?, ?, ?)",
                     (key[0], key[1], ns, name, data))
        stored = json.loads(data)  # what was persisted (and a copy several times cheaper than copy.deepcopy)
        self._index(key, ns, name, stored, old)
        self._count(key)
        self.hub.publish(Event(self.rv, "MODIFIED" if old else "ADDED", key, ns, stored, old))
        return json.loads(data)

    def remove(self, key: tuple, ns: str, name: str) -> dict | None:
        """Delete an object; publish DELETED with the deletion resourceVersion. Returns its last state."""
        old = self.objects.get(key, {}).get((ns or "", name))
        if old is None:
            return None
        self.rv += 1
        self._commit("DELETE FROM objects WHERE grp=? AND res=? AND ns=? AND name=?",
                     (key[0], key[1], ns or "", name))
        self._unindex(key, ns or "", name, old)
        gone = copy.deepcopy(old)
        gone["metadata"]["resourceVersion"] = str(self.rv)
        self._count(key)
        self.hub.publish(Event(self.rv, "DELETED", key, ns or "", gone, old))
        return copy.deepcopy(gone)

    def _count(self, key: tuple) -> None:
        self.generations[key] = self.generations.get(key, 0) + 1
        if self.internal:
            self.controller_writes += 1
        else:
            self.writes += 1

    def set_meta(self, k: str, v: str) -> None:
        """Persist a small server setting (e.g. IP allocation counters)."""
        self.db.execute("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", (k, v))

    def get_meta(self, k: str, default: str = "") -> str:
        """Read a server setting persisted with set_meta."""
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return row[0] if row else default


def _owner_uids(obj: dict) -> set[str]:
    """The uids an object's ownerReferences name."""
    refs = obj.get("metadata", {}).get("ownerReferences") or []
    return {r["uid"] for r in refs if isinstance(r, dict) and r.get("uid")}
