"""The cluster IPs and node ports allocated to Services, indexed as Services are written (no scan per write)."""
from __future__ import annotations

from collections import Counter

from .network import SVC_KEY, busy_ips

FIRST_IP, FIRST_PORT = 10, 30000  # the first cluster IP index and node port builtins allocates


def ip_index(ip: str, prefix: str) -> int | None:
    """n of a `<prefix>{n // 250}.{n % 250 + 1}` cluster IP (see builtins._free_ip), or None."""
    if not isinstance(ip, str) or not ip.startswith(prefix):
        return None
    try:
        high, low = (int(x) for x in ip[len(prefix):].split("."))
    except ValueError:
        return None
    return high * 250 + low - 1 if 1 <= low <= 250 and high >= 0 else None


class Taken:
    """A set-like view: allocated (read only), plus what one request allocates on top (`add`). `lazy` answers more
    allocated values, computed on the first miss only (reading the machine's listening sockets costs milliseconds,
    and a Service update that keeps its addresses never asks)."""

    def __init__(self, *bases, lazy=None):
        self.bases, self.added, self.lazy = list(bases), set(), lazy

    def __contains__(self, value) -> bool:
        if value in self.added or any(value in base for base in self.bases):
            return True
        if self.lazy is not None:
            self.bases.append(self.lazy())
            self.lazy = None
            return value in self.bases[-1]
        return False

    def add(self, value) -> None:
        """Mark `value` allocated for the rest of this request."""
        self.added.add(value)


class ServiceAddresses:
    """Counts of the cluster IPs and node ports of stored Services, kept by a watch hub listener.

    `ip_start`/`port_start` are lower bounds of the first free address: every cluster IP index (node port) below
    them belongs to a Service, so an allocation may start there and still find the lowest free one."""

    def __init__(self, store, prefix: str):
        self.prefix = prefix
        self.ips: Counter = Counter()
        self.ports: Counter = Counter()
        self.ip_start, self.port_start = FIRST_IP, FIRST_PORT
        for svc in store.items(SVC_KEY):
            self._count(svc, 1)
        store.hub.listeners.append(self.observe)

    def observe(self, ev) -> None:
        """Follow a stored change of a Service."""
        if ev.key != SVC_KEY:
            return
        if ev.old is not None:
            self._count(ev.old, -1)
        if ev.type != "DELETED":
            self._count(ev.obj, 1)

    def _count(self, svc: dict, delta: int) -> None:
        spec = svc.get("spec") or {}
        values = [(self.ips, spec.get("clusterIP"))] + [(self.ports, p.get("nodePort")) for p in spec.get("ports") or []
                                                        if isinstance(p, dict)]
        for counter, value in values:
            counter[value] += delta
            if counter[value] <= 0:
                del counter[value]
                self._freed(counter, value)

    def _freed(self, counter: Counter, value) -> None:
        if counter is self.ips:
            n = ip_index(value, self.prefix)
            if n is not None and n < self.ip_start:
                self.ip_start = max(n, FIRST_IP)
        elif isinstance(value, int) and value < self.port_start:
            self.port_start = max(value, FIRST_PORT)

    def used(self) -> dict:
        """What Service defaulting needs: taken IPs (with the machine's listening ones) and ports, and where the
        search for a free one may start."""
        while f"{self.prefix}{self.ip_start // 250}.{self.ip_start % 250 + 1}" in self.ips:
            self.ip_start += 1
        while self.port_start in self.ports:
            self.port_start += 1
        return {"ips": Taken(self.ips, lazy=busy_ips), "ports": Taken(self.ports), "prefix": self.prefix,
                "ip_start": self.ip_start, "port_start": self.port_start}
