"""SQLite-backed object storage with an in-memory index and one global resourceVersion."""
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

    def _index(self, key, ns, name, obj) -> None:
        self.objects.setdefault(key, {})[(ns, name)] = obj
        uid = obj.get("metadata", {}).get("uid")
        if uid:
            self.uids[uid] = (key, ns, name)

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
        keys = sorted(k for k in objs if ns is None or k[0] == ns)
        return [objs[k] for k in keys]

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
        self._commit("INSERT OR REPLACE INTO objects (grp, res, ns, name, data) VALUES (?, ?, ?, ?, ?)",
                     (key[0], key[1], ns, name, json.dumps(obj, separators=(",", ":"))))
        stored = copy.deepcopy(obj)
        self._index(key, ns, name, stored)
        self._count(key)
        self.hub.publish(Event(self.rv, "MODIFIED" if old else "ADDED", key, ns, stored, old))
        return copy.deepcopy(stored)

    def remove(self, key: tuple, ns: str, name: str) -> dict | None:
        """Delete an object; publish DELETED with the deletion resourceVersion. Returns its last state."""
        old = self.objects.get(key, {}).get((ns or "", name))
        if old is None:
            return None
        self.rv += 1
        self._commit("DELETE FROM objects WHERE grp=? AND res=? AND ns=? AND name=?",
                     (key[0], key[1], ns or "", name))
        del self.objects[key][(ns or "", name)]
        self.uids.pop(old["metadata"].get("uid", ""), None)
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
