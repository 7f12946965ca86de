"""The kubelet: pods become local processes, and their status follows the processes.

A new pod is prepared (images resolved through the image map, the Flink distribution installed if missing,
volumes materialised, environment built) and its containers started with a pod IP. Each tick the processes
are polled: restarts follow `restartPolicy` with back-off, probes set Ready or restart, and the phase becomes
Running, Succeeded or Failed. A pod with deletionTimestamp gets SIGTERM, then SIGKILL after its grace
period, and its object is removed once every process ended. Init containers are not run.

With `--container-runtime podman` (a `Podman` given), a container whose image is in podman's storage runs as an
attached `podman run --rm` client instead (see podmanrun.py); the client is the container's process here: its exit
is the container's, SIGTERM reaches the container, SIGKILL is sent to the container through podman.
"""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import time

from . import launch, podmanrun
from .container import ContainerRun, stamp
from .decode import WriteOptions
from .identity import SA_MOUNT
from .images import ensure_flink
from .network import POD_KEY, HostsFiles, PodIPs
from .podfs import MissingRef, container_env, materialise_volumes, mount_container

log = logging.getLogger("localkube.kubelet")


class PodRun:
    """Runtime state of one pod."""

    def __init__(self, pod: dict, pod_dir: str, ip: str):
        meta = pod["metadata"]
        self.uid, self.ns, self.name = meta["uid"], meta.get("namespace", ""), meta["name"]
        self.dir, self.ip = pod_dir, ip
        self.hosts = os.path.join(pod_dir, "hosts")
        self.containers = {c["name"]: ContainerRun(c, pod_dir) for c in pod["spec"].get("containers") or []}
        self.images: dict | None = None
        self.installing: asyncio.Future | None = None
        self.started = False
        self.start_time = stamp()
        self.kill_at: float | None = None
        self.problem: tuple[str, str] | None = None
        self.transitions: dict[str, tuple[str, str]] = {}
        self.last_status: dict | None = None
        self.launch: dict = {}
        self.lookup: asyncio.Future | None = None   # podman's images of the pod (--container-runtime podman)


class Kubelet:
    """Runs the pods of the store."""

    def __init__(self, api, images, state_dir: str, kubeconfig: str, use_namespaces: bool,
                 podman: podmanrun.Podman | None = None):
        self.api, self.images, self.podman = api, images, podman
        self.pods_dir = os.path.join(state_dir, "pods")
        self.shared_dir = os.path.join(state_dir, "shared")
        self.kubeconfig, self.use_namespaces = kubeconfig, use_namespaces
        # With RBAC: (pod, pod folder) -> (kubeconfig, service-account folder or None), the pod's own identity.
        self.credentials = None
        self.ips, self.hosts = PodIPs(api.net.pod_prefix), HostsFiles()
        self.runs: dict[str, PodRun] = {}
        self.rt = api.registry.by_key(POD_KEY)
        os.makedirs(self.pods_dir, exist_ok=True)

    def pod_dir(self, pod: dict) -> str:
        """`<state>/pods/<namespace>_<name>_<uid>`."""
        meta = pod["metadata"]
        return os.path.join(self.pods_dir, f"{meta.get('namespace', '')}_{meta['name']}_{meta['uid']}")

    # ---- the tick ------------------------------------------------------------------------
    def sync(self, service_lines: dict) -> None:
        """One pass over every pod."""
        seen = set()
        for pod in list(self.api.store.items(POD_KEY)):
            uid = pod["metadata"].get("uid")
            seen.add(uid)
            run = self.runs.get(uid)
            if run is None:
                if pod["metadata"].get("deletionTimestamp"):
                    self._remove(pod)
                    continue
                if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                    continue
                run = self._adopt(pod)
            try:
                self._sync_pod(run, pod, service_lines)
            except Exception:
                log.exception("pod %s/%s", run.ns, run.name)
        for uid in [u for u in self.runs if u not in seen]:
            self._forget(self.runs[uid], signal.SIGKILL)

    def _adopt(self, pod: dict) -> PodRun:
        pod_dir = self.pod_dir(pod)
        for sub in ("logs", "home", "tmp"):
            os.makedirs(os.path.join(pod_dir, sub), exist_ok=True)
        run = PodRun(pod, pod_dir, self.ips.allocate((pod.get("status") or {}).get("podIP")))
        self.runs[run.uid] = run
        self.api.live_pods.add(run.uid)
        return run

    def _sync_pod(self, run: PodRun, pod: dict, service_lines: dict) -> None:
        self.hosts.write(run.hosts, self.hosts.content(service_lines, run.ns, run.name, run.ip))
        if pod["metadata"].get("deletionTimestamp"):
            self._terminate(run, pod)
            return
        if not run.started:
            self._prepare(run, pod)
            if run.started or run.problem:
                self._write_status(run, pod)
            return
        policy = pod["spec"].get("restartPolicy", "Always")
        for crun in run.containers.values():
            if crun.reap() and (policy == "Always" or (policy == "OnFailure" and crun.terminated["exitCode"])):
                crun.schedule_restart()
            if crun.restart_at is not None and time.monotonic() >= crun.restart_at:
                self._start_container(run, pod, crun)
            crun.probe(run.ip)
        self._write_status(run, pod)

    # ---- starting ------------------------------------------------------------------------
    def _prepare(self, run: PodRun, pod: dict) -> None:
        """Resolve images, install Flink, then start every container; problems keep the pod Pending."""
        if run.images is None:
            found = {}
            if self.podman is not None:
                if run.lookup is None:
                    refs = {c.get("image", "") for c in pod["spec"]["containers"]}
                    run.lookup = asyncio.get_running_loop().run_in_executor(
                        None, lambda: {r: podmanrun.find(r, self.images.resolve(r)) for r in refs})
                if not run.lookup.done():
                    return
                found = run.lookup.result()
            images = {c["name"]: found.get(c.get("image", "")) or self.images.resolve(c.get("image", ""))
                      for c in pod["spec"]["containers"]}
            missing = [pod["spec"]["containers"][i]["image"] for i, c in enumerate(images.values()) if c is None]
            if missing:
                where = "podman's storage nor the localkube image map" if self.podman else "the localkube image map"
                run.problem = ("Unschedulable", f'image "{missing[0]}" is not in {where}')
                return
            run.images = images
        if run.installing is None:
            flinks = [i for i in run.images.values() if i.type == "flink"]
            run.installing = asyncio.get_running_loop().run_in_executor(
                None, lambda: [e for e in map(ensure_flink, flinks) if e])
        if not run.installing.done():
            return
        errors = run.installing.result()
        if errors:
            run.problem = ("ErrImagePull", errors[0])
            return
        try:
            volumes = materialise_volumes(self.api.store, pod, run.dir)
            for crun in run.containers.values():
                root = os.path.join(run.dir, crun.name, "root")
                os.makedirs(root, exist_ok=True)
                run.launch[crun.name] = (volumes, root)
                self._start_container(run, pod, crun)
        except MissingRef as err:
            run.problem = ("CreateContainerConfigError", str(err))
            return
        run.started, run.problem = True, None

    def _start_container(self, run: PodRun, pod: dict, crun: ContainerRun) -> None:
        volumes, root = run.launch[crun.name]
        image = run.images[crun.name]
        mounts = mount_container(crun.spec, volumes, root)
        kubeconfig, sa_dir = self.kubeconfig, None
        if self.credentials is not None:
            kubeconfig, sa_dir = self.credentials(pod, run.dir)
            if sa_dir is not None:
                mounts.setdefault(SA_MOUNT, sa_dir)
        status_pod = dict(pod, status=dict(pod.get("status") or {}, podIP=run.ip, hostIP="127.0.0.1"))
        env = container_env(self.api.store, status_pod, crun.spec)
        ctx = launch.Context(status_pod, run.dir, run.ip, run.hosts, kubeconfig, self.shared_dir)
        try:
            if isinstance(image, podmanrun.PodmanImage):
                restarts = crun.restarts + (1 if crun.started_at is not None else 0)
                argv, name = self.podman.command(ctx, crun.spec, image, env, volumes, sa_dir, restarts)
                log.info("pod %s/%s container %s: podman run %s as %s", run.ns, run.name, crun.name,
                         image.reference, name)
                crun.start(argv, dict(os.environ), None, podman_name=name, image_id=image.id)
                return
            argv, full_env = launch.build(ctx, crun.spec, image, env, mounts)
            crun.start(argv, full_env, run.hosts if self.use_namespaces else None)
        except (OSError, ValueError) as err:
            crun.fail_to_start("StartError", str(err))
            if pod["spec"].get("restartPolicy", "Always") != "Never":
                crun.schedule_restart()

    # ---- stopping ------------------------------------------------------------------------
    def _terminate(self, run: PodRun, pod: dict) -> None:
        """Graceful deletion: SIGTERM, SIGKILL after the grace period, remove the object when all ended."""
        if run.kill_at is None:
            grace = pod["metadata"].get("deletionGracePeriodSeconds")
            grace = pod["spec"].get("terminationGracePeriodSeconds", 30) if grace is None else grace
            run.kill_at = time.monotonic() + float(grace)
            for crun in run.containers.values():
                crun.restart_at = None
                crun.signal(signal.SIGTERM)
        if time.monotonic() >= run.kill_at:
            for crun in run.containers.values():
                crun.signal(signal.SIGKILL)
        for crun in run.containers.values():
            crun.reap()
        if any(c.proc is not None for c in run.containers.values()):
            return
        self._forget(run, signal.SIGKILL)
        self._remove(pod)

    def _remove(self, pod: dict) -> None:
        meta = pod["metadata"]
        if not meta.get("finalizers"):
            self.api.remove(self.rt, meta.get("namespace"), meta["name"])

    def _forget(self, run: PodRun, sig: int) -> None:
        """Stop tracking a pod: kill what is left, free its IP, delete its folder."""
        for crun in run.containers.values():
            crun.signal(sig)
            if crun.proc is not None:
                try:
                    crun.proc.wait(timeout=5)
                except Exception:
                    pass
            crun.reap()
            if crun.podman_name:
                podmanrun.remove(crun.podman_name)
        self.runs.pop(run.uid, None)
        self.api.live_pods.discard(run.uid)
        self.ips.release(run.ip)
        shutil.rmtree(run.dir, ignore_errors=True)

    async def stop(self, timeout: float = 6.0) -> None:
        """Stop every process: SIGTERM, then SIGKILL after `timeout`; the pod objects stay."""
        runs = list(self.runs.values())
        for run in runs:
            for crun in run.containers.values():
                crun.restart_at = None
                crun.signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(c.running() for r in runs for c in r.containers.values()):
            await asyncio.sleep(0.1)
        if self.podman is not None and any(c.running() and c.podman_name for r in runs
                                           for c in r.containers.values()):
            await asyncio.get_running_loop().run_in_executor(None, self.podman.remove_instance)
        for run in runs:
            for crun in run.containers.values():
                crun.signal(signal.SIGKILL)
                if crun.proc is not None:
                    try:
                        crun.proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        launch.signal_group(crun.proc.pid, signal.SIGKILL)
                        crun.proc.wait()
                crun.reap()
            self.api.live_pods.discard(run.uid)
        self.runs.clear()
        if self.podman is not None:
            self.podman.close()

    # ---- status --------------------------------------------------------------------------
    def _write_status(self, run: PodRun, pod: dict) -> None:
        from .podstatus import pod_status
        status = pod_status(run, pod)
        if status == run.last_status:
            return
        existing = self.api.store.get(POD_KEY, run.ns, run.name)
        if existing is None or existing["metadata"].get("uid") != run.uid:
            return
        new = dict(existing, status=status)
        self.api.replace(self.rt, existing, new, WriteOptions("Ignore"), "status")
        run.last_status = status
