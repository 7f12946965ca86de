"""The /localkube/v1 admin API: fault injection, watch-history compaction and request statistics."""
from __future__ import annotations

import json

from aiohttp import web

from .errors import ApiError, bad_request
from .routing import respond


async def handle_admin(request: web.Request, ctx) -> web.Response:
    """Serve /localkube/v1/{faults,faults/<id>,compact,stats,stats/reset}."""
    parts = [p for p in request.path.split("/") if p][2:]
    method = request.method
    if parts == ["faults"] and method == "POST":
        try:
            spec = json.loads(await request.read() or b"{}")
        except ValueError as err:
            raise bad_request(f"invalid JSON: {err}")
        rule = ctx.faults.add(spec)
        return respond({"id": rule.id}, 201)
    if parts == ["faults"] and method == "GET":
        return respond({"items": [r.describe() for r in ctx.faults.rules.values()]})
    if parts == ["faults"] and method == "DELETE":
        ctx.faults.rules.clear()
        return respond({"deleted": "all"})
    if len(parts) == 2 and parts[0] == "faults" and method == "DELETE":
        if not parts[1].isdigit() or ctx.faults.rules.pop(int(parts[1]), None) is None:
            raise ApiError(404, f"fault rule {parts[1]} not found", "NotFound")
        return respond({"deleted": int(parts[1])})
    if parts == ["compact"] and method == "POST":
        ctx.hub.compact(ctx.store.rv)
        return respond({"compactedResourceVersion": str(ctx.store.rv)})
    if parts == ["stats"] and method == "GET":
        return respond({"requests": ctx.stats.requests, "writes": ctx.store.writes,
                        "controllerWrites": ctx.store.controller_writes,
                        "resourceVersion": str(ctx.store.rv), "watches": len(ctx.hub.watchers)})
    if parts == ["stats", "reset"] and method == "POST":
        ctx.stats.reset()
        ctx.store.writes = ctx.store.controller_writes = 0
        return respond({"reset": True})
    raise ApiError(404, "the server could not find the requested resource", "NotFound")
