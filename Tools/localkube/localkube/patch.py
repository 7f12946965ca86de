"""JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch."""
from __future__ import annotations

import copy

from .defs import resolve
from .errors import ApiError, bad_request


def merge_patch(target, patch):
    """Apply an RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise bad_request(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _unprocessable(message: str) -> ApiError:
    return ApiError(422, message, "Invalid")


def _container(doc, parts: list[str], op: str):
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise _unprocessable(f"{op} operation does not apply: doc is missing path: /{'/'.join(parts)}")
    return node


def _get(doc, path: str, op: str):
    parts = _pointer(path)
    if not parts:
        return doc
    node = _container(doc, parts, op)
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        return node[last]
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node[int(last)]
    raise _unprocessable(f"{op} operation does not apply: doc is missing path: {path}")


def _remove(doc, path: str, op: str = "remove"):
    parts = _pointer(path)
    node, last = _container(doc, parts, op), parts[-1]
    if isinstance(node, dict) and last in node:
        return node.pop(last)
    if isinstance(node, list) and last.isdigit() and int(last) < len(node):
        return node.pop(int(last))
    raise _unprocessable(f"{op} operation does not apply: doc is missing path: {path}")


def _add(doc, path: str, value, replace: bool = False):
    parts = _pointer(path)
    if not parts:
        return value
    op = "replace" if replace else "add"
    node, last = _container(doc, parts, op), parts[-1]
    if isinstance(node, dict):
        if replace and last not in node:
            raise _unprocessable(f"replace operation does not apply: doc is missing key: {path}")
        node[last] = value
    elif isinstance(node, list):
        if last == "-" and not replace:
            node.append(value)
        elif last.isdigit() and int(last) <= len(node) - (1 if replace else 0):
            if replace:
                node[int(last)] = value
            else:
                node.insert(int(last), value)
        else:
            raise _unprocessable(f"{op} operation does not apply: index out of bounds: {path}")
    else:
        raise _unprocessable(f"{op} operation does not apply: doc is missing path: {path}")
    return doc


def json_patch(doc, ops):
    """Apply an RFC 6902 JSON patch (add, remove, replace, move, copy, test)."""
    if not isinstance(ops, list):
        raise bad_request("json patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise bad_request(f"invalid json patch operation: {op!r}")
        kind, path = op["op"], op["path"]
        if kind == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            _remove(doc, path)
        elif kind == "replace":
            doc = _add(doc, path, copy.deepcopy(op.get("value")), replace=True)
        elif kind in ("move", "copy"):
            value = _remove(doc, op["from"], kind) if kind == "move" else copy.deepcopy(_get(doc, op["from"], kind))
            doc = _add(doc, path, value)
        elif kind == "test":
            if _get(doc, path, "test") != op.get("value"):
                raise _unprocessable(f"testing value {path} failed")
        else:
            raise bad_request(f"unexpected json patch operation {kind!r}")
    return doc


def _field(schema: dict | None, key: str) -> dict | None:
    if not schema:
        return None
    schema = resolve(schema)
    if key in (schema.get("properties") or {}):
        return schema["properties"][key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def _strip(value):
    """Remove SMP directives from a value that is not merged with anything."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items()
                if not k.startswith("$") and v is not None}
    if isinstance(value, list):
        return [_strip(v) for v in value if not (isinstance(v, dict) and v.get("$patch") == "delete")]
    return value


def strategic_merge(original, patch, schema: dict | None):
    """Apply a strategic merge patch to `original` using Kubernetes patch metadata from `schema`."""
    if not isinstance(patch, dict):
        return _strip(patch)
    if patch.get("$patch") == "replace":
        return _strip({k: v for k, v in patch.items() if k != "$patch"})
    if patch.get("$patch") == "delete":
        return None
    out = dict(original) if isinstance(original, dict) else {}
    orders, retain = {}, patch.get("$retainKeys")
    for key, value in patch.items():
        if key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value
        elif key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            if isinstance(out.get(name), list):
                out[name] = [v for v in out[name] if v not in value]
        elif key.startswith("$"):
            continue
        elif value is None:
            out.pop(key, None)
        else:
            merged = _merge_value(out.get(key), value, _field(schema, key))
            if merged is None:
                out.pop(key, None)
            else:
                out[key] = merged
    for key, order in orders.items():
        if isinstance(out.get(key), list):
            out[key] = _reorder(out[key], order, _field(schema, key))
    if isinstance(retain, list):
        out = {k: v for k, v in out.items() if k in retain}
    return out


def _merge_value(current, value, schema: dict | None):
    sub = resolve(schema) if schema else None
    if isinstance(value, dict):
        return strategic_merge(current if isinstance(current, dict) else {}, value, sub)
    if isinstance(value, list):
        strategy = (schema or {}).get("x-kubernetes-patch-strategy", "") or (sub or {}).get(
            "x-kubernetes-patch-strategy", "")
        if "merge" in strategy.split(","):
            key = (schema or {}).get("x-kubernetes-patch-merge-key")
            items = (sub or {}).get("items")
            return _merge_list(current if isinstance(current, list) else [], value, key, items)
        return _strip([v for v in value if not (isinstance(v, dict) and "$patch" in v and len(v) == 1)])
    return value


def _merge_list(current: list, patch: list, key: str | None, items: dict | None) -> list:
    if any(isinstance(v, dict) and v.get("$patch") == "replace" for v in patch):
        return _strip([v for v in patch if not (isinstance(v, dict) and "$patch" in v)])
    out = copy.deepcopy(current)
    if key is None:
        for v in patch:
            if v not in out:
                out.append(_strip(v))
        return out
    for item in patch:
        if not isinstance(item, dict):
            out.append(item)
            continue
        index = next((i for i, o in enumerate(out) if isinstance(o, dict) and o.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            out = [o for o in out if not (isinstance(o, dict) and o.get(key) == item.get(key))]
        elif index is None:
            out.append(_strip(item))
        else:
            out[index] = strategic_merge(out[index], item, items)
    return out


def _reorder(values: list, order: list, schema: dict | None) -> list:
    key = (schema or {}).get("x-kubernetes-patch-merge-key")

    def ident(v):
        return v.get(key) if key and isinstance(v, dict) else v
    wanted = [ident(o) for o in order]
    listed = sorted((v for v in values if ident(v) in wanted), key=lambda v: wanted.index(ident(v)))
    return listed + [v for v in values if ident(v) not in wanted]
