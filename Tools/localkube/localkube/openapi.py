"""OpenAPI v3 documents (root index and one per group/version) built from the Kubernetes definitions and CRDs."""
from __future__ import annotations

import copy
import hashlib
import json

from .defs import definitions
from .registry import Registry, ResourceType

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
COMMON = [META + "Status", META + "DeleteOptions", META + "Patch", META + "WatchEvent", META + "ObjectMeta",
          META + "ListMeta"]
PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
SMP = "application/strategic-merge-patch+json"


def _convert(node):
    """Rewrite a JSON-schema definition into OpenAPI v3 form (refs into components, single types)."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = "#/components/schemas/" + value.rsplit("/", 1)[-1]
            elif key == "type" and isinstance(value, list):
                kinds = [t for t in value if t != "null"]
                out[key] = kinds[0] if kinds else "object"
            else:
                out[key] = _convert(value)
        return out
    if isinstance(node, list):
        return [_convert(v) for v in node]
    return node


def _refs(node, found: set) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            found.add(ref.rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def closure(names: list[str]) -> dict:
    """The named definitions and everything they reference, converted to OpenAPI v3."""
    defs, todo, out = definitions(), list(names), {}
    while todo:
        name = todo.pop()
        if name in out or name not in defs:
            continue
        out[name] = _convert(defs[name])
        found: set = set()
        _refs(defs[name], found)
        todo.extend(found - out.keys())
    return out


def _param(name: str, where: str = "query", required: bool = False, kind: str = "string") -> dict:
    return {"name": name, "in": where, "required": required, "schema": {"type": kind, "uniqueItems": True}}


def _op(rt: ResourceType, action: str, ref: str, gvk: dict, params: list, body_types=None) -> dict:
    op = {"tags": [rt.group or "core"], "operationId": f"{action}{rt.kind}", "parameters": params,
          "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}}},
          "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk}
    if body_types:
        op["requestBody"] = {"content": {t: {"schema": {"$ref": ref}} for t in body_types}, "required": True}
    return op


def _paths(rt: ResourceType, ref: str, list_ref: str, scale_ref: str | None) -> dict:
    gvk = {"group": rt.group, "version": rt.version, "kind": rt.kind}
    base = f"/api/{rt.version}" if not rt.group else f"/apis/{rt.group}/{rt.version}"
    coll = f"{base}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{base}/{rt.plural}"
    write = [_param("dryRun"), _param("fieldManager"), _param("fieldValidation")]
    patch_types = PATCH_TYPES + ([] if rt.custom else [SMP])
    ns_param = [_param("namespace", "path", True)] if rt.namespaced else []
    paths = {
        coll: {"parameters": ns_param + [_param("pretty")],
               "get": _op(rt, "list", list_ref, gvk, [_param("labelSelector"), _param("fieldSelector"),
                                                      _param("watch", kind="boolean")]),
               "post": _op(rt, "post", ref, gvk, write, ["*/*"])},
        f"{coll}/{{name}}": {"parameters": [_param("name", "path", True)] + ns_param + [_param("pretty")],
                             "get": _op(rt, "get", ref, gvk, []),
                             "put": _op(rt, "put", ref, gvk, write, ["*/*"]),
                             "patch": _op(rt, "patch", ref, gvk, write + [_param("force", kind="boolean")],
                                          patch_types),
                             "delete": _op(rt, "delete", ref, gvk, [_param("propagationPolicy")])},
    }
    for sub, _, _, _, _ in rt.subresources():
        if sub == "log":
            continue
        sub_ref = scale_ref if sub == "scale" else ref
        sub_gvk = {"group": "autoscaling", "version": "v1", "kind": "Scale"} if sub == "scale" else gvk
        paths[f"{coll}/{{name}}/{sub}"] = {
            "parameters": [_param("name", "path", True)] + ns_param,
            "get": _op(rt, "get", sub_ref, sub_gvk, []),
            "put": _op(rt, "put", sub_ref, sub_gvk, write, ["*/*"]),
            "patch": _op(rt, "patch", sub_ref, sub_gvk, write + [_param("force", kind="boolean")], patch_types)}
    return paths


def _custom_schema(rt: ResourceType) -> dict:
    schema = copy.deepcopy(rt.crd_schema or {"type": "object"})
    props = schema.setdefault("properties", {})
    props["metadata"] = {"$ref": "#/components/schemas/" + META + "ObjectMeta"}
    props.setdefault("apiVersion", {"type": "string"})
    props.setdefault("kind", {"type": "string"})
    schema["x-kubernetes-group-version-kind"] = [{"group": rt.group, "kind": rt.kind, "version": rt.version}]
    return schema


def custom_name(rt: ResourceType, kind: str) -> str:
    """The component name Kubernetes gives a custom resource schema (reversed group)."""
    return ".".join(reversed(rt.group.split("."))) + f".{rt.version}.{kind}"


def group_version_doc(registry: Registry, group: str, version: str) -> dict | None:
    """The OpenAPI v3 document of one group/version."""
    types = registry.in_group_version(group, version)
    if not types:
        return None
    needed = list(COMMON) + ["io.k8s.api.autoscaling.v1.Scale"]
    schemas, paths = {}, {}
    for rt in types:
        if rt.custom:
            name, list_name = custom_name(rt, rt.kind), custom_name(rt, rt.kind + "List")
            schemas[name] = _custom_schema(rt)
            schemas[list_name] = {"type": "object", "required": ["items"], "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/" + name}},
                "metadata": {"$ref": "#/components/schemas/" + META + "ListMeta"}},
                "x-kubernetes-group-version-kind": [{"group": rt.group, "kind": rt.kind + "List",
                                                     "version": rt.version}]}
        else:
            name, list_name = rt.definition, rt.definition + "List"
            needed += [name, list_name]
        paths.update(_paths(rt, "#/components/schemas/" + name, "#/components/schemas/" + list_name,
                            "#/components/schemas/io.k8s.api.autoscaling.v1.Scale"))
    schemas.update(closure(needed))
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.4"}, "paths": paths,
            "components": {"schemas": schemas}}


class OpenAPI:
    """Caches the per group/version documents and their hashes until the registry changes."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.cache: dict[tuple, tuple[int, bytes, str]] = {}

    def document(self, group: str, version: str) -> tuple[bytes, str] | None:
        """(JSON bytes, hash) of a group/version document."""
        key = (group, version)
        cached = self.cache.get(key)
        if cached and cached[0] == self.registry.generation:
            return cached[1], cached[2]
        doc = group_version_doc(self.registry, group, version)
        if doc is None:
            return None
        data = json.dumps(doc, separators=(",", ":")).encode()
        digest = hashlib.sha512(data).hexdigest().upper()[:128]
        self.cache[key] = (self.registry.generation, data, digest)
        return data, digest

    def root(self) -> dict:
        """The /openapi/v3 index."""
        paths = {}
        for group, versions in self.registry.group_versions().items():
            for version in versions:
                doc = self.document(group, version)
                rel = f"api/{version}" if not group else f"apis/{group}/{version}"
                paths[rel] = {"serverRelativeURL": f"/openapi/v3/{rel}?hash={doc[1]}"}
        return {"paths": paths}
