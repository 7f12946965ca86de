"""From a pod's container to a local process: argv, environment, private /etc/hosts, pid files, signals.

Every container runs in its own session (process group) with PR_SET_PDEATHSIG=SIGKILL, so it dies with
localkube even after a crash; its pid (and start time) is kept in `<pod-dir>/<container>.pid` so that the
next localkube start kills what a crashed run left. When the machine allows it (root, `unshare`), the process
gets a private mount namespace in which the pod's hosts file is bind-mounted on /etc/hosts: Service names
then resolve to their cluster IPs for every program (Java, Swift, shell) as kubelet-managed /etc/hosts do.
"""
from __future__ import annotations

import ctypes
import glob
import os
import signal
import subprocess
from dataclasses import dataclass

from . import flinkimage
from .images import Image
from .podfs import PathMap, expand

WRAP = 'mount --bind "$0" /etc/hosts && exec "$@"'
_LIBC = ctypes.CDLL(None, use_errno=True)
TOOLBOX_BINARIES = ("operator", "supervisor", "bootstrap")


@dataclass
class Context:
    """What a container needs from its pod."""
    pod: dict
    pod_dir: str
    pod_ip: str
    hosts_file: str
    kubeconfig: str
    shared_dir: str


def namespaces_available() -> bool:
    """True when `unshare --mount` and bind mounts work here (root in a permissive container)."""
    try:
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               "mount --bind /etc/hosts /etc/hosts"], capture_output=True, timeout=10,
                              stdin=subprocess.DEVNULL).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _docker_argv(container: dict, image: Image) -> list[str]:
    """ENTRYPOINT/CMD semantics: command replaces the entrypoint, args replace the cmd."""
    if container.get("command"):
        return list(container["command"]) + list(container.get("args") or [])
    return image.entrypoint + list(container.get("args") or image.cmd)


def toolbox_argv(argv: list[str], image: Image, pod_ip: str) -> list[str]:
    """`operator run ...` (or `flinkctl operator run`, or just `run ...` with the image naming the binary). An image
    whose ENTRYPOINT is flinkctl (the all-in-one image) runs flinkctl itself, which execs the executable beside it."""
    argv = list(argv)
    if argv and os.path.basename(argv[0]) == "flinkctl" and image.entrypoint[:1] == ["flinkctl"]:
        argv[0] = os.path.join(image.root, "flinkctl")
        return _bind(argv, 2, pod_ip)
    if argv and os.path.basename(argv[0]) == "flinkctl":
        argv = argv[1:]
    if not argv or os.path.basename(argv[0]) not in TOOLBOX_BINARIES:
        name = image.reference.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
        binary = name.rsplit("-", 1)[-1] if name.rsplit("-", 1)[-1] in TOOLBOX_BINARIES else "operator"
        argv = [binary, *argv]
    argv[0] = os.path.join(image.root, os.path.basename(argv[0]))
    return _bind(argv, 1, pod_ip)


def _bind(argv: list[str], run_at: int, pod_ip: str) -> list[str]:
    """`--bind-address <pod IP>` added to a `run` (at argv[run_at]) that sets none."""
    if len(argv) > run_at and argv[run_at] == "run" and not any(
            a == "--bind-address" or a.startswith("--bind-address=") for a in argv):
        argv += ["--bind-address", pod_ip]
    return argv


def build(ctx: Context, container: dict, image: Image, env: dict, mounts: dict[str, str]) -> tuple[list, dict]:
    """The argv and full environment of a container process."""
    name = container["name"]
    work = os.path.join(ctx.pod_dir, name)
    paths = dict(image.paths)
    if image.type == "dir" and image.root != "/":
        paths.setdefault("/", image.root)
    pmap = PathMap(mounts, paths, image.root if image.type == "jobs" else None, host_dirs=(ctx.shared_dir,))
    full = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": os.path.join(ctx.pod_dir, "home"),
            "TMPDIR": os.path.join(ctx.pod_dir, "tmp"), "HOSTNAME": ctx.pod["metadata"]["name"],
            "KUBECONFIG": ctx.kubeconfig, "LOCALKUBE_POD_DIR": ctx.pod_dir,
            "LOCALKUBE_ROOT": os.path.join(work, "root"), "LOCALKUBE_IMAGE_DIR": image.root,
            "LOCALKUBE_POD_IP": ctx.pod_ip, "LOCALKUBE_HOSTS_FILE": ctx.hosts_file}
    for key in ("JAVA_HOME", "LANG", "LC_ALL", "USER"):
        if key in os.environ:
            full[key] = os.environ[key]
    full.update(image.env)
    full.update(env)
    argv = [expand(a, full) for a in _docker_argv(container, image)]
    if image.type == "toolbox":
        argv = toolbox_argv(argv, image, ctx.pod_ip)
        full.update({k: pmap.rewrite(v) for k, v in env.items()})
    elif image.type == "flink":
        if argv and os.path.basename(argv[0]) in ("docker-entrypoint.sh", "entrypoint.sh"):
            argv = argv[1:]
        argv, extra = flinkimage.command(image.root, os.path.join(work, "flink"), ctx.pod_ip, ctx.shared_dir,
                                         argv, full, ctx.pod["metadata"]["name"])
        full.update(extra)
    if not argv:
        raise ValueError(f"container {name}: no command (image {image.reference} has no entrypoint)")
    # A toolbox image's executable is a host path localkube chose itself: never map it into a volume (a pod with an
    # emptyDir on /tmp would otherwise hide executables built under /tmp).
    keep = 1 if image.type == "toolbox" else 0
    argv = argv[:keep] + [pmap.rewrite(a) for a in argv[keep:]]
    return argv, full


def _child_setup() -> None:
    """In the child: die with the parent (SIGKILL), SIGTERM/SIGINT unblocked."""
    _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    signal.pthread_sigmask(signal.SIG_SETMASK, set())


def spawn(argv: list[str], env: dict, log_path: str, cwd: str, hosts_file: str | None) -> subprocess.Popen:
    """Start a container process (stdout+stderr appended to log_path) in a new session."""
    if hosts_file:
        argv = ["unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", WRAP, hosts_file, *argv]
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_child_setup)


def start_time(pid: int) -> str:
    """The kernel start time of a process (to tell a recycled pid apart), or '' when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def write_pid(path: str, pid: int) -> None:
    """Record a started process."""
    with open(path, "w") as handle:
        handle.write(f"{pid} {start_time(pid)}\n")


def signal_group(pid: int, sig: int) -> None:
    """Send a signal to the process group of a container (its session), ignoring gone processes."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def kill_leftovers(pods_dir: str) -> int:
    """SIGKILL the processes of pid files left by a previous run; returns how many were alive."""
    killed = 0
    for path in glob.glob(os.path.join(pods_dir, "*", "*.pid")):
        try:
            pid_text, started = (open(path).read().split() + [""])[:2]
            pid = int(pid_text)
        except (OSError, ValueError):
            pid, started = 0, ""
        if pid > 1 and started and start_time(pid) == started:
            signal_group(pid, signal.SIGKILL)
            killed += 1
        os.remove(path)
    return killed
