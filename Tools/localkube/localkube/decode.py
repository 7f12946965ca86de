"""Turning request bodies into stored objects: decoding, pruning, field validation, defaulting, validation."""
from __future__ import annotations

import copy
import json

from . import builtins, celrules, crd as crdlib, crdschema, defs
from .errors import ApiError, bad_request, cause, invalid
from .meta import meta_causes, name_causes
from .registry import ResourceType

CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")


class WriteOptions:
    """Query options of a write: fieldValidation (Strict/Warn/Ignore) and dryRun."""

    def __init__(self, field_validation: str = "Warn", dry_run: bool = False):
        if field_validation not in ("Strict", "Warn", "Ignore"):
            raise bad_request(f'fieldValidation must be one of "Ignore", "Warn", or "Strict", '
                              f'got "{field_validation}"')
        self.field_validation = field_validation
        self.dry_run = dry_run
        self.warnings: list[str] = []


def decode(rt: ResourceType, body, opts: WriteOptions) -> dict:
    """Decode a request body for `rt`: type checks, pruning, unknown-field policy. Returns a new object."""
    if not isinstance(body, dict):
        raise bad_request(f"the body of the request is not a {rt.kind} object")
    kind, api_version = body.get("kind"), body.get("apiVersion")
    if rt.custom and not kind:
        raise bad_request(f"Object 'Kind' is missing in '{json.dumps(body)[:200]}'")
    if (kind and kind != rt.kind) or (api_version and api_version != rt.api_version):
        raise bad_request(f'the API version in the data ({api_version}) does not match the expected API version '
                          f'({rt.api_version})' if kind == rt.kind else
                          f'{kind} in version "{rt.version}" cannot be handled as a {rt.kind}: no kind "{kind}" '
                          f'is registered for version "{rt.api_version}"')
    if rt.custom:
        meta, unknown = defs.decode_meta(body.get("metadata"), rt.kind, rt.version)
        rest = {k: v for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")}
        obj = crdschema.prune_and_default(rest, crdschema.body_schema(rt.crd_schema), "", unknown)
        obj["metadata"] = meta
    else:
        obj, unknown = defs.decode_builtin(body, rt.definition, rt.kind, rt.version)
        obj.setdefault("metadata", {})
    obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
    _unknown_policy(rt, unknown, opts)
    return obj


def _unknown_policy(rt: ResourceType, unknown: list[str], opts: WriteOptions) -> None:
    if not unknown or opts.field_validation == "Ignore":
        return
    texts = [f'unknown field "{path}"' for path in unknown]
    if opts.field_validation == "Strict":
        raise bad_request(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                          f'strict decoding error: {", ".join(texts)}')
    opts.warnings.extend(texts)


def apply_defaults(rt: ResourceType, obj: dict, create: bool, used: dict, old: dict | None = None) -> None:
    """Server-side defaults and server-maintained status of built-ins and CRDs."""
    if rt.custom:
        return
    builtins.apply_defaults(rt.plural, rt.group, obj, create, used)
    if rt.key == CRD_KEY:
        crdlib.default_crd(obj)
        if create:
            obj["metadata"].setdefault("finalizers", [])
            if crdlib.CLEANUP_FINALIZER not in obj["metadata"]["finalizers"]:
                obj["metadata"]["finalizers"].append(crdlib.CLEANUP_FINALIZER)
        if not obj["metadata"].get("deletionTimestamp"):
            obj["status"] = crdlib.crd_status(obj, (old or {}).get("status"))


def validate(rt: ResourceType, obj: dict) -> None:
    """Raise 422 Invalid naming every invalid field."""
    causes = meta_causes(obj["metadata"])
    if rt.custom:
        causes += name_causes(obj["metadata"].get("name", ""))
        body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}
        causes += crdschema.validate(body, crdschema.body_schema(rt.crd_schema), "", [])
        if not causes:
            causes += celrules.check_root(obj, rt.crd_schema)
    else:
        causes += builtins.validate(rt.plural, rt.group, obj)
        body = {k: v for k, v in obj.items() if k != "metadata"}
        causes += defs.required_causes(body, {"$ref": "#/$defs/" + rt.definition}, "", [])
        if rt.key == CRD_KEY:
            causes += crdlib.validate_crd(obj)
    if causes:
        raise invalid(rt.kind, rt.group, obj["metadata"].get("name", ""), _dedupe(causes))


def _dedupe(causes: list[dict]) -> list[dict]:
    seen, out = set(), []
    for c in causes:
        ident = (c.get("field"), c["message"])
        if ident not in seen:
            seen.add(ident)
            out.append(c)
    return out


def comparable(obj: dict, ignore_status: bool) -> dict:
    """The part of an object whose change bumps metadata.generation."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "apiVersion", "kind")
            and not (ignore_status and k == "status")}


def same_content(a: dict, b: dict) -> bool:
    """Whether two versions of an object differ only in resourceVersion/managedFields."""
    def strip(o):
        o = copy.deepcopy(o)
        for key in ("resourceVersion", "managedFields"):
            o.get("metadata", {}).pop(key, None)
        return o
    return strip(a) == strip(b)


def finalizer_check(existing: dict, obj: dict) -> None:
    """An object being deleted may lose finalizers but not gain new ones."""
    if not existing["metadata"].get("deletionTimestamp"):
        return
    old = set(existing["metadata"].get("finalizers") or [])
    added = [f for f in obj["metadata"].get("finalizers") or [] if f not in old]
    if added:
        names = ", ".join(json.dumps(f) for f in added)
        raise invalid(obj["kind"], obj["apiVersion"].rpartition("/")[0], obj["metadata"]["name"],
                      [cause("metadata.finalizers", "FieldValueForbidden",
                             "Forbidden: no new finalizers can be added if the object is being deleted, "
                             f"found new finalizers []string{{{names}}}")])


def require_rv(rt: ResourceType, existing: dict, obj: dict) -> None:
    """resourceVersion precondition of an update: stale → 409, missing (custom resources) → 422."""
    rv = obj["metadata"].get("resourceVersion")
    if rv:
        if rv != existing["metadata"]["resourceVersion"]:
            from .errors import conflict
            raise conflict(rt.plural, rt.group, existing["metadata"]["name"])
    elif not rt.unconditional_update:
        raise invalid(rt.kind, rt.group, existing["metadata"]["name"],
                      [cause("metadata.resourceVersion", "FieldValueInvalid",
                             "Invalid value: 0x0: must be specified for an update")])


def check_body_name(rt: ResourceType, obj: dict, name: str, ns: str | None) -> None:
    """Names and namespaces in the body must match the URL."""
    meta = obj["metadata"]
    if meta.get("name") and meta["name"] != name:
        raise bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL ({name})")
    if rt.namespaced and meta.get("namespace") and meta["namespace"] != ns:
        raise bad_request("the namespace of the provided object does not match the namespace sent on the request")


def unsupported_patch(rt: ResourceType) -> ApiError:
    """415 for a patch type the resource does not accept."""
    types = "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    if not rt.custom:
        types += ", application/strategic-merge-patch+json"
    return ApiError(415, f"the body of the request was in an unknown format - accepted media types include: {types}",
                    "UnsupportedMediaType")
