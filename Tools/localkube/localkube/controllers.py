"""Built-in controllers: garbage collector (ownerReferences), namespace and CRD instance cleanup."""
from __future__ import annotations

import asyncio
import copy
import logging

from . import crd as crdlib
from .decode import CRD_KEY, WriteOptions
from .deletion import delete
from .errors import ApiError
from .ops import NS_KEY, Api

log = logging.getLogger("localkube.controllers")
SA_KEY = ("", "serviceaccounts")


class Controllers:
    """Runs a reconcile pass shortly after every write until nothing is left to do.

    A pass looks only at the objects a write may concern (no scan of the store): the written object, its owners
    that are being deleted (foreground deletion waits for its dependents), the dependents of a deleted object (now
    dangling), a terminating namespace when an object in it changes and a terminating CRD when one of its instances
    changes. Objects a pass could not handle (an error other than 404/409) are looked at again in the next pass."""

    def __init__(self, api: Api):
        self.api = api
        self.dirty = asyncio.Event()
        self.pending: dict[tuple, None] = {}  # (key, ns, name) to look at in the next pass, in order
        api.on_change = self.kick
        api.store.hub.listeners.append(self.observe)
        for key in api.store.keys():
            for ns in api.store.namespaces_of(key):
                for obj in api.store.items(key, ns):
                    self.pending[(key, ns, obj["metadata"]["name"])] = None

    def kick(self) -> None:
        """Request a pass (called after every write)."""
        self.dirty.set()

    def observe(self, ev) -> None:
        """Note what a stored change (a watch Event) concerns, for the next pass."""
        store, meta = self.api.store, ev.obj["metadata"]
        self.pending[(ev.key, ev.ns, meta["name"])] = None
        old_refs = (ev.old or {}).get("metadata", {}).get("ownerReferences") or []
        for ref in (meta.get("ownerReferences") or []) + old_refs:
            self._if_terminating(store.uids.get(ref.get("uid")))
        if ev.type == "DELETED" and meta.get("uid"):
            for key, dep in store.dependents_of(meta.get("uid")):
                self.pending[(key, dep["metadata"].get("namespace", ""), dep["metadata"]["name"])] = None
        if ev.ns:
            self._if_terminating((NS_KEY, "", ev.ns))
        if self.api.registry.by_key(ev.key) is not None and self.api.registry.by_key(ev.key).custom:
            self._if_terminating((CRD_KEY, "", f"{ev.key[1]}.{ev.key[0]}"))
        elif ev.key == CRD_KEY:  # instances of a CRD (re)registered: look at them again
            spec = ev.obj.get("spec") or {}
            key = (spec.get("group", ""), (spec.get("names") or {}).get("plural", ""))
            for ns in store.namespaces_of(key):
                for obj in store.items(key, ns):
                    self.pending[(key, ns, obj["metadata"]["name"])] = None

    def _if_terminating(self, where: tuple | None) -> None:
        if where is not None:
            obj = self.api.store.peek(*where)
            if obj is not None and obj["metadata"].get("deletionTimestamp"):
                self.pending[where] = None

    async def run(self) -> None:
        """Loop forever: wait for a change, then reconcile."""
        self.kick()
        while True:
            await self.dirty.wait()
            self.dirty.clear()
            await asyncio.sleep(0.02)
            self.api.store.internal = True
            try:
                self.reconcile()
            except Exception:  # keep the controllers alive whatever one object does
                log.exception("controller pass failed")
            finally:
                self.api.store.internal = False

    def reconcile(self) -> None:
        """One pass of every controller over the pending objects."""
        batch, self.pending = self.pending, {}
        failed = []
        for where in batch:
            try:
                done = self._reconcile_one(where)
            except Exception:  # keep the controllers alive whatever one object does
                log.exception("controller: %s %s/%s", where[0][1], where[1], where[2])
                done = False
            if not done:
                failed.append(where)
        for where in failed:  # looked at again in the next pass
            self.pending[where] = None
        self._service_accounts()

    def _reconcile_one(self, where: tuple) -> bool:
        """The garbage collector's work on one object; False if it failed (to be retried)."""
        key, ns, name = where
        rt = self.api.registry.by_key(key)
        obj = self.api.store.peek(key, ns, name)
        if rt is None or obj is None:
            return True
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            deps = [(self.api.registry.by_key(k), d) for k, d in self.api.store.dependents_of(meta.get("uid"))]
            return self._guard(self._deleting, rt, obj, [(drt, d) for drt, d in deps if drt is not None])
        if meta.get("ownerReferences"):
            return self._guard(self._dangling, rt, obj)
        return True

    def _service_accounts(self) -> None:
        """Every active namespace has a `default` ServiceAccount (the serviceaccount controller)."""
        sa_type = self.api.registry.by_key(SA_KEY)
        for ns in list(self.api.store.items(NS_KEY)):
            name = ns["metadata"]["name"]
            if ns["metadata"].get("deletionTimestamp") or self.api.store.peek(SA_KEY, name, "default"):
                continue
            self._guard(self.api.create, sa_type, name, {"metadata": {"name": "default"}}, WriteOptions())

    def _guard(self, fn, *args) -> bool:
        try:
            fn(*args)
        except ApiError as err:
            if err.code not in (404, 409):
                log.warning("controller: %s", err.message)
                return False
        return True

    def _update_meta(self, rt, obj: dict, change) -> None:
        meta = obj["metadata"]
        existing = self.api.store.get(rt.key, meta.get("namespace", ""), meta["name"])
        if existing is None:
            return
        new = copy.deepcopy(existing)
        change(new["metadata"])
        self.api.replace(rt, existing, new, WriteOptions("Ignore"))

    def _remove_finalizer(self, rt, obj: dict, name: str) -> None:
        def change(meta):
            meta["finalizers"] = [f for f in meta.get("finalizers") or [] if f != name]
        self._update_meta(rt, obj, change)

    def _delete(self, rt, obj: dict, policy: str) -> None:
        meta = obj["metadata"]
        if not meta.get("deletionTimestamp"):
            delete(self.api, rt, meta.get("namespace"), meta["name"], {"propagationPolicy": policy})

    def _deleting(self, rt, obj: dict, deps: list) -> None:
        finalizers = obj["metadata"].get("finalizers") or []
        uid = obj["metadata"].get("uid")
        if "orphan" in finalizers:
            for drt, dep in deps:
                self._update_meta(drt, dep, lambda m: m.__setitem__(
                    "ownerReferences", [r for r in m.get("ownerReferences") or [] if r.get("uid") != uid]))
            self._remove_finalizer(rt, obj, "orphan")
        elif "foregroundDeletion" in finalizers:
            for drt, dep in deps:
                self._delete(drt, dep, "Foreground")
            blocking = [d for _, d in deps if any(r.get("uid") == uid and r.get("blockOwnerDeletion")
                                                  for r in d["metadata"].get("ownerReferences") or [])
                        and self.api.store.by_uid(d["metadata"].get("uid")) is not None]
            if not blocking:
                self._remove_finalizer(rt, obj, "foregroundDeletion")
        if rt.key == NS_KEY:
            self._namespace(obj)
        elif rt.key == CRD_KEY and crdlib.CLEANUP_FINALIZER in finalizers:
            self._crd_cleanup(obj)

    def _dangling(self, rt, obj: dict) -> None:
        refs = obj["metadata"]["ownerReferences"]
        live = [r for r in refs if self.api.store.by_uid(r.get("uid", "")) is not None]
        if not live:
            self._delete(rt, obj, "Background")
        elif len(live) < len(refs):
            alive = {r.get("uid") for r in live}
            self._update_meta(rt, obj, lambda m: m.__setitem__(
                "ownerReferences", [r for r in m.get("ownerReferences") or [] if r.get("uid") in alive]))

    def _namespace(self, ns_obj: dict) -> None:
        name, remaining = ns_obj["metadata"]["name"], 0
        for key in list(self.api.store.keys()):
            rt = self.api.registry.by_key(key)
            if rt is None or not rt.namespaced:
                continue
            for obj in list(self.api.store.items(key, name)):
                remaining += 1
                if not self._guard(self._delete, rt, obj, "Background"):
                    self.pending[(NS_KEY, "", name)] = None  # look again in the next pass
        if remaining == 0:
            self.api.remove(self.api.registry.by_key(NS_KEY), None, name)

    def _crd_cleanup(self, crd: dict) -> None:
        spec = crd.get("spec") or {}
        key = (spec.get("group", ""), (spec.get("names") or {}).get("plural", ""))
        rt = self.api.registry.by_key(key)
        items = list(self.api.store.items(key)) if rt is not None else []
        for obj in items:
            if not self._guard(self._delete, rt, obj, "Background"):
                self.pending[(CRD_KEY, "", crd["metadata"]["name"])] = None  # look again in the next pass
        if not items:
            self._remove_finalizer(self.api.registry.by_key(CRD_KEY), crd, crdlib.CLEANUP_FINALIZER)
