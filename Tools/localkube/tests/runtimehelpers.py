"""Helpers of the runtime tests: a localkube with a test image map, pod/status polling, process checks."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from lkhelpers import LocalKube, wait_for
from proctools import alive  # noqa: F401 (used by the runtime tests through this module)

TEST_IMAGES = {"images": [
    {"match": "busybox*", "type": "dir", "path": "/", "entrypoint": ["/bin/sh"]},
    {"match": "python*", "type": "dir", "path": "/", "entrypoint": [sys.executable]},
]}


def start_runtime(state_dir: Path, *args: str) -> LocalKube:
    """A localkube running workloads, with busybox -> /bin/sh and python -> this interpreter."""
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    image_map = state_dir.parent / f"{state_dir.name}-images.json"
    image_map.write_text(json.dumps(TEST_IMAGES))
    return LocalKube(state_dir, "--image-map", str(image_map), *args).start()


def pod_path(ns: str, name: str = "") -> str:
    """URL of pods (or one pod) of a namespace."""
    return f"/api/v1/namespaces/{ns}/pods" + (f"/{name}" if name else "")


def pod(name: str, command: list[str], image: str = "busybox", **spec) -> dict:
    """A one-container pod."""
    container = {"name": "c", "image": image, "command": command}
    container.update(spec.pop("container", {}))
    return {"metadata": {"name": name, "labels": spec.pop("labels", {"app": name})},
            "spec": {"containers": [container], "terminationGracePeriodSeconds": 5, **spec}}


def wait_phase(api, ns: str, name: str, phase: str, timeout: float = 20) -> dict:
    """Wait until a pod has the given phase; returns it."""
    return wait_for(lambda: (lambda p: p if (p or {}).get("status", {}).get("phase") == phase else None)(
        api.get(pod_path(ns, name)).json), timeout)


def ready(pod_obj: dict) -> bool:
    """Ready condition of a pod."""
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in (pod_obj.get("status") or {}).get("conditions") or [])


def listeners() -> set[str]:
    """`ip:port` of every listening TCP socket (IPv4 and IPv4-mapped IPv6)."""
    from localkube.network import listening
    return {f"{ip}:{port}" for ip, port in listening()}


def container_pid(pod_obj: dict) -> int:
    """The pid of a running container (containerID is localkube://<pid>)."""
    return int(pod_obj["status"]["containerStatuses"][0]["containerID"].split("://", 1)[1])


__all__ = ["start_runtime", "pod_path", "pod", "wait_phase", "ready", "alive", "listeners", "container_pid",
           "wait_for", "os"]
