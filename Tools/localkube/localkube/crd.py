"""CustomResourceDefinition defaulting, validation and status (what the apiextensions controllers set)."""
from __future__ import annotations

import json

from . import celrules
from .errors import cause
from .meta import now

CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"


def default_crd(crd: dict) -> None:
    """Fill in names.singular/listKind, conversion, version flags and the cleanup finalizer."""
    spec = crd.setdefault("spec", {})
    names = spec.setdefault("names", {})
    if names.get("kind"):
        names.setdefault("singular", names["kind"].lower())
        names.setdefault("listKind", names["kind"] + "List")
    spec.setdefault("scope", "Namespaced")
    spec.setdefault("conversion", {"strategy": "None"})
    for version in spec.get("versions") or []:
        version.setdefault("served", True)
        version.setdefault("storage", False)


def validate_crd(crd: dict) -> list[dict]:
    """Causes that make a CRD invalid (the checks the real apiserver does that matter here)."""
    spec, name = crd.get("spec") or {}, crd["metadata"].get("name", "")
    names, group = spec.get("names") or {}, spec.get("group", "")
    out = []
    for field in ("plural", "kind"):
        if not names.get(field):
            out.append(cause(f"spec.names.{field}", "FieldValueRequired", "Required value"))
    if not group:
        out.append(cause("spec.group", "FieldValueRequired", "Required value"))
    if names.get("plural") and group and name != f"{names['plural']}.{group}":
        out.append(cause("metadata.name", "FieldValueInvalid",
                         f'Invalid value: {json.dumps(name)}: must be spec.names.plural+"."+spec.group'))
    if spec.get("scope") not in ("Namespaced", "Cluster"):
        out.append(cause("spec.scope", "FieldValueNotSupported", f'Unsupported value: {json.dumps(spec.get("scope"))}: '
                                                               'supported values: "Cluster", "Namespaced"'))
    versions = spec.get("versions") or []
    if not versions:
        out.append(cause("spec.versions", "FieldValueInvalid", "Invalid value: null: must have exactly one version "
                                                               "marked as storage version"))
    elif sum(1 for v in versions if v.get("storage")) != 1:
        out.append(cause("spec.versions", "FieldValueInvalid",
                         "Invalid value: " + json.dumps([v.get("name") for v in versions]) +
                         ": must have exactly one version marked as storage version"))
    for i, version in enumerate(versions):
        schema = (version.get("schema") or {}).get("openAPIV3Schema")
        if schema is not None and schema.get("type") != "object":
            out.append(cause(f"spec.versions[{i}].schema.openAPIV3Schema.type", "FieldValueInvalid",
                             'Invalid value: ' + json.dumps(schema.get("type")) + ': must be object at the root'))
        for error in celrules.compile_errors(schema or {}, f"spec.versions[{i}].schema.openAPIV3Schema"):
            field, _, detail = error.partition(": ")
            out.append(cause(field, "FieldValueInvalid", f"Invalid value: \"object\": compilation failed: {detail}"))
    return out


def crd_status(crd: dict, old_status: dict | None) -> dict:
    """The status the apiextensions controllers would report once the CRD is established."""
    spec = crd["spec"]
    stamp = now()
    stored = list((old_status or {}).get("storedVersions") or [])
    storage = next((v["name"] for v in spec["versions"] if v.get("storage")), None)
    if storage and storage not in stored:
        stored.append(storage)
    conditions = [
        {"type": "NamesAccepted", "status": "True", "lastTransitionTime": stamp, "reason": "NoConflicts",
         "message": "no conflicts found"},
        {"type": "Established", "status": "True", "lastTransitionTime": stamp, "reason": "InitialNamesAccepted",
         "message": "the initial names have been accepted"},
    ]
    old_conditions = {c["type"]: c for c in (old_status or {}).get("conditions") or []}
    for c in conditions:
        if c["type"] in old_conditions and old_conditions[c["type"]].get("status") == c["status"]:
            c["lastTransitionTime"] = old_conditions[c["type"]].get("lastTransitionTime", stamp)
    return {"acceptedNames": dict(spec["names"]), "conditions": conditions, "storedVersions": stored}


def terminating_status(status: dict) -> dict:
    """Add the Terminating condition to a CRD status."""
    status = dict(status or {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Terminating"]
    conditions.append({"type": "Terminating", "status": "True", "lastTransitionTime": now(),
                       "reason": "InstanceDeletionInProgress", "message": "CustomResource deletion is in progress"})
    status["conditions"] = conditions
    return status
