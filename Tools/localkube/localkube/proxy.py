"""kube-proxy for loopback cluster IPs: TCP from clusterIP:port to the ready pods selected by the Service.

Each TCP port of a Service whose cluster IP is a 127.x address (other than 127.0.0.1) gets a listener on
that address; each connection goes to the next ready pod (round-robin) on the port that `targetPort` (a
number or a container port name) means for that pod. A connection with no ready pod is closed at once.
"""
from __future__ import annotations

import asyncio
import logging

from .network import SVC_KEY, pod_ready, selected_pods, target_port

log = logging.getLogger("localkube.proxy")


def _proxied(svc: dict) -> bool:
    spec = svc.get("spec") or {}
    ip = spec.get("clusterIP") or ""
    return ip.startswith("127.") and ip != "127.0.0.1" and bool(spec.get("selector")) and \
        spec.get("type", "ClusterIP") != "ExternalName"


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


class Proxy:
    """Listeners per (clusterIP, port), kept in line with the Services."""

    def __init__(self, store):
        self.store = store
        self.listeners: dict[tuple, tuple] = {}   # (ip, port) -> (asyncio.Server, (ns, name, port name/number))
        self.turn: dict[tuple, int] = {}
        self.tasks: set[asyncio.Task] = set()

    def wanted(self) -> dict[tuple, tuple]:
        """(ip, port) -> (ns, name, service port key) of every proxied Service port."""
        out = {}
        for svc in self.store.items(SVC_KEY):
            if not _proxied(svc):
                continue
            for port in svc["spec"].get("ports") or []:
                if port.get("protocol", "TCP") == "TCP":
                    out[(svc["spec"]["clusterIP"], int(port["port"]))] = (
                        svc["metadata"].get("namespace", ""), svc["metadata"]["name"], int(port["port"]))
        return out

    async def sync(self) -> None:
        """Open the listeners of new Service ports and close those of removed ones."""
        wanted = self.wanted()
        for key in [k for k in self.listeners if k not in wanted]:
            server, _ = self.listeners.pop(key)
            server.close()
        for key, target in wanted.items():
            if key in self.listeners:
                self.listeners[key] = (self.listeners[key][0], target)
                continue
            try:
                server = await asyncio.start_server(lambda r, w, k=key: self._accept(k, r, w), key[0], key[1],
                                                    reuse_address=True)
            except OSError as err:
                log.warning("cannot listen on %s:%s: %s", key[0], key[1], err)
                continue
            self.listeners[key] = (server, target)

    def backend(self, key: tuple) -> tuple[str, int] | None:
        """The next ready pod address for a listener (round-robin)."""
        entry = self.listeners.get(key)
        if entry is None:
            return None
        ns, name, number = entry[1]
        svc = self.store.peek(SVC_KEY, ns, name)
        if svc is None:
            return None
        port = next((p for p in svc["spec"].get("ports") or [] if int(p["port"]) == number), None)
        choices = []
        for pod in selected_pods(self.store, svc):
            target = target_port(pod, port) if port else None
            if pod_ready(pod) and target:
                choices.append((pod["status"]["podIP"], target))
        if not choices:
            return None
        index = self.turn.get(key, 0) % len(choices)
        self.turn[key] = index + 1
        return sorted(choices)[index]

    async def _accept(self, key: tuple, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self.tasks.add(task)
        try:
            backend = self.backend(key)
            if backend is None:
                writer.close()
                return
            try:
                up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*backend), 5)
            except (OSError, asyncio.TimeoutError):
                writer.close()
                return
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            self.tasks.discard(task)

    async def close(self) -> None:
        """Close every listener and open connection."""
        for server, _ in self.listeners.values():
            server.close()
        self.listeners.clear()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.sleep(0)
