"""meta.k8s.io/v1 Table output: CRD additionalPrinterColumns and kubectl's columns for built-ins."""
from __future__ import annotations

import datetime
import re

from .meta import parse_time
from .registry import ResourceType

NAME_COL = {"name": "Name", "type": "string", "format": "name", "priority": 0,
            "description": "Name must be unique within a namespace. More info: "
                           "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"}


def human_duration(seconds: float) -> str:
    """Format a duration like k8s.io/apimachinery duration.HumanDuration."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{hours // 24 // 365}y"


def age(timestamp: str | None) -> str:
    """Age of a timestamp as kubectl prints it (`<unknown>` if absent)."""
    t = parse_time(timestamp)
    if t is None:
        return "<unknown>"
    return human_duration((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())


def json_path(obj, path: str):
    """Evaluate the JSONPath subset used by printer columns: `.a.b`, `.a[0].b`, `.a['b.c']`; None if absent."""
    tokens = re.findall(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']+)'\]|\[\"([^\"]+)\"\]", path.strip().strip("{}"))
    value = obj
    for name, index, quoted, dquoted in tokens:
        key = name or quoted or dquoted
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        if value is None:
            return None
    return value


def _cell(value, col_type: str):
    if value is None:
        return None
    if col_type == "date":
        return age(value) if isinstance(value, str) else None
    if col_type == "integer":
        return value if isinstance(value, int) else None
    if col_type == "number":
        return value if isinstance(value, (int, float)) else None
    if col_type == "boolean":
        return value if isinstance(value, bool) else None
    if isinstance(value, (dict, list)):
        import json
        return json.dumps(value, separators=(",", ":"))
    return str(value) if not isinstance(value, bool) else ("true" if value else "false")


def custom_columns(rt: ResourceType) -> tuple[list[dict], callable]:
    """Column definitions and row function for a custom resource."""
    cols = rt.printer_columns
    if cols is None:
        cols = [{"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}]
    defs = [NAME_COL] + [{"name": c["name"], "type": c.get("type", "string"), "format": c.get("format", ""),
                          "description": c.get("description") or
                          f"Custom resource definition column (in JSONPath format): {c.get('jsonPath', '')}",
                          "priority": c.get("priority", 0)} for c in cols]

    def row(obj):
        return [obj["metadata"]["name"]] + [_cell(json_path(obj, c.get("jsonPath", "")), c.get("type", "string"))
                                            for c in cols]
    return defs, row


def _col(name: str, col_type: str = "string", priority: int = 0, description: str = "") -> dict:
    return {"name": name, "type": col_type, "format": "", "description": description, "priority": priority}


def to_table(rt: ResourceType, objects: list[dict], rv: str, include: str, cont: str | None = None,
             remaining: int | None = None, headers: bool = True) -> dict:
    """Build the Table for `objects` (`include`: None, Metadata or Object)."""
    from .columns import builtin_columns
    if rt.custom:
        defs, row = custom_columns(rt)
    else:
        defs, row = builtin_columns(rt)
    rows = []
    for obj in objects:
        entry = {"cells": row(obj)}
        if include == "Object":
            entry["object"] = obj
        elif include != "None":
            entry["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                               "metadata": obj["metadata"]}
        rows.append(entry)
    meta = {"resourceVersion": rv}
    if cont:
        meta["continue"] = cont
    if remaining is not None:
        meta["remainingItemCount"] = remaining
    table = {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": meta, "rows": rows}
    table["columnDefinitions"] = defs if headers else None
    return table
