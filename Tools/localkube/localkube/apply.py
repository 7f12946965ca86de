"""A simplified server-side apply (application/apply-patch+yaml): create, or merge the applied configuration.

Field ownership (managedFields) is not tracked: fields dropped from a later applied configuration are
kept rather than removed, and there are no apply conflicts between field managers."""
from __future__ import annotations

from .decode import WriteOptions
from .errors import bad_request
from .routing import Target


def server_side_apply(api, target: Target, body, query, opts: WriteOptions) -> tuple[dict, bool]:
    """Apply `body` to the object named by `target`; returns (object, created)."""
    if not query.get("fieldManager"):
        raise bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set")
    if not query.get("fieldValidation"):
        opts.field_validation = "Strict"
    if not isinstance(body, dict):
        raise bad_request("the applied configuration must be an object")
    rt, name = target.rt, target.name
    body.setdefault("metadata", {}).setdefault("name", name)
    existing = api.store.peek(rt.key, target.ns or "", name)
    if existing is None:
        if target.sub:
            from .errors import not_found
            raise not_found(rt.plural, rt.group, name)
        return api.create(rt, target.ns, body, opts), True
    kind = "merge" if rt.custom else "strategic"
    body["metadata"].pop("resourceVersion", None)
    return api.patch(rt, target.ns, name, kind, body, opts, target.sub), False
