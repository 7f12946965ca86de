"""Structural schemas of custom resources: pruning, defaulting and validation like the real apiserver."""
from __future__ import annotations

import base64
import copy
import json
import re

from . import celrules
from .errors import cause

DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")
JSON_TYPES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean",
              "array": "array", "object": "object"}


def _dotted(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _show(value) -> str:
    return json.dumps(value, separators=(",", ":")) if not isinstance(value, (dict, list)) else repr(value)


def type_name(value) -> str:
    """The OpenAPI type name of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def prune_and_default(value, schema: dict, path: str, unknown: list[str]):
    """Drop fields the schema does not declare (recording their paths) and apply `default`s."""
    if not isinstance(schema, dict) or schema.get("x-kubernetes-preserve-unknown-fields") and \
            "properties" not in schema and "additionalProperties" not in schema and "items" not in schema:
        return value
    if isinstance(value, dict):
        props, extra = schema.get("properties"), schema.get("additionalProperties")
        out = {}
        for key, item in value.items():
            if props is not None and key in props:
                sub = props[key]
                if item is None and not sub.get("nullable"):
                    continue
                out[key] = prune_and_default(item, sub, _dotted(path, key), unknown)
            elif isinstance(extra, dict):
                out[key] = prune_and_default(item, extra, _dotted(path, key), unknown)
            elif extra is True or schema.get("x-kubernetes-preserve-unknown-fields"):
                out[key] = item
            else:
                unknown.append(_dotted(path, key))
        for key, sub in (props or {}).items():
            if key not in out and "default" in sub:
                out[key] = prune_and_default(copy.deepcopy(sub["default"]), sub, _dotted(path, key), [])
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [prune_and_default(v, schema["items"], _dotted(path, i), unknown) for i, v in enumerate(value)]
    return value


def _type_ok(value, schema: dict) -> str | None:
    """None if the value has the schema's type, else the expected type text."""
    if value is None:
        return None if schema.get("nullable") else (schema.get("type") or None)
    actual = type_name(value)
    if schema.get("x-kubernetes-int-or-string"):
        return None if actual in ("integer", "string") else "integer,string"
    want = schema.get("type")
    if not want or want == actual or (want == "number" and actual == "integer"):
        return None
    return want


def _check_string(value: str, schema: dict, path: str, causes: list) -> None:
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        causes.append(cause(path, "FieldValueTooLong", f"Too long: may not be longer than {schema['maxLength']}"))
    if "minLength" in schema and len(value) < schema["minLength"]:
        causes.append(cause(path, "FieldValueInvalid", f"Invalid value: {_show(value)}: {path} in body "
                                                       f"should be at least {schema['minLength']} chars long"))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        causes.append(cause(path, "FieldValueInvalid",
                            f"Invalid value: {_show(value)}: {path} in body should match '{schema['pattern']}'"))
    fmt = schema.get("format")
    if fmt and not _format_ok(value, fmt):
        causes.append(cause(path, "FieldValueInvalid",
                            f"Invalid value: {_show(value)}: {path} in body must be of type {fmt}: {_show(value)}"))


def _format_ok(value: str, fmt: str) -> bool:
    if fmt == "date-time":
        return bool(DATE_TIME.match(value))
    if fmt == "date":
        return bool(DATE.match(value))
    if fmt == "uuid":
        return bool(UUID.match(value))
    if fmt == "byte":
        try:
            base64.b64decode(value, validate=True)
            return True
        except ValueError:
            return False
    return True


def _check_number(value, schema: dict, path: str, causes: list) -> None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None:
        if schema.get("exclusiveMinimum") and value <= low:
            causes.append(cause(path, "FieldValueInvalid",
                                f"Invalid value: {_show(value)}: {path} in body should be greater than {low}"))
        elif value < low:
            causes.append(cause(path, "FieldValueInvalid", f"Invalid value: {_show(value)}: {path} in body "
                                                           f"should be greater than or equal to {low}"))
    if high is not None:
        if schema.get("exclusiveMaximum") and value >= high:
            causes.append(cause(path, "FieldValueInvalid",
                                f"Invalid value: {_show(value)}: {path} in body should be less than {high}"))
        elif value > high:
            causes.append(cause(path, "FieldValueInvalid", f"Invalid value: {_show(value)}: {path} in body "
                                                           f"should be less than or equal to {high}"))
    step = schema.get("multipleOf")
    if step and (value / step) != int(value / step):
        causes.append(cause(path, "FieldValueInvalid",
                            f"Invalid value: {_show(value)}: {path} in body should be a multiple of {step}"))


def _check_array(value: list, schema: dict, path: str, causes: list) -> None:
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        causes.append(cause(path, "FieldValueTooMany",
                            f"Too many: {len(value)}: must have at most {schema['maxItems']} items"))
    if "minItems" in schema and len(value) < schema["minItems"]:
        causes.append(cause(path, "FieldValueInvalid", f"Invalid value: {len(value)}: {path} in body "
                                                       f"should have at least {schema['minItems']} items"))
    list_type = schema.get("x-kubernetes-list-type")
    keys = schema.get("x-kubernetes-list-map-keys") or []
    seen = set()
    for i, item in enumerate(value):
        if list_type == "map" and keys and isinstance(item, dict):
            ident = json.dumps([item.get(k) for k in keys])
        elif list_type == "set" or schema.get("uniqueItems"):
            ident = json.dumps(item, sort_keys=True)
        else:
            ident = None
        if ident is not None:
            if ident in seen:
                causes.append(cause(_dotted(path, i), "FieldValueDuplicate", f"Duplicate value: {_show(item)}"))
            seen.add(ident)
        if isinstance(schema.get("items"), dict):
            validate(item, schema["items"], _dotted(path, i), causes)


def _check_object(value: dict, schema: dict, path: str, causes: list) -> None:
    for key in schema.get("required", []):
        if key not in value:
            causes.append(cause(_dotted(path, key), "FieldValueRequired", "Required value"))
    props, extra = schema.get("properties") or {}, schema.get("additionalProperties")
    for key, item in value.items():
        if key in props:
            validate(item, props[key], _dotted(path, key), causes)
        elif isinstance(extra, dict):
            validate(item, extra, _dotted(path, key), causes)
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        causes.append(cause(path, "FieldValueTooMany",
                            f"Too many: {len(value)}: must have at most {schema['maxProperties']} items"))
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        causes.append(cause(path, "FieldValueInvalid", f"Invalid value: {len(value)}: {path} in body "
                                                       f"should have at least {schema['minProperties']} properties"))


def _check_combinators(value, schema: dict, path: str, causes: list) -> None:
    for branch in schema.get("allOf", []):
        validate(value, branch, path, causes)
    if "anyOf" in schema:
        results = [validate(value, b, path, []) for b in schema["anyOf"]]
        if all(results):
            causes.append(cause(path, "FieldValueInvalid",
                                f"Invalid value: {_show(value)}: must validate at least one schema (anyOf)"))
            causes.extend(results[0])
    if "oneOf" in schema:
        passing = sum(1 for b in schema["oneOf"] if not validate(value, b, path, []))
        if passing != 1:
            causes.append(cause(path, "FieldValueInvalid",
                                f"Invalid value: {_show(value)}: must validate one and only one schema (oneOf)"))
    if "not" in schema and not validate(value, schema["not"], path, []):
        causes.append(cause(path, "FieldValueInvalid",
                            f"Invalid value: {_show(value)}: must not validate the schema (not)"))


def validate(value, schema: dict, path: str, causes: list) -> list:
    """Append `details.causes` entries for every violation of `schema` by `value`; return `causes`."""
    if not isinstance(schema, dict):
        return causes
    wanted = _type_ok(value, schema)
    if wanted is not None:
        actual = type_name(value)
        causes.append(cause(path, "FieldValueTypeInvalid" if value is not None else "FieldValueInvalid",
                            f'Invalid value: "{actual}": {path} in body must be of type {wanted}: "{actual}"'))
        return causes
    if value is None:
        return causes
    if "enum" in schema and value not in schema["enum"]:
        supported = ", ".join(_show(v) for v in schema["enum"])
        causes.append(cause(path, "FieldValueNotSupported",
                            f"Unsupported value: {_show(value)}: supported values: {supported}"))
    if isinstance(value, str):
        _check_string(value, schema, path, causes)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _check_number(value, schema, path, causes)
    elif isinstance(value, list):
        _check_array(value, schema, path, causes)
    elif isinstance(value, dict):
        _check_object(value, schema, path, causes)
    _check_combinators(value, schema, path, causes)
    if "x-kubernetes-validations" in schema and not causes_below(causes, path):
        celrules.check(value, schema, path, causes)
    return causes


def causes_below(causes: list, path: str) -> bool:
    """Whether a cause was already found at or below `path` (the apiserver skips CEL rules over invalid values)."""
    return any(c.get("field", "") == path or c.get("field", "").startswith(path + ".")
               or c.get("field", "").startswith(path + "[") for c in causes) if path else bool(causes)


def body_schema(schema: dict) -> dict:
    """The root schema without apiVersion/kind/metadata and its root rules (they are handled separately)."""
    out = {k: v for k, v in schema.items() if k != "x-kubernetes-validations"}
    props = {k: v for k, v in (schema.get("properties") or {}).items() if k not in ("apiVersion", "kind", "metadata")}
    out["properties"] = props
    out["required"] = [r for r in schema.get("required", []) if r not in ("apiVersion", "kind", "metadata")]
    return out
