"""DELETE semantics: preconditions, propagation policies, finalizers and graceful namespace/CRD deletion."""
from __future__ import annotations

from . import crd as crdlib
from .decode import CRD_KEY
from .errors import ApiError, cause, conflict, invalid, not_found
from .meta import now
from .ops import NS_KEY, Api
from .registry import ResourceType

POLICIES = ("Orphan", "Background", "Foreground")
GC_FINALIZERS = ("orphan", "foregroundDeletion")
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")
POD_KEY = ("", "pods")
RETURNS_OBJECT = {("", "pods"), ("", "services"), ("", "namespaces"), CRD_KEY}


def policy_of(rt: ResourceType, options: dict) -> str:
    """The propagation policy from DeleteOptions (or the resource's default)."""
    policy = options.get("propagationPolicy")
    if policy is None and options.get("orphanDependents") is not None:
        policy = "Orphan" if options["orphanDependents"] else "Background"
    policy = policy or rt.default_propagation
    if policy not in POLICIES:
        raise invalid("DeleteOptions", "meta.k8s.io", "", [cause(
            "propagationPolicy", "FieldValueNotSupported",
            f'Unsupported value: "{policy}": supported values: "Foreground", "Background", "Orphan", "nil"')])
    return policy


def _preconditions(rt: ResourceType, existing: dict, options: dict) -> None:
    pre = options.get("preconditions") or {}
    meta = existing["metadata"]
    if pre.get("uid") and pre["uid"] != meta.get("uid"):
        raise conflict(rt.plural, rt.group, meta["name"], f"Precondition failed: UID in precondition: "
                                                         f"{pre['uid']}, UID in object meta: {meta.get('uid')}")
    if pre.get("resourceVersion") and pre["resourceVersion"] != meta.get("resourceVersion"):
        raise conflict(rt.plural, rt.group, meta["name"],
                       f"Precondition failed: ResourceVersion in precondition: {pre['resourceVersion']}, "
                       f"ResourceVersion in object meta: {meta.get('resourceVersion')}")


def _finalizers_for(policy: str, current: list[str]) -> list[str]:
    out = [f for f in current if f not in GC_FINALIZERS or
           (f == "orphan" and policy == "Orphan") or (f == "foregroundDeletion" and policy == "Foreground")]
    if policy == "Orphan" and "orphan" not in out:
        out.append("orphan")
    if policy == "Foreground" and "foregroundDeletion" not in out:
        out.append("foregroundDeletion")
    return out


def success_status(rt: ResourceType, obj: dict) -> dict:
    """The Status answered by resources that do not return the deleted object."""
    meta = obj["metadata"]
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
            "details": {"name": meta["name"], "group": rt.group, "kind": rt.plural, "uid": meta.get("uid")}}


def delete(api: Api, rt: ResourceType, ns: str | None, name: str, options: dict, dry_run: bool = False) -> dict:
    """Delete one object: immediately, or mark it with deletionTimestamp while finalizers remain."""
    existing = api.store.get(rt.key, ns or "", name)
    if existing is None:
        raise not_found(rt.plural, rt.group, name)
    _preconditions(rt, existing, options)
    if rt.key == NS_KEY:
        return _delete_namespace(api, rt, existing, dry_run)
    policy = policy_of(rt, options)
    meta = existing["metadata"]
    if rt.key == POD_KEY and meta.get("uid") in api.live_pods and not dry_run:
        graceful = _graceful_pod(api, rt, existing, options)
        if graceful is not None:
            return graceful
    current = list(meta.get("finalizers") or [])
    finalizers = _finalizers_for(policy, current) if policy != "Background" or \
        any(f in GC_FINALIZERS for f in current) else current
    if meta.get("deletionTimestamp"):
        if finalizers != current and not dry_run:
            meta["finalizers"] = finalizers
            return api.present(rt, api._put(rt, existing)) if finalizers else api.present(
                rt, api.remove(rt, ns, name))
        return api.present(rt, existing)
    if finalizers:
        meta["finalizers"] = finalizers
        meta["deletionTimestamp"] = now()
        meta["deletionGracePeriodSeconds"] = 0
        if rt.key == CRD_KEY:
            existing["status"] = crdlib.terminating_status(existing.get("status"))
        if dry_run:
            return api.present(rt, existing)
        return api.present(rt, api._put(rt, existing))
    if dry_run:
        return api.present(rt, existing)
    gone_obj = api.remove(rt, ns, name)
    return api.present(rt, gone_obj) if (rt.custom or rt.key in RETURNS_OBJECT) else success_status(rt, gone_obj)


def _delete_namespace(api: Api, rt: ResourceType, existing: dict, dry_run: bool) -> dict:
    name = existing["metadata"]["name"]
    if name in PROTECTED_NAMESPACES:
        raise ApiError(403, f'namespaces "{name}" is forbidden: this namespace may not be deleted', "Forbidden",
                       {"name": name, "kind": "namespaces"})
    if existing["metadata"].get("deletionTimestamp") or dry_run:
        return api.present(rt, existing)
    existing["metadata"]["deletionTimestamp"] = now()
    existing["metadata"]["deletionGracePeriodSeconds"] = 0
    existing.setdefault("status", {})["phase"] = "Terminating"
    return api.present(rt, api._put(rt, existing))


def _graceful_pod(api: Api, rt: ResourceType, existing: dict, options: dict) -> dict | None:
    """A running pod: mark it (deletionTimestamp, grace period) for the kubelet; None to delete it now."""
    meta = existing["metadata"]
    grace = options.get("gracePeriodSeconds")
    if grace is None:
        grace = (existing.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
    if int(grace) <= 0:
        return None
    current = meta.get("deletionGracePeriodSeconds")
    if meta.get("deletionTimestamp") and current is not None and current <= grace:
        return api.present(rt, existing)
    from datetime import datetime, timedelta, timezone
    meta["deletionTimestamp"] = (datetime.now(timezone.utc) + timedelta(seconds=int(grace))).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    meta["deletionGracePeriodSeconds"] = int(grace)
    return api.present(rt, api._put(rt, existing))
