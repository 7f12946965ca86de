"""Process checks shared by the runtime tests and the stand-in podman (fakepodman.py, run as a script)."""
from __future__ import annotations


def alive(pid: int) -> bool:
    """The process exists (and is not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
