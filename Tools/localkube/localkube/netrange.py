"""The loopback ranges of one localkube instance, so that several instances can run on one machine at once.

Instance k uses pod IPs from 127.(2k+1).0.0/16 and Service cluster IPs from 127.(2k+2).0.0/16 (the API server's
own `kubernetes` Service is 127.(2k+2).0.1). k = 0 gives 127.1/127.2. An instance owns k while it holds an
exclusive `fcntl.flock` on `<lock dir>/localkube-net-<k>.lock` (lock dir: `$LOCALKUBE_LOCK_DIR`, default /tmp);
the kernel drops the lock when the process ends, however it ends. A new instance takes the first free k; an
instance restarted on the same state directory takes the k it had before (`<state>/network.json`) if it is free.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os

log = logging.getLogger("localkube.network")
MAX_INDEX = 126  # 2k+2 <= 254


class NetRange:
    """Network index k of this instance and its address prefixes (`lock` is the held lock file, if any)."""

    def __init__(self, index: int = 0, lock=None):
        if not 0 <= index <= MAX_INDEX:
            raise ValueError(f"network index {index} out of range 0...{MAX_INDEX}")
        self.index, self.lock = index, lock
        self.pod_prefix = f"127.{2 * index + 1}."
        self.service_prefix = f"127.{2 * index + 2}."

    @property
    def api_service_ip(self) -> str:
        """The cluster IP of `default/kubernetes`."""
        return self.service_prefix + "0.1"

    def describe(self) -> dict:
        """What `<state>/network.json` records."""
        return {"index": self.index, "pods": self.pod_prefix + "0.0/16", "services": self.service_prefix + "0.0/16"}

    def release(self) -> None:
        """Give the index back (also happens when the process ends)."""
        if self.lock is not None:
            self.lock.close()
            self.lock = None


def lock_dir() -> str:
    """Where the lock files live."""
    return os.environ.get("LOCALKUBE_LOCK_DIR") or "/tmp"


def _try_lock(index: int):
    path = os.path.join(lock_dir(), f"localkube-net-{index}.lock")
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _recorded(state_dir: str) -> int | None:
    try:
        with open(os.path.join(state_dir, "network.json")) as handle:
            return int(json.load(handle)["index"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def acquire(state_dir: str) -> NetRange:
    """Lock a network index for this process (the recorded one first) and record it in the state directory."""
    previous = _recorded(state_dir)
    order = ([previous] if previous is not None and 0 <= previous <= MAX_INDEX else []) + \
        [k for k in range(MAX_INDEX + 1) if k != previous]
    for index in order:
        handle = _try_lock(index)
        if handle is not None:
            if previous is not None and index != previous:
                log.warning("network %d of this state directory is taken by another localkube; using %d (stored "
                            "Services keep their old cluster IPs)", previous, index)
            net = NetRange(index, handle)
            with open(os.path.join(state_dir, "network.json"), "w") as out:
                json.dump(net.describe(), out)
            return net
    raise RuntimeError(f"no free localkube network index (all {MAX_INDEX + 1} locks in {lock_dir()} are held)")
