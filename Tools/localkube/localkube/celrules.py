"""`x-kubernetes-validations` of CRD schemas: CEL rules evaluated like the real apiserver (with cel-python).

A rule is compiled once (a CRD with a rule that does not compile is refused) and evaluated with `self` bound to the
value at its schema node; at the root, `self.metadata` holds only `name` and `generateName`, as in Kubernetes. A
failing rule is a `details.causes` entry at the node's path plus the rule's `fieldPath`, worded as the apiserver's:
`Invalid value: "object": <message>`. Results are memoised on the part of `self` the rule reads, so a status write
does not re-evaluate a rule over the spec: the apiserver's own cost budget makes rules cheap, cel-python is not.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

import celpy

from .errors import cause

_ENV = celpy.Environment()
_MEMO: dict[tuple, bool | str] = {}
_MEMO_LIMIT = 20000
_FIELD = re.compile(r"\bself\.([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()")
_SELF = re.compile(r"\bself\b")


@lru_cache(maxsize=512)
def _program(rule: str):
    return _ENV.program(_ENV.compile(rule))


@lru_cache(maxsize=512)
def _fields_read(rule: str) -> frozenset[str] | None:
    """The top-level fields of `self` the rule reads, or None when it uses `self` as a whole (e.g. `self.all(...)`)."""
    fields = frozenset(_FIELD.findall(rule))
    return fields if fields and len(_SELF.findall(rule)) == len(_FIELD.findall(rule)) else None


def compile_errors(schema: dict, path: str = "openAPIV3Schema") -> list[str]:
    """`<path>: <error>` for every rule below `schema` that does not compile."""
    out = []
    if not isinstance(schema, dict):
        return out
    for i, rule in enumerate(schema.get("x-kubernetes-validations") or []):
        try:
            _program(rule.get("rule", ""))
        except Exception as err:  # celpy raises its own parse error types
            out.append(f"{path}.x-kubernetes-validations[{i}].rule: {str(err).splitlines()[0]}")
    for key, sub in (schema.get("properties") or {}).items():
        out += compile_errors(sub, f"{path}.properties[{key}]")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            out += compile_errors(schema[key], f"{path}.{key}")
    return out


def _type_word(value) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number" if isinstance(value, float) else "integer"
    return "string"


def _outcome(rule: str, value) -> bool | str:
    """True when the rule holds, False when it does not, or the evaluation error's text."""
    fields = _fields_read(rule) if isinstance(value, dict) else None
    seen = {k: value[k] for k in sorted(fields) if k in value} if fields is not None else value
    key = (rule, json.dumps(seen, sort_keys=True, separators=(",", ":")))
    if key in _MEMO:
        return _MEMO[key]
    try:
        result = bool(_program(rule).evaluate({"self": celpy.json_to_cel(seen)}))
    except Exception as err:  # a no-such-key or type error is the rule's failure, as in the apiserver
        result = str(err).splitlines()[0]
    if len(_MEMO) >= _MEMO_LIMIT:
        _MEMO.clear()
    _MEMO[key] = result
    return result


def check(value, schema: dict, path: str, causes: list) -> None:
    """Append a cause for every rule of this schema node that `value` breaks."""
    for rule in schema.get("x-kubernetes-validations") or []:
        outcome = _outcome(rule.get("rule", ""), value)
        if outcome is True:
            continue
        field = path + rule.get("fieldPath", "") if rule.get("fieldPath") else path
        field = field.lstrip(".")
        if outcome is False:
            message = rule.get("message") or f"failed rule: {rule.get('rule', '')}"
            causes.append(cause(field, rule.get("reason") or "FieldValueInvalid",
                                f'Invalid value: "{_type_word(value)}": {message}'))
        else:
            causes.append(cause(field, "FieldValueInvalid",
                                f'Invalid value: "{_type_word(value)}": rule evaluation error: {outcome}'))


def check_root(obj: dict, schema: dict) -> list[dict]:
    """Causes of the root rules, with `self.metadata` cut down to what CEL may see there."""
    rules = schema.get("x-kubernetes-validations")
    if not rules:
        return []
    meta = obj.get("metadata") or {}
    seen = {k: v for k, v in obj.items() if k != "metadata"}
    seen["metadata"] = {k: meta[k] for k in ("name", "generateName") if k in meta}
    causes: list[dict] = []
    check(seen, {"x-kubernetes-validations": rules}, "", causes)
    return causes


def check_tree(value, schema: dict, path: str, causes: list) -> list:
    """The rules of every node below `schema` over `value` (for offline validation, without the type checks)."""
    if not isinstance(schema, dict):
        return causes
    check(value, schema, path, causes)
    if isinstance(value, dict):
        props, extra = schema.get("properties") or {}, schema.get("additionalProperties")
        for key, item in value.items():
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub is not None:
                check_tree(item, sub, f"{path}.{key}" if path else key, causes)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            check_tree(item, schema["items"], f"{path}[{i}]", causes)
    return causes
