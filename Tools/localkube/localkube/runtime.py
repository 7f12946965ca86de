"""The local runtime: kubelet, Deployment/Job controllers, Endpoints, hosts files and the Service proxy.

A tick runs after every write (and at least every 0.25 s): pods are started/polled/stopped, workloads
reconciled, Endpoints written, hosts files refreshed and Service listeners opened or closed.

`container_runtime` is `process` (every container a local process through the image map) or `podman` (a container
whose image is in podman's storage runs with `podman run`, the others as processes; see podmanrun.py). With podman,
startup removes the containers a crashed run of this state dir left, and a watchdog removes this run's containers
when localkube ends.
"""
from __future__ import annotations

import asyncio
import glob
import logging
import os
import shutil

from . import launch, podmanrun
from .decode import WriteOptions
from .images import ImageMap
from .kubelet import Kubelet
from .network import EP_KEY, SVC_KEY, endpoints_subsets, service_lines
from .proxy import Proxy
from .workloads import Workloads

log = logging.getLogger("localkube.runtime")
TICK = 0.25
CONTAINER_RUNTIMES = ("process", "podman")


class Runtime:
    """Everything that makes the stored workloads run on this machine."""

    def __init__(self, api, state_dir: str, image_map: str | None = None, container_runtime: str = "process"):
        self.api, self.state_dir = api, state_dir
        if container_runtime not in CONTAINER_RUNTIMES:
            raise ValueError(f"container runtime {container_runtime!r}: not one of {', '.join(CONTAINER_RUNTIMES)}")
        self.podman = None
        if container_runtime == "podman":
            log.info("podman %s runs the containers whose image it has", podmanrun.Podman.check())
            self.podman = podmanrun.Podman(state_dir)
        self.images = ImageMap(image_map)
        pods_dir = os.path.join(state_dir, "pods")
        os.makedirs(pods_dir, exist_ok=True)
        killed = launch.kill_leftovers(pods_dir)
        if killed:
            log.warning("killed %d process(es) left by a previous run", killed)
        if self.podman is not None:
            removed = self.podman.remove_leftovers()
            if removed:
                log.warning("removed %d podman container(s) left by a previous run", removed)
            self.podman.start_watchdog()
        self.use_namespaces = launch.namespaces_available()
        if not self.use_namespaces:
            log.warning("no mount namespaces here: Service names do not resolve inside pods")
        self.kubelet = Kubelet(api, self.images, state_dir, os.path.join(state_dir, "kubeconfig"),
                               self.use_namespaces, self.podman)
        self.workloads = Workloads(api)
        self.proxy = Proxy(api.store)
        self.dirty = asyncio.Event()
        self.managed_endpoints: set[tuple] = set()
        self.ticks = 0

    def kick(self) -> None:
        """Run a tick soon (called after every write)."""
        self.dirty.set()

    async def run(self) -> None:
        """Tick until cancelled."""
        while True:
            try:
                await asyncio.wait_for(self.dirty.wait(), TICK)
            except asyncio.TimeoutError:
                pass
            self.dirty.clear()
            await asyncio.sleep(0.02)
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("runtime tick failed")

    async def tick(self) -> None:
        """One pass of every part."""
        store = self.api.store
        store.internal = True
        try:
            self.kubelet.sync(service_lines(store))
            self.workloads.sync()
            self._endpoints()
            self.ticks += 1
            if self.ticks % 40 == 0:
                self._sweep()
        finally:
            store.internal = False
        await self.proxy.sync()

    def _endpoints(self) -> None:
        """Endpoints of every Service with a selector (ready and not-ready pod addresses)."""
        ep_rt = self.api.registry.by_key(EP_KEY)
        wanted = set()
        for svc in self.api.store.items(SVC_KEY):
            if not (svc.get("spec") or {}).get("selector") or svc["metadata"].get("deletionTimestamp"):
                continue
            ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
            wanted.add((ns, name))
            body = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {
                "name": name, "namespace": ns, "labels": svc["metadata"].get("labels") or {}},
                "subsets": endpoints_subsets(self.api.store, svc)}
            existing = self.api.store.get(EP_KEY, ns, name)
            if existing is None:
                self.api.create(ep_rt, ns, body, WriteOptions("Ignore"))
            elif (existing.get("subsets") or []) != body["subsets"]:
                body["metadata"] = existing["metadata"]
                self.api.replace(ep_rt, existing, body, WriteOptions("Ignore"))
        for ns, name in self.managed_endpoints - wanted:
            if self.api.store.peek(EP_KEY, ns, name) is not None:
                self.api.remove(ep_rt, ns, name)
        self.managed_endpoints = wanted

    def _sweep(self) -> None:
        """Delete pod folders whose pod is gone (e.g. finished pods removed while localkube was down)."""
        uids = {o["metadata"].get("uid") for o in self.api.store.items(("", "pods"))}
        for path in glob.glob(os.path.join(self.kubelet.pods_dir, "*_*_*")):
            uid = path.rsplit("_", 1)[-1]
            if uid not in uids and uid not in self.kubelet.runs:
                shutil.rmtree(path, ignore_errors=True)

    async def stop(self) -> None:
        """Stop every process and listener."""
        await self.kubelet.stop()
        await self.proxy.close()
