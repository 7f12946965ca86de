"""The /scale subresource (autoscaling/v1 Scale) of Deployments and of CRDs that declare it."""
from __future__ import annotations

import copy

from .decode import WriteOptions
from .errors import bad_request, cause, conflict, invalid, not_found
from .ops import Api
from .registry import ResourceType
from .selectors import format_label_selector


def get_path(obj: dict, path: str):
    """Value at a simple `.a.b.c` path, or None."""
    value = obj
    for part in [p for p in (path or "").split(".") if p]:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def set_path(obj: dict, path: str, value) -> None:
    """Set the value at a simple `.a.b.c` path, creating objects on the way."""
    parts = [p for p in path.split(".") if p]
    for part in parts[:-1]:
        if not isinstance(obj.get(part), dict):
            obj[part] = {}
        obj = obj[part]
    obj[parts[-1]] = value


def to_scale(rt: ResourceType, obj: dict) -> dict:
    """Build the Scale object of `obj`."""
    meta = obj["metadata"]
    paths = rt.scale or {}
    if rt.key == ("apps", "deployments"):
        selector = format_label_selector((obj.get("spec") or {}).get("selector"))
    else:
        selector = get_path(obj, paths.get("labelSelectorPath") or "") if paths.get("labelSelectorPath") else None
    status = {"replicas": get_path(obj, paths.get("statusReplicasPath") or "") or 0}
    if selector:
        status["selector"] = selector
    scale_meta = {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                  if k in meta}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": scale_meta,
            "spec": {"replicas": get_path(obj, paths["specReplicasPath"]) or 0}, "status": status}


def _stored(api: Api, rt: ResourceType, ns: str | None, name: str) -> dict:
    existing = api.store.get(rt.key, ns or "", name)
    if existing is None:
        raise not_found(rt.plural, rt.group, name)
    return existing


def get_scale(api: Api, rt: ResourceType, ns: str | None, name: str) -> dict:
    """GET .../scale."""
    return to_scale(rt, _stored(api, rt, ns, name))


def update_scale(api: Api, rt: ResourceType, ns: str | None, name: str, body, opts: WriteOptions) -> dict:
    """PUT .../scale: write spec.replicas into the specReplicasPath of the object."""
    existing = _stored(api, rt, ns, name)
    if not isinstance(body, dict) or not isinstance(body.get("spec"), dict):
        raise bad_request("the body of the request is not a Scale object")
    rv = (body.get("metadata") or {}).get("resourceVersion")
    if rv and rv != existing["metadata"]["resourceVersion"]:
        raise conflict(rt.plural, rt.group, name)
    replicas = body["spec"].get("replicas", 0)
    if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
        raise invalid("Scale", "autoscaling", name, [cause("spec.replicas", "FieldValueInvalid",
                                                           f"Invalid value: {replicas}: must be greater than or "
                                                           "equal to 0")])
    new = copy.deepcopy(existing)
    set_path(new, rt.scale["specReplicasPath"], replicas)
    return to_scale(rt, api.replace(rt, existing, new, opts))


def patch_scale(api: Api, rt: ResourceType, ns: str | None, name: str, patch_type: str, patch,
                opts: WriteOptions) -> dict:
    """PATCH .../scale (merge, JSON or strategic patch of the Scale object)."""
    current = to_scale(rt, _stored(api, rt, ns, name))
    if patch_type == "strategic":
        patch_type = "merge"
    patched = api.apply_patch(rt, current, patch_type, patch)
    return update_scale(api, rt, ns, name, patched, opts)
