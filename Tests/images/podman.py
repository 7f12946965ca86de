"""podman helpers of the image tests: containers started by name and removed by name, conditions polled."""
from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def version() -> str:
    match = re.search(r"^info:\s*\n(?:[ \t].*\n)*?[ \t]+version:\s*['\"]?([^'\"\s]+)", (REPO / "openapi/toolbox.yaml").read_text(), re.M)
    assert match, "openapi/toolbox.yaml: no info.version"
    return match.group(1)


def image(name: str) -> str:
    return f"localhost/flink-k8s-toolbox-{name}:{version()}"


def podman(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    result = subprocess.run(["podman", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} exited {result.returncode}: {result.stderr[-2000:]}")
    return result


def logs(name: str) -> str:
    result = podman("logs", name, check=False)
    return result.stdout + result.stderr


def state(name: str) -> dict:
    return json.loads(podman("inspect", "--format", "{{json .State}}", name).stdout)


def wait_for(condition, timeout: float, what: str, name: str | None = None):
    """Poll `condition` until it returns something truthy; fail with the container's logs after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s" + (f"\n--- logs of {name}:\n{logs(name)[-4000:]}" if name else ""))
        time.sleep(0.1)


class Container:
    """`podman run -d` with a name; `remove()` ends it by name (podman rm -f)."""

    def __init__(self, name: str, run_args: list[str]):
        self.name = name
        podman("rm", "-f", "--ignore", name)
        podman("run", "-d", "--name", name, *run_args)

    def remove(self) -> None:
        podman("rm", "-f", "--ignore", "-t", "0", self.name, check=False)

    def host_pid(self) -> int:
        return int(state(self.name)["Pid"])

    def running(self) -> bool:
        return bool(state(self.name)["Running"])


class MountedImage:
    """An image's root filesystem mounted on the machine (`podman image mount`, root only), to read files of images
    that have no shell or `cat` (distroless)."""

    def __init__(self, reference: str):
        self.reference = reference

    def __enter__(self) -> Path:
        return Path(podman("image", "mount", self.reference).stdout.strip())

    def __exit__(self, *_) -> None:
        podman("image", "unmount", self.reference, check=False)
