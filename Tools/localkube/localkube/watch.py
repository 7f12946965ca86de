"""Watch event history and watchers: replay from a resourceVersion, selectors, 410 after expiry."""
from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from typing import Callable

from .errors import gone


@dataclass
class Event:
    """One change: rv of the change, ADDED/MODIFIED/DELETED, storage key, namespace, new and old object."""

    rv: int
    type: str
    key: tuple
    ns: str
    obj: dict
    old: dict | None


class Watcher:
    """A subscription to changes of one resource, optionally in one namespace and filtered."""

    def __init__(self, key: tuple, ns: str | None, match: Callable[[dict], bool]):
        self.key, self.ns, self.match = key, ns, match
        self.queue: asyncio.Queue = asyncio.Queue()
        self.closed = False

    def translate(self, ev: Event) -> tuple[str, dict] | None:
        """The (type, object) this watcher sees for `ev`, honouring selector transitions."""
        if ev.key != self.key or (self.ns is not None and ev.ns != self.ns):
            return None
        now = self.match(ev.obj)
        if ev.type == "ADDED":
            return ("ADDED", ev.obj) if now else None
        was = ev.old is not None and self.match(ev.old)
        if ev.type == "DELETED":
            return ("DELETED", ev.obj) if was else None
        if now and was:
            return ("MODIFIED", ev.obj)
        if now:
            return ("ADDED", ev.obj)
        return ("DELETED", ev.obj) if was else None

    def offer(self, ev: Event) -> None:
        """Queue `ev` if this watcher sees it."""
        seen = self.translate(ev)
        if seen is not None and not self.closed:
            self.queue.put_nowait(seen)

    def close(self) -> None:
        """Wake the consumer and stop queueing."""
        self.closed = True
        self.queue.put_nowait(None)


class Hub:
    """Bounded history of events plus the live watchers."""

    def __init__(self, size: int):
        self.history: deque[Event] = deque(maxlen=max(size, 1))
        self.evicted = 0  # every event with rv <= evicted is no longer available
        self.watchers: set[Watcher] = set()
        self.by_key: dict[tuple, set[Watcher]] = {}  # the watchers of each resource (an event only goes to them)
        self.listeners: list[Callable[[Event], None]] = []

    def reset(self, rv: int) -> None:
        """Start with an empty history at resourceVersion `rv`."""
        self.history.clear()
        self.evicted = rv

    def publish(self, ev: Event) -> None:
        """Record an event and hand it to watchers and internal listeners."""
        if len(self.history) == self.history.maxlen:
            self.evicted = self.history[0].rv
        self.history.append(ev)
        for w in list(self.by_key.get(ev.key, ())):
            w.offer(ev)
        for listener in self.listeners:
            listener(ev)

    def compact(self, rv: int) -> None:
        """Discard the history: resuming from any rv < `rv` gets 410."""
        self.history.clear()
        self.evicted = rv

    def check(self, rv: int) -> None:
        """Raise 410 Gone if events after `rv` are no longer all available."""
        if rv < self.evicted:
            raise gone(f"too old resource version: {rv} ({self.evicted})")

    def subscribe(self, watcher: Watcher, since: int | None) -> None:
        """Register `watcher`, first queueing the history after `since` (if given)."""
        if since is not None:
            self.check(since)
            for ev in self.history:
                if ev.rv > since:
                    watcher.offer(ev)
        self.watchers.add(watcher)
        self.by_key.setdefault(watcher.key, set()).add(watcher)

    def unsubscribe(self, watcher: Watcher) -> None:
        """Forget a watcher."""
        self.watchers.discard(watcher)
        self._forget(watcher)
        watcher.closed = True

    def _forget(self, watcher: Watcher) -> None:
        same = self.by_key.get(watcher.key)
        if same is not None:
            same.discard(watcher)
            if not same:
                del self.by_key[watcher.key]

    def close_key(self, key: tuple) -> None:
        """End the watches of one resource (its CRD was deleted)."""
        for w in list(self.by_key.pop(key, ())):
            w.close()
            self.watchers.discard(w)

    def close_all(self) -> None:
        """End every watch (server shutdown)."""
        for w in list(self.watchers):
            w.close()
        self.watchers.clear()
        self.by_key.clear()
