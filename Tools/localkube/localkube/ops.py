"""The storage-level verbs (create, update, patch, get, list) shared by the HTTP handlers and the controllers."""
from __future__ import annotations

import base64
import copy
import json

from . import decode as dec
from .addresses import ServiceAddresses
from .defs import resolve
from .events import core_field_selector, from_core, is_new_events, to_core
from .errors import ApiError, already_exists, bad_request, cause, conflict, gone, invalid, not_found
from .meta import generate_name, keep_server_fields, new_uid, now
from .netrange import NetRange
from .patch import json_patch, merge_patch, strategic_merge
from .registry import Registry, ResourceType
from .selectors import field_matcher, label_matcher
from .store import Store

NS_KEY = ("", "namespaces")


class Api:
    """Semantics of the Kubernetes API on top of the store."""

    def __init__(self, store: Store, registry: Registry, net: NetRange | None = None):
        self.store, self.registry = store, registry
        self.net = net or NetRange()  # the loopback ranges of this instance (pod and Service IPs)
        self.on_change = None  # set by the controllers: called after every write
        self.live_pods: set[str] = set()  # uids of pods the kubelet runs (their deletion is graceful)
        self.addresses = ServiceAddresses(store, self.net.service_prefix)

    # ---- reading -------------------------------------------------------------------------
    def present(self, rt: ResourceType, obj: dict) -> dict:
        """A copy of a stored object as served by `rt` (its apiVersion)."""
        if is_new_events(rt):
            return from_core(obj)
        out = copy.deepcopy(obj)
        out["apiVersion"], out["kind"] = rt.api_version, rt.kind
        return out

    def view(self, rt: ResourceType, obj: dict) -> dict:
        """A stored object as served by `rt`, to serialise only (do not modify): a shallow copy (present() copies
        deeply, which is most of what a watch event costs)."""
        if is_new_events(rt):
            return from_core(obj)
        out = dict(obj)
        out["apiVersion"], out["kind"] = rt.api_version, rt.kind
        return out

    def get(self, rt: ResourceType, ns: str | None, name: str) -> dict:
        """One object or 404."""
        obj = self.store.peek(rt.key, ns or "", name)
        if obj is None:
            raise not_found(rt.plural, rt.group, name)
        return self.present(rt, obj)

    def list(self, rt: ResourceType, ns: str | None, labels: str | None = None, fields: str | None = None,
             limit: int = 0, token: str | None = None) -> tuple[list[dict], str, str | None, int | None]:
        """Matching objects, the list resourceVersion, a continue token and the remaining count."""
        if is_new_events(rt):
            fields = core_field_selector(fields)
        match_l, match_f = label_matcher(labels), field_matcher(fields, rt.key)
        items = [o for o in self.store.items(rt.key, ns) if match_l(o) and match_f(o)]
        rv = str(self.store.rv)
        if token:
            rv, start = self._parse_continue(token)
            items = [o for o in items if (o["metadata"].get("namespace", ""), o["metadata"]["name"]) > start]
        cont, remaining = None, None
        if limit and len(items) > limit:
            last = items[limit - 1]["metadata"]
            cont = base64.urlsafe_b64encode(json.dumps(
                {"rv": int(rv), "start": [last.get("namespace", ""), last["name"]]}).encode()).decode()
            remaining = len(items) - limit
            items = items[:limit]
        return [self.present(rt, o) for o in items], rv, cont, remaining

    def _parse_continue(self, token: str) -> tuple[str, tuple]:
        try:
            data = json.loads(base64.urlsafe_b64decode(token.encode()))
            rv, start = int(data["rv"]), tuple(data["start"])
        except (ValueError, KeyError, TypeError):
            raise bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        if rv < self.store.hub.evicted:
            raise gone("The provided continue parameter is too old to display a consistent list result. You can "
                       "start a new list without the continue parameter, or use the continue token in this "
                       "response to retrieve the remainder of the results. Continuing with the provided token "
                       "results in an inconsistent list - objects that were created, modified, or deleted between "
                       "the time the first chunk was returned and now may show up in the list.")
        return str(rv), start

    # ---- writing -------------------------------------------------------------------------
    def require_namespace(self, ns: str) -> None:
        """404 if the namespace does not exist, 403 if it is terminating."""
        space = self.store.peek(NS_KEY, "", ns)
        if space is None:
            raise not_found("namespaces", "", ns)
        if space["metadata"].get("deletionTimestamp"):
            raise ApiError(403, f"unable to create new content in namespace {ns} because it is being terminated",
                           "Forbidden")

    def addresses_for(self, rt: ResourceType) -> dict:
        """What defaulting `rt` needs to know of allocated addresses: only Services allocate any (reading the
        machine's listening sockets costs milliseconds, too much for every write)."""
        if (rt.group, rt.plural) != ("", "services"):
            return {"ips": set(), "ports": set(), "prefix": self.net.service_prefix}
        return self.used_addresses()

    def used_addresses(self) -> dict:
        """Cluster IPs and node ports already allocated to services, and this instance's cluster IP prefix."""
        return self.addresses.used()

    def create(self, rt: ResourceType, ns: str | None, body, opts: dec.WriteOptions) -> dict:
        """POST: create a new object (generateName, AlreadyExists, defaults, validation)."""
        obj = dec.decode(rt, body, opts)
        meta = obj["metadata"]
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise bad_request("the namespace of the provided object does not match the namespace sent on the "
                                  "request")
            meta["namespace"] = ns
            self.require_namespace(ns)
        else:
            meta.pop("namespace", None)
        if not meta.get("name"):
            if not meta.get("generateName"):
                raise invalid(rt.kind, rt.group, "", [cause("metadata.name", "FieldValueRequired",
                                                            "Required value: name or generateName is required")])
            meta["name"] = generate_name(meta["generateName"])
        self._check_crd_active(rt)
        if self.store.peek(rt.key, ns or "", meta["name"]) is not None:
            raise already_exists(rt.plural, rt.group, meta["name"])
        for key in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(key, None)
        meta["uid"], meta["creationTimestamp"] = new_uid(), now()
        if rt.generation:
            meta["generation"] = 1
        if rt.custom and rt.status:
            obj.pop("status", None)
        dec.apply_defaults(rt, obj, True, self.addresses_for(rt))
        dec.validate(rt, obj)
        if opts.dry_run:
            return self.present(rt, obj) if not is_new_events(rt) else obj
        if is_new_events(rt):
            return self.present(rt, self._put(rt, to_core(obj)))
        return self.present(rt, self._put(rt, obj))

    def _check_crd_active(self, rt: ResourceType) -> None:
        if not rt.custom:
            return
        crd = self.store.peek(dec.CRD_KEY, "", f"{rt.plural}.{rt.group}")
        if crd is not None and crd["metadata"].get("deletionTimestamp"):
            raise ApiError(405, "create not allowed while custom resource definition is terminating",
                           "MethodNotAllowed")

    def _put(self, rt: ResourceType, obj: dict) -> dict:
        stored = self.store.put(rt.key, obj)
        if rt.key == dec.CRD_KEY:
            self.registry.register_crd(stored)
        if self.on_change:
            self.on_change()
        return stored

    def remove(self, rt: ResourceType, ns: str | None, name: str) -> dict | None:
        """Delete from storage now (no finalizer or GC logic)."""
        gone_obj = self.store.remove(rt.key, ns or "", name)
        if gone_obj is not None and rt.key == dec.CRD_KEY:
            spec = gone_obj.get("spec") or {}
            self.registry.unregister_crd(name)
            self.store.hub.close_key((spec.get("group", ""), (spec.get("names") or {}).get("plural", "")))
        if self.on_change:
            self.on_change()
        return gone_obj

    def update(self, rt: ResourceType, ns: str | None, name: str, body, opts: dec.WriteOptions,
               sub: str | None = None) -> tuple[dict, bool]:
        """PUT: replace an object (or only its status). Returns (object, created)."""
        existing = self.store.get(rt.key, ns or "", name)
        if existing is None:
            if rt.create_on_update and sub is None:
                return self.create(rt, ns, body, opts), True
            raise not_found(rt.plural, rt.group, name)
        obj = dec.decode(rt, body, opts)
        dec.check_body_name(rt, obj, name, ns)
        dec.require_rv(rt, existing, obj)
        return self.replace(rt, existing, obj, opts, sub), False

    def replace(self, rt: ResourceType, existing: dict, obj: dict, opts: dec.WriteOptions,
                sub: str | None = None) -> dict:
        """Write `obj` over `existing` with the status, generation, finalizer and no-op rules."""
        if is_new_events(rt):
            return self.present(rt, self.replace(self.registry.by_key(rt.key), existing, to_core(obj), opts, sub))
        if sub == "status":
            result = copy.deepcopy(existing)
            if "status" in obj:
                result["status"] = obj["status"]
            else:
                result.pop("status", None)
        else:
            result = obj
            keep_server_fields(result["metadata"], existing["metadata"])
            if rt.status:
                if "status" in existing:
                    result["status"] = copy.deepcopy(existing["status"])
                else:
                    result.pop("status", None)
            dec.finalizer_check(existing, result)
        result["apiVersion"], result["kind"] = existing["apiVersion"], existing["kind"]
        dec.apply_defaults(rt, result, False, self.addresses_for(rt), existing)
        if rt.generation and sub != "status" and \
                dec.comparable(result, rt.status) != dec.comparable(existing, rt.status):
            result["metadata"]["generation"] = existing["metadata"].get("generation", 1) + 1
        dec.validate(rt, result)
        result["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
        if opts.dry_run:
            return self.present(rt, result)
        meta = result["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and meta.get("uid") not in self.live_pods:
            return self.present(rt, self.remove(rt, meta.get("namespace"), meta["name"]))
        if dec.same_content(result, existing):
            return self.present(rt, existing)
        return self.present(rt, self._put(rt, result))

    def patch(self, rt: ResourceType, ns: str | None, name: str, patch_type: str, patch,
              opts: dec.WriteOptions, sub: str | None = None) -> dict:
        """PATCH with merge, JSON or strategic merge patch (of the object or its status)."""
        existing = self.store.get(rt.key, ns or "", name)
        if existing is None:
            raise not_found(rt.plural, rt.group, name)
        patched = self.apply_patch(rt, self.present(rt, existing), patch_type, patch)
        if not isinstance(patched, dict):
            raise bad_request("the patched object is not an object")
        meta = patched.get("metadata")
        if not isinstance(meta, dict):
            meta = patched["metadata"] = {}
        rv = meta.get("resourceVersion")
        if rv and rv != existing["metadata"]["resourceVersion"]:
            raise conflict(rt.plural, rt.group, name)
        meta["resourceVersion"] = existing["metadata"]["resourceVersion"]
        obj = dec.decode(rt, patched, opts)
        dec.check_body_name(rt, obj, name, ns)
        return self.replace(rt, existing, obj, opts, sub)

    def apply_patch(self, rt: ResourceType, base: dict, patch_type: str, patch):
        """Apply a patch document of the given type to `base`."""
        if patch_type == "json":
            return json_patch(base, patch)
        if patch_type == "merge":
            if not isinstance(patch, dict):
                raise bad_request("merge patch must be a JSON object")
            return merge_patch(base, patch)
        if patch_type == "strategic":
            if rt.custom:
                raise dec.unsupported_patch(rt)
            if not isinstance(patch, dict):
                raise bad_request("strategic merge patch must be a JSON object")
            return strategic_merge(base, patch, resolve({"$ref": "#/$defs/" + rt.definition}))
        raise dec.unsupported_patch(rt)
