"""Streaming watches: newline-delimited JSON events, bookmarks, timeouts, selectors and Table output."""
from __future__ import annotations

import asyncio
import json

from aiohttp import web

from .events import core_field_selector, is_new_events
from .errors import ApiError, bad_request
from .routing import query_bool, respond, table_request
from .selectors import field_matcher, label_matcher
from .tables import to_table
from .watch import Watcher

INITIAL_EVENTS_END = "k8s.io/initial-events-end"


def _matcher(t, q):
    fields = q.get("fieldSelector") or ""
    if t.name:
        fields = ",".join(x for x in (fields, f"metadata.name={t.name}") if x)
    if is_new_events(t.rt):
        fields = core_field_selector(fields)
    match_l, match_f = label_matcher(q.get("labelSelector")), field_matcher(fields, t.rt.key)
    return lambda obj: match_l(obj) and match_f(obj)


class WatchStream:
    """Writes the events of one watch to its HTTP response."""

    def __init__(self, request, ctx, t, resp: web.StreamResponse):
        self.request, self.ctx, self.t, self.resp = request, ctx, t, resp
        self.table = table_request(request.headers.get("Accept", ""))
        self.include = request.query.get("includeObject", "Metadata")
        self.headers_sent = False
        self.sent = 0

    def encode(self, kind: str, obj: dict) -> bytes:
        """One JSON line for an event."""
        if self.table and kind not in ("ERROR", "BOOKMARK"):
            obj = to_table(self.t.rt, [obj], obj["metadata"].get("resourceVersion", ""), self.include,
                           headers=not self.headers_sent)
            obj["apiVersion"] = self.table
            self.headers_sent = True
        return json.dumps({"type": kind, "object": obj}, separators=(",", ":")).encode() + b"\n"

    async def send(self, kind: str, obj: dict) -> None:
        """Write and flush one event."""
        await self.resp.write(self.encode(kind, obj))
        if kind not in ("BOOKMARK",):
            self.sent += 1

    def bookmark(self, annotations: dict | None = None) -> dict:
        """A BOOKMARK object carrying the current resourceVersion."""
        meta = {"resourceVersion": str(self.ctx.store.rv)}
        if annotations:
            meta["annotations"] = annotations
        return {"kind": self.t.rt.kind, "apiVersion": self.t.rt.api_version, "metadata": meta}


def _since(q) -> int | None:
    rv = q.get("resourceVersion")
    if rv in (None, "", "0"):
        return None
    if not rv.isdigit():
        raise bad_request(f'resourceVersion: Invalid value: "{rv}": must be a non-negative integer')
    return int(rv)


async def serve_watch(request: web.Request, ctx, t) -> web.StreamResponse:
    """Serve `?watch=true`: replay, then live events until timeout, disconnect or shutdown."""
    q = request.query
    since = _since(q)
    match = _matcher(t, q)
    timeout = float(q.get("timeoutSeconds") or ctx.watch_timeout)
    bookmarks = query_bool(q.get("allowWatchBookmarks"))
    initial_events = query_bool(q.get("sendInitialEvents"))
    drop = request.get("drop_after")
    watcher = Watcher(t.rt.key, t.ns, match)
    api = ctx.api
    initial = []
    try:
        if since is None or initial_events:
            initial = [api.present(t.rt, o) for o in ctx.store.items(t.rt.key, t.ns) if match(o)]
            ctx.hub.subscribe(watcher, None)
        else:
            ctx.hub.subscribe(watcher, since)
        error = None
    except ApiError as err:
        error = err
    resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    resp.enable_chunked_encoding()
    try:
        await resp.prepare(request)
        stream = WatchStream(request, ctx, t, resp)
        if error is not None:
            await stream.send("ERROR", error.status())
            return resp
        await _pump(stream, watcher, initial, initial_events, bookmarks, timeout, drop)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        ctx.hub.unsubscribe(watcher)
    try:
        await resp.write_eof()
    except (ConnectionResetError, RuntimeError):
        pass
    return resp


def _done(stream: WatchStream, drop) -> bool:
    return drop is not None and stream.sent >= drop


async def _pump(stream: WatchStream, watcher: Watcher, initial: list, initial_events: bool, bookmarks: bool,
                timeout: float, drop) -> None:
    loop = asyncio.get_running_loop()
    for obj in initial:
        if _done(stream, drop):
            return
        await stream.send("ADDED", obj)
    if initial_events:
        await stream.send("BOOKMARK", stream.bookmark({INITIAL_EVENTS_END: "true"}))
    deadline = loop.time() + timeout
    interval = stream.ctx.bookmark_interval
    next_bookmark = loop.time() + interval
    while not _done(stream, drop):
        now = loop.time()
        if now >= deadline:
            return
        transport = stream.request.transport
        if transport is None or transport.is_closing():
            return
        wait = min(deadline - now, 1.0, max(next_bookmark - now, 0.0) if bookmarks else 1.0)
        try:
            item = await asyncio.wait_for(watcher.queue.get(), timeout=max(wait, 0.001))
        except asyncio.TimeoutError:
            item = False
        if item is None:
            return
        if item:
            await stream.send(item[0], stream.ctx.api.view(stream.t.rt, item[1]))
        if bookmarks and loop.time() >= next_bookmark and watcher.queue.empty():
            await stream.send("BOOKMARK", stream.bookmark())
            next_bookmark = loop.time() + interval


__all__ = ["serve_watch", "respond"]
