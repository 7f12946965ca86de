"""One container of a pod: its process, restarts with back-off, probes and its containerStatus.

Back-off between restarts: 1 s, doubling up to 30 s, reset when the container ran 30 s or more (Kubernetes:
10 s doubling up to 5 min). Exit codes of signalled processes are 128 + signal, like a container runtime.

A podman container (`--container-runtime podman`) is its attached `podman run` client: the client's exit code is
the container's, SIGTERM to the client reaches the container (sig-proxy), but SIGKILL would kill the client alone, so
it goes to the container (`podman kill`), and to the client only if that did not end it within 10 s. A client that
died of a signal has its container removed.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import datetime, timezone

from . import launch, podmanrun
from .probes import Prober

BACKOFF_START, BACKOFF_MAX, BACKOFF_RESET = 1.0, 30.0, 30.0
PODMAN_KILL_WAIT = 10.0


def stamp() -> str:
    """RFC 3339 UTC time (seconds), as Kubernetes writes it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ContainerRun:
    """Process and status of one container."""

    def __init__(self, spec: dict, pod_dir: str):
        self.spec, self.name = spec, spec["name"]
        self.pod_dir = pod_dir
        self.log_path = os.path.join(pod_dir, "logs", f"{self.name}.log")
        self.pid_path = os.path.join(pod_dir, f"{self.name}.pid")
        self.proc: subprocess.Popen | None = None
        self.restarts, self.backoff, self.restart_at = 0, BACKOFF_START, None
        self.started_at = self.started_mono = None
        self.terminated: dict | None = None   # state.terminated of the last exit
        self.last_state: dict = {}
        self.waiting = ("ContainerCreating", "")
        self.readiness = self.liveness = None
        self.killed_by_liveness = False
        self.podman_name: str | None = None   # the podman container of the last start, if it was one
        self.image_id = ""
        self.podman_killed_at: float | None = None

    # ---- process -------------------------------------------------------------------------
    def start(self, argv: list[str], env: dict, hosts_file: str | None, podman_name: str | None = None,
              image_id: str = "") -> None:
        """Start (or restart) the process (a `podman run` client when podman_name is given); the previous log becomes
        `<name>.previous.log`."""
        if self.started_at is not None:
            self.restarts += 1
            if os.path.exists(self.log_path):
                os.replace(self.log_path, self.log_path.replace(".log", ".previous.log"))
            if self.terminated:
                self.last_state = {"terminated": self.terminated}
        cwd = self.spec.get("workingDir") or self.pod_dir
        if not os.path.isdir(cwd):
            cwd = self.pod_dir
        self.podman_name, self.image_id, self.podman_killed_at = None, "", None
        self.proc = launch.spawn(argv, env, self.log_path, cwd, hosts_file)
        self.podman_name, self.image_id = podman_name, image_id
        launch.write_pid(self.pid_path, self.proc.pid)
        self.started_at, self.started_mono = stamp(), time.monotonic()
        self.terminated, self.waiting, self.restart_at, self.killed_by_liveness = None, None, None, False
        self.readiness = Prober(self.spec["readinessProbe"], self.started_mono) \
            if self.spec.get("readinessProbe") else None
        self.liveness = Prober(self.spec["livenessProbe"], self.started_mono) \
            if self.spec.get("livenessProbe") else None

    def fail_to_start(self, reason: str, message: str) -> None:
        """Record a start that did not happen (bad command, missing executable)."""
        self.terminated = {"exitCode": 128, "reason": reason, "message": message, "startedAt": stamp(),
                           "finishedAt": stamp()}
        self.started_at = self.started_at or stamp()
        self.started_mono = time.monotonic()

    def running(self) -> bool:
        """The process is alive."""
        return self.proc is not None and self.proc.poll() is None

    def reap(self) -> bool:
        """Notice an exit; True when the process ended since the last call."""
        if self.proc is None or self.proc.poll() is None:
            return False
        code = self.proc.returncode
        if code < 0 and self.podman_name:
            podmanrun.remove(self.podman_name)   # the client was killed: its container may live on
        code = 128 - code if code < 0 else code
        reason = "Completed" if code == 0 else "Error"
        if self.killed_by_liveness:
            reason = "Error"
        self.terminated = {"exitCode": code, "reason": reason, "startedAt": self.started_at,
                           "finishedAt": stamp()}
        self.proc = None
        for prober in (self.readiness, self.liveness):
            if prober:
                prober.cancel()
        try:
            os.remove(self.pid_path)
        except OSError:
            pass
        ran = time.monotonic() - (self.started_mono or 0)
        self.backoff = BACKOFF_START if ran >= BACKOFF_RESET else self.backoff
        return True

    def schedule_restart(self) -> None:
        """Restart after the current back-off (CrashLoopBackOff while waiting)."""
        self.restart_at = time.monotonic() + self.backoff
        self.backoff = min(self.backoff * 2, BACKOFF_MAX)

    def signal(self, sig: int) -> None:
        """Signal the container's process group (a podman container: SIGKILL through podman, once)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.podman_name and sig == signal.SIGKILL:
            if self.podman_killed_at is None:
                self.podman_killed_at = time.monotonic()
                podmanrun.kill(self.podman_name)
                return
            if time.monotonic() - self.podman_killed_at < PODMAN_KILL_WAIT:
                return
            podmanrun.remove(self.podman_name)
        launch.signal_group(self.proc.pid, sig)

    # ---- probes --------------------------------------------------------------------------
    def probe(self, pod_ip: str) -> None:
        """Collect finished probe runs, start due ones; a failed liveness probe kills the process."""
        now = time.monotonic()
        for prober in (self.readiness, self.liveness):
            if prober is None or not self.running():
                continue
            prober.collect()
            if prober.due(now):
                prober.start(pod_ip, self.spec, self.podman_name)
        if self.liveness is not None and self.liveness.result is False and self.running():
            self.killed_by_liveness = True
            self.signal(signal.SIGKILL)

    def ready(self) -> bool:
        """Running and (without a readiness probe, or) its readiness probe succeeded."""
        return self.running() and (self.readiness is None or self.readiness.result is True)

    # ---- status --------------------------------------------------------------------------
    def status(self, image: str) -> dict:
        """The containerStatus."""
        out = {"name": self.name, "image": image, "imageID": self.image_id, "ready": self.ready(),
               "restartCount": self.restarts, "started": self.running(), "lastState": self.last_state}
        if self.running():
            out["state"] = {"running": {"startedAt": self.started_at}}
            out["containerID"] = f"podman://{self.podman_name}" if self.podman_name else f"localkube://{self.proc.pid}"
        elif self.restart_at is not None:
            out["state"] = {"waiting": {"reason": "CrashLoopBackOff", "message":
                                        f"back-off {int(self.backoff / 2) or 1}s restarting failed container"}}
            out["lastState"] = {"terminated": self.terminated} if self.terminated else self.last_state
        elif self.terminated is not None:
            out["state"] = {"terminated": self.terminated}
            if self.podman_name:
                out["containerID"] = f"podman://{self.podman_name}"
        else:
            reason, message = self.waiting or ("ContainerCreating", "")
            out["state"] = {"waiting": {"reason": reason, **({"message": message} if message else {})}}
        return out
