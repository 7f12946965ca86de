"""`pods/log`: the captured stdout+stderr of a container (`container`, `previous`, `tailLines`, `limitBytes`,
`follow`). A follow stream ends when the container process ends (or the client goes away)."""
from __future__ import annotations

import asyncio
import os

from aiohttp import web

from .errors import bad_request

MAX_READ = 16 * 1024 * 1024


def container_name(pod: dict, query) -> str:
    """The container asked for, or the only one (400 when ambiguous or unknown)."""
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    name = query.get("container")
    pod_name = pod["metadata"]["name"]
    if not name:
        if len(names) != 1:
            raise bad_request(f"a container name must be specified for pod {pod_name}, choose one of: "
                              f"[{' '.join(names)}]")
        return names[0]
    if name not in names:
        raise bad_request(f"container {name} is not valid for pod {pod_name}")
    return name


def _tail(data: bytes, lines: int) -> bytes:
    if lines <= 0:
        return b""
    parts = data.split(b"\n")
    trailing = parts[-1] == b""
    if trailing:
        parts = parts[:-1]
    return b"\n".join(parts[-lines:]) + (b"\n" if trailing else b"")


def _initial(handle, query) -> bytes:
    size = os.fstat(handle.fileno()).st_size
    handle.seek(max(0, size - MAX_READ))
    data = handle.read()
    if query.get("tailLines") not in (None, ""):
        data = _tail(data, int(query["tailLines"]))
    if query.get("limitBytes"):
        data = data[:int(query["limitBytes"])]
    return data


async def serve(request: web.Request, kubelet, pod: dict) -> web.StreamResponse:
    """Answer a pods/log request from the files in the pod folder."""
    query = request.query
    name = container_name(pod, query)
    pod_dir = kubelet.pod_dir(pod)
    suffix = ".previous.log" if query.get("previous") in ("true", "1") else ".log"
    path = os.path.join(pod_dir, "logs", name + suffix)
    follow = query.get("follow") in ("true", "1") and suffix == ".log"
    if not os.path.exists(path):
        if suffix != ".log":
            raise bad_request(f'previous terminated container "{name}" in pod "{pod["metadata"]["name"]}" '
                              f"not found")
        return web.Response(body=b"", content_type="text/plain")
    handle = open(path, "rb")
    try:
        data = _initial(handle, query)
        if not follow:
            return web.Response(body=data, content_type="text/plain")
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        await response.write(data)
        await _follow(response, handle, path, lambda: _running(kubelet, pod, name))
        await response.write_eof()
        return response
    finally:
        handle.close()


def _running(kubelet, pod: dict, name: str) -> bool:
    run = kubelet.runs.get(pod["metadata"].get("uid"))
    crun = run.containers.get(name) if run else None
    return crun is not None and (crun.running() or not run.started)


async def _follow(response: web.StreamResponse, handle, path: str, running) -> None:
    """Send new bytes until the container ended (its file read to the end) or the file was rotated."""
    inode = os.fstat(handle.fileno()).st_ino
    while True:
        chunk = handle.read(65536)
        if chunk:
            await response.write(chunk)
            continue
        try:
            rotated = os.stat(path).st_ino != inode
        except OSError:
            rotated = True
        if rotated or not running():
            chunk = handle.read()
            if chunk:
                await response.write(chunk)
            return
        await asyncio.sleep(0.1)
