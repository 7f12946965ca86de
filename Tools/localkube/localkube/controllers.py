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
    """Runs a reconcile pass shortly after every write until nothing is left to do."""

    def __init__(self, api: Api):
        self.api = api
        self.dirty = asyncio.Event()
        api.on_change = self.kick

    def kick(self) -> None:
        """Request a pass (called after every write)."""
        self.dirty.set()

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
        """One pass of every controller."""
        objects = self._objects()
        dependents: dict[str, list] = {}
        for rt, obj in objects:
            for ref in obj["metadata"].get("ownerReferences") or []:
                dependents.setdefault(ref.get("uid"), []).append((rt, obj))
        for rt, obj in objects:
            meta = obj["metadata"]
            if self.api.store.peek(rt.key, meta.get("namespace", ""), meta["name"]) is not obj:
                self.kick()  # changed during this pass: look again in the next one
                continue
            if meta.get("deletionTimestamp"):
                self._guard(self._deleting, rt, obj, dependents.get(meta.get("uid"), []))
            elif meta.get("ownerReferences"):
                self._guard(self._dangling, rt, obj)
        self._service_accounts()

    def _service_accounts(self) -> None:
        """Every active namespace has a `default` ServiceAccount (the serviceaccount controller)."""
        sa_type = self.api.registry.by_key(SA_KEY)
        for ns in list(self.api.store.items(NS_KEY)):
            name = ns["metadata"]["name"]
            if ns["metadata"].get("deletionTimestamp") or self.api.store.peek(SA_KEY, name, "default"):
                continue
            self._guard(self.api.create, sa_type, name, {"metadata": {"name": "default"}}, WriteOptions())

    def _objects(self) -> list:
        out = []
        for key in self.api.store.keys():
            rt = self.api.registry.by_key(key)
            if rt is not None:
                out.extend((rt, obj) for obj in list(self.api.store.items(key)))
        return out

    def _guard(self, fn, *args) -> None:
        try:
            fn(*args)
        except ApiError as err:
            if err.code not in (404, 409):
                log.warning("controller: %s", err.message)

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
        for key in self.api.store.keys():
            rt = self.api.registry.by_key(key)
            if rt is None or not rt.namespaced:
                continue
            for obj in list(self.api.store.items(key, name)):
                remaining += 1
                self._guard(self._delete, rt, obj, "Background")
        if remaining == 0:
            self.api.remove(self.api.registry.by_key(NS_KEY), None, name)

    def _crd_cleanup(self, crd: dict) -> None:
        spec = crd.get("spec") or {}
        key = (spec.get("group", ""), (spec.get("names") or {}).get("plural", ""))
        rt = self.api.registry.by_key(key)
        items = list(self.api.store.items(key)) if rt is not None else []
        for obj in items:
            self._guard(self._delete, rt, obj, "Background")
        if not items:
            self._remove_finalizer(self.api.registry.by_key(CRD_KEY), crd, crdlib.CLEANUP_FINALIZER)
