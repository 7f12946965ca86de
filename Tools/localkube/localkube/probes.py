"""Readiness and liveness probes (httpGet and tcpSocket) against the pod IP.

`initialDelaySeconds`, `periodSeconds` (default 10), `timeoutSeconds` (1), `successThreshold` (1) and
`failureThreshold` (3) follow Kubernetes. `exec` probes of a podman container (`--container-runtime podman`) run
`podman exec` (success: exit code 0 within `timeoutSeconds`); other `exec` and `grpc` probes always succeed;
`startupProbe` is ignored.
"""
from __future__ import annotations

import asyncio
import time


def resolve_port(port, container: dict) -> int | None:
    """A probe port: a number, or the name of one of the container's ports."""
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for cport in container.get("ports") or []:
        if cport.get("name") == port:
            return int(cport["containerPort"])
    return None


async def _http(action: dict, host: str, port: int, timeout: float) -> bool:
    path = action.get("path") or "/"
    headers = "".join(f"{h['name']}: {h['value']}\r\n" for h in action.get("httpHeaders") or [])
    if (action.get("scheme") or "HTTP").upper() == "HTTPS":
        import ssl
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=context), timeout)
    else:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: kube-probe/1.32\r\n"
                     f"{headers}Connection: close\r\n\r\n".encode())
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), timeout)
        parts = line.split()
        return len(parts) >= 2 and parts[1].isdigit() and 200 <= int(parts[1]) < 400
    finally:
        writer.close()


async def _podman_exec(name: str, command: list, timeout: float) -> bool:
    from .podmanrun import executable
    proc = await asyncio.create_subprocess_exec(executable(), "exec", name, *map(str, command),
                                                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        return await asyncio.wait_for(proc.wait(), timeout) == 0
    except (asyncio.TimeoutError, asyncio.CancelledError):
        proc.kill()
        await proc.wait()
        raise


async def check(probe: dict, pod_ip: str, container: dict, podman_name: str | None = None) -> bool:
    """Run one probe; True on success."""
    timeout = float(probe.get("timeoutSeconds") or 1)
    try:
        if "exec" in probe and podman_name:
            return await _podman_exec(podman_name, (probe["exec"] or {}).get("command") or [], timeout)
        if "httpGet" in probe:
            action = probe["httpGet"]
            port = resolve_port(action.get("port"), container)
            return port is not None and await _http(action, action.get("host") or pod_ip, port, timeout)
        if "tcpSocket" in probe:
            action = probe["tcpSocket"]
            port = resolve_port(action.get("port"), container)
            if port is None:
                return False
            _, writer = await asyncio.wait_for(asyncio.open_connection(action.get("host") or pod_ip, port), timeout)
            writer.close()
            return True
    except (OSError, asyncio.TimeoutError, ValueError):
        return False
    return True


class Prober:
    """The state of one probe of one running container."""

    def __init__(self, probe: dict, started: float):
        self.probe = probe
        self.next_at = started + float(probe.get("initialDelaySeconds") or 0)
        self.successes = self.failures = 0
        self.result: bool | None = None   # None: not decided yet
        self.task: asyncio.Task | None = None

    def due(self, now: float) -> bool:
        """Time for the next run and none in flight."""
        return self.task is None and now >= self.next_at

    def start(self, pod_ip: str, container: dict, podman_name: str | None = None) -> None:
        """Run the probe in the background (`exec` in the podman container podman_name, if given)."""
        self.task = asyncio.ensure_future(check(self.probe, pod_ip, container, podman_name))

    def collect(self) -> None:
        """Take the result of a finished run into the thresholds."""
        if self.task is None or not self.task.done():
            return
        ok = (not self.task.cancelled()) and self.task.exception() is None and self.task.result()
        self.task = None
        self.next_at = time.monotonic() + float(self.probe.get("periodSeconds") or 10)
        if ok:
            self.successes, self.failures = self.successes + 1, 0
            if self.successes >= int(self.probe.get("successThreshold") or 1):
                self.result = True
        else:
            self.successes, self.failures = 0, self.failures + 1
            if self.failures >= int(self.probe.get("failureThreshold") or 3):
                self.result = False

    def cancel(self) -> None:
        """Stop an in-flight run."""
        if self.task is not None:
            self.task.cancel()
            self.task = None
