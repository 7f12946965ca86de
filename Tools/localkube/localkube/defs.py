"""The Kubernetes v1.32 JSON schema definitions (from kubernetes-validate) and Go-like decoding of built-ins."""
from __future__ import annotations

import functools
import json
import os

from .errors import bad_request

SCHEMA_DIR = "kubernetes-json-schema/v1.32.0-local/_definitions.json"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@functools.lru_cache(maxsize=1)
def definitions() -> dict:
    """All `$defs` of the Kubernetes 1.32 schema, keyed like `io.k8s.api.core.v1.Pod`."""
    import kubernetes_validate
    path = os.path.join(os.path.dirname(kubernetes_validate.__file__), SCHEMA_DIR)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["$defs"]


def resolve(schema: dict) -> dict:
    """Follow a `$ref` to its definition (schemas without one are returned as they are)."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = definitions()[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def types_of(schema: dict) -> set[str]:
    """The JSON types a schema allows, without null (empty set = anything)."""
    t = schema.get("type")
    if t is None and "oneOf" in schema:
        return {x for branch in schema["oneOf"] for x in types_of(resolve(branch))}
    if t is None:
        return set()
    return {t} if isinstance(t, str) else {x for x in t if x != "null"}


def json_type(value) -> str:
    """The JSON type name of a Python value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def fits(value, allowed: set[str]) -> bool:
    """Whether a value decodes into a Go field of one of the allowed JSON types."""
    if not allowed or value is None:
        return True
    if isinstance(value, bool):
        return "boolean" in allowed
    if isinstance(value, int):
        return bool(allowed & {"integer", "number"})
    if isinstance(value, float):
        return "number" in allowed or ("integer" in allowed and value.is_integer())
    if isinstance(value, str):
        return "string" in allowed
    if isinstance(value, list):
        return "array" in allowed
    return "object" in allowed


def _dotted(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class Decoder:
    """Decodes an object like the Go JSON decoder does: drops unknown fields (recorded) and nulls,
    and rejects values of the wrong JSON type with a 400."""

    def __init__(self, kind: str, version: str):
        self.kind, self.version = kind, version
        self.unknown: list[str] = []

    def fail(self, value, path: str, allowed: set[str]):
        """Raise the BadRequest the real server answers for a type mismatch."""
        want = "/".join(sorted(allowed))
        raise bad_request(f'{self.kind} in version "{self.version}" cannot be handled as a {self.kind}: '
                          f'json: cannot unmarshal {json_type(value)} into Go struct field {path} of type {want}')

    def decode(self, value, schema: dict, path: str):
        """Return the decoded value for `schema` (a resolved or `$ref` schema)."""
        schema = resolve(schema)
        allowed = types_of(schema)
        if not fits(value, allowed):
            self.fail(value, path, allowed)
        if isinstance(value, dict) and "properties" in schema:
            out = {}
            for key, item in value.items():
                prop = schema["properties"].get(key)
                if prop is None:
                    self.unknown.append(_dotted(path, key))
                elif item is not None:
                    out[key] = self.decode(item, prop, _dotted(path, key))
            return out
        if isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
            extra = schema["additionalProperties"]
            return {k: self.decode(v, extra, _dotted(path, k)) for k, v in value.items() if v is not None}
        if isinstance(value, list) and "items" in schema:
            return [self.decode(v, schema["items"], _dotted(path, i)) for i, v in enumerate(value)]
        return value


def required_causes(value, schema: dict, path: str, out: list) -> list:
    """`Required value` causes for fields a built-in definition marks as required."""
    from .errors import cause
    schema = resolve(schema)
    if isinstance(value, dict) and "properties" in schema:
        for key in schema.get("required", []):
            if key not in value and key not in ("apiVersion", "kind", "metadata"):
                out.append(cause(_dotted(path, key), "FieldValueRequired", "Required value"))
        for key, item in value.items():
            if key in schema["properties"]:
                required_causes(item, schema["properties"][key], _dotted(path, key), out)
    elif isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            required_causes(item, schema["items"], _dotted(path, i), out)
    elif isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
        for key, item in value.items():
            required_causes(item, schema["additionalProperties"], _dotted(path, key), out)
    return out


def decode_builtin(obj: dict, definition: str, kind: str, version: str) -> tuple[dict, list[str]]:
    """Decode a built-in object; returns (decoded object, unknown field paths)."""
    decoder = Decoder(kind, version)
    out = decoder.decode(obj, {"$ref": "#/$defs/" + definition}, "")
    return out, decoder.unknown


def decode_meta(meta, kind: str, version: str) -> tuple[dict, list[str]]:
    """Decode `metadata` of any object (custom resources too) against ObjectMeta."""
    decoder = Decoder(kind, version)
    out = decoder.decode(meta if meta is not None else {}, {"$ref": "#/$defs/" + OBJECT_META}, "metadata")
    return out, decoder.unknown
