"""HTTP handlers of resource URLs: get, list, create, update, patch, delete and subresources."""
from __future__ import annotations

from aiohttp import web

from . import scale as scalelib
from .decode import WriteOptions
from .deletion import delete, success_status
from .errors import ApiError, bad_request
from .routing import (Target, metadata_request, patch_type, query_bool, read_body, respond, table_request)
from .tables import to_table
from .watchstream import serve_watch


def write_options(request: web.Request) -> WriteOptions:
    """fieldValidation and dryRun of a write request."""
    dry = request.query.getall("dryRun", [])
    if any(d != "All" for d in dry):
        raise bad_request(f'dryRun: Unsupported value: "{dry[0]}": supported values: "All"')
    return WriteOptions(request.query.get("fieldValidation") or "Warn", bool(dry))


def _render_one(request: web.Request, ctx, rt, obj: dict) -> dict:
    accept = request.headers.get("Accept", "")
    table = table_request(accept)
    if table:
        out = to_table(rt, [obj], obj["metadata"].get("resourceVersion", ""),
                       request.query.get("includeObject", "Metadata"))
        out["apiVersion"] = table
        return out
    if metadata_request(accept):
        return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}
    return obj


def _render_list(request: web.Request, rt, items, rv, cont, remaining) -> dict:
    accept = request.headers.get("Accept", "")
    table = table_request(accept)
    if table:
        out = to_table(rt, items, rv, request.query.get("includeObject", "Metadata"), cont, remaining)
        out["apiVersion"] = table
        return out
    meta = {"resourceVersion": rv}
    if cont:
        meta["continue"] = cont
    if remaining is not None:
        meta["remainingItemCount"] = remaining
    if metadata_request(accept):
        return {"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1", "metadata": meta,
                "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                           "metadata": o["metadata"]} for o in items]}
    if not rt.custom:
        items = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in items]
    return {"kind": rt.kind + "List", "apiVersion": rt.api_version, "metadata": meta, "items": items}


async def handle(request: web.Request, ctx, target: Target) -> web.StreamResponse:
    """Dispatch a resource request by method."""
    method = request.method
    if method == "GET":
        return await _get(request, ctx, target)
    if method == "POST":
        if target.name is not None or target.sub is not None:
            raise ApiError(405, "the server does not allow this method on the requested resource",
                           "MethodNotAllowed")
        return await _create(request, ctx, target)
    if target.name is None and method in ("PUT", "PATCH"):
        raise ApiError(405, "the server does not allow this method on the requested resource", "MethodNotAllowed")
    if method == "PUT":
        return await _update(request, ctx, target)
    if method == "PATCH":
        return await _patch(request, ctx, target)
    if method == "DELETE":
        if target.sub is not None:
            raise ApiError(405, "the server does not allow this method on the requested resource",
                           "MethodNotAllowed")
        return await (_delete(request, ctx, target) if target.name else _delete_collection(request, ctx, target))
    raise ApiError(405, "the server does not allow this method on the requested resource", "MethodNotAllowed")


async def _get(request: web.Request, ctx, t: Target) -> web.StreamResponse:
    q = request.query
    if t.watch_path or query_bool(q.get("watch")):
        return await serve_watch(request, ctx, t)
    if t.name is None:
        limit = int(q.get("limit") or 0) if (q.get("limit") or "0").isdigit() else 0
        items, rv, cont, remaining = ctx.api.list(t.rt, t.ns, q.get("labelSelector"), q.get("fieldSelector"),
                                                  limit, q.get("continue"))
        return respond(_render_list(request, t.rt, items, rv, cont, remaining))
    if t.sub == "scale":
        return respond(scalelib.get_scale(ctx.api, t.rt, t.ns, t.name))
    obj = ctx.api.get(t.rt, t.ns, t.name)
    if t.sub == "log":
        return await ctx.pod_log(request, obj)
    return respond(_render_one(request, ctx, t.rt, obj))


async def _create(request: web.Request, ctx, t: Target) -> web.Response:
    if t.rt.namespaced and t.ns is None:
        raise ApiError(405, "the server does not allow this method on the requested resource", "MethodNotAllowed")
    opts = write_options(request)
    obj = ctx.api.create(t.rt, t.ns, await read_body(request), opts)
    return respond(obj, 201, opts.warnings)


async def _update(request: web.Request, ctx, t: Target) -> web.Response:
    opts = write_options(request)
    body = await read_body(request)
    if t.sub == "scale":
        return respond(scalelib.update_scale(ctx.api, t.rt, t.ns, t.name, body, opts), 200, opts.warnings)
    obj, created = ctx.api.update(t.rt, t.ns, t.name, body, opts, t.sub)
    return respond(obj, 201 if created else 200, opts.warnings)


async def _patch(request: web.Request, ctx, t: Target) -> web.Response:
    kind = patch_type(request)
    opts = write_options(request)
    body = await read_body(request)
    if kind == "apply":
        from .apply import server_side_apply
        obj, created = server_side_apply(ctx.api, t, body, request.query, opts)
        return respond(obj, 201 if created else 200, opts.warnings)
    if t.sub == "scale":
        return respond(scalelib.patch_scale(ctx.api, t.rt, t.ns, t.name, kind, body, opts), 200, opts.warnings)
    obj = ctx.api.patch(t.rt, t.ns, t.name, kind, body, opts, t.sub)
    return respond(obj, 200, opts.warnings)


async def _delete_options(request: web.Request) -> dict:
    options = {}
    if request.can_read_body:
        raw = await request.read()
        if raw.strip() and request.content_type == "application/vnd.kubernetes.protobuf":
            from .protobuf import decode_body  # client-go's typed clients (Helm's release storage) send protobuf
            options = decode_body(raw)
        elif raw.strip():
            import json
            try:
                options = json.loads(raw)
            except ValueError as err:
                raise bad_request(f"invalid DeleteOptions ({request.content_type}): {err}")
    q = request.query
    if q.get("propagationPolicy"):
        options["propagationPolicy"] = q["propagationPolicy"]
    if q.get("orphanDependents"):
        options["orphanDependents"] = query_bool(q["orphanDependents"])
    if q.get("gracePeriodSeconds"):
        options["gracePeriodSeconds"] = int(q["gracePeriodSeconds"])
    if q.getall("dryRun", []):
        options["dryRun"] = q.getall("dryRun")
    return options


async def _delete(request: web.Request, ctx, t: Target) -> web.Response:
    options = await _delete_options(request)
    result = delete(ctx.api, t.rt, t.ns, t.name, options, bool(options.get("dryRun")))
    pending = result.get("kind") != "Status" and result["metadata"].get("deletionTimestamp") and \
        options.get("propagationPolicy") == "Foreground"
    return respond(result, 202 if pending else 200)


async def _delete_collection(request: web.Request, ctx, t: Target) -> web.Response:
    options = await _delete_options(request)
    items, rv, _, _ = ctx.api.list(t.rt, t.ns, request.query.get("labelSelector"),
                                   request.query.get("fieldSelector"))
    deleted = []
    for obj in items:
        meta = obj["metadata"]
        try:
            out = delete(ctx.api, t.rt, meta.get("namespace"), meta["name"], options, bool(options.get("dryRun")))
        except ApiError as err:
            if err.code == 404:
                continue
            raise
        deleted.append(out if out.get("kind") != "Status" else obj)
    if not t.rt.custom:
        deleted = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in deleted]
    return respond({"kind": t.rt.kind + "List", "apiVersion": t.rt.api_version,
                    "metadata": {"resourceVersion": str(ctx.store.rv)}, "items": deleted})


__all__ = ["handle", "success_status"]
