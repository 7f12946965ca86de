"""Label selectors (=, ==, !=, in, notin, exists, !key, gt, lt) and field selectors."""
from __future__ import annotations

import re
from typing import Callable

from .errors import bad_request

_SET = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s+(in|notin)\s*\(([^)]*)\)\s*$")
_CMP = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|!=|=|>|<)\s*([A-Za-z0-9_.-]*)\s*$")
_EXISTS = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*$")

FIELDS = {
    ("", "pods"): ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                   "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
    ("", "events"): ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                     "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                     "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
    ("", "secrets"): ["type"],
    ("", "namespaces"): ["status.phase"],
    ("batch", "jobs"): ["status.successful"],
}


def _split(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p for p in parts if p.strip()]


def _requirement(text: str) -> Callable[[dict], bool]:
    m = _SET.match(text)
    if m:
        key, op, values = m.group(1), m.group(2), {v.strip() for v in m.group(3).split(",") if v.strip()}
        if op == "in":
            return lambda labels: key in labels and labels[key] in values
        return lambda labels: key not in labels or labels[key] not in values
    m = _CMP.match(text)
    if m:
        key, op, value = m.groups()
        if op in ("=", "=="):
            return lambda labels: labels.get(key) == value
        if op == "!=":
            return lambda labels: labels.get(key) != value
        try:
            number = int(value)
        except ValueError:
            raise bad_request("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer")
        if op == ">":
            return lambda labels: _int(labels.get(key)) is not None and _int(labels.get(key)) > number
        return lambda labels: _int(labels.get(key)) is not None and _int(labels.get(key)) < number
    m = _EXISTS.match(text)
    if m:
        neg, key = m.groups()
        return (lambda labels: key not in labels) if neg else (lambda labels: key in labels)
    raise bad_request(f"unable to parse requirement: {text!r}")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def label_matcher(selector: str | None) -> Callable[[dict], bool]:
    """A predicate over objects for a label selector string (empty matches everything)."""
    if not selector:
        return lambda obj: True
    reqs = [_requirement(p) for p in _split(selector)]
    return lambda obj: all(r(obj.get("metadata", {}).get("labels") or {}) for r in reqs)


def _lookup(obj: dict, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def field_matcher(selector: str | None, key: tuple) -> Callable[[dict], bool]:
    """A predicate for a field selector; unsupported fields are a 400 like real Kubernetes."""
    if not selector:
        return lambda obj: True
    allowed = ["metadata.name", "metadata.namespace"] + FIELDS.get(key, [])
    reqs = []
    for part in _split(selector):
        m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", part)
        if not m:
            raise bad_request(f"invalid selector: '{selector}'; can't understand '{part}'")
        path, op, value = m.groups()
        if path not in allowed:
            raise bad_request(f'field label not supported: {path}')
        reqs.append((path, op != "!=", value))
    return lambda obj: all((_lookup(obj, p) == v) == eq for p, eq, v in reqs)


def format_label_selector(sel: dict | None) -> str:
    """Render a LabelSelector object as a selector string (like metav1.FormatLabelSelector)."""
    if not sel:
        return ""
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for expr in sel.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts)
