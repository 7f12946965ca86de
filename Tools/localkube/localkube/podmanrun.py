"""`--container-runtime podman`: a container whose image is in podman's storage runs as `podman run --rm`.

With the option, the kubelet asks podman for every image of a new pod (`podman image exists REF`, then
`localhost/REF` when REF names no registry host). A container whose image is there runs as an attached
`podman run --rm` client, whose stdout/stderr are the container's log file and whose exit code is the container's;
the other containers (e.g. `flink:2.3.0`, which podman does not have) keep the image map's process mapping. Such a
container keeps the pod's semantics:

- `--network host` (no network namespace: the pod IP is one of the host's loopback addresses, as for processes), and
  `--bind-address <pod IP>` added to a toolbox image's `run` as launch.toolbox_argv does;
- the pod's hosts file bind-mounted read-only on /etc/hosts (Service names resolve; it is rewritten in place);
  `--hostname <pod name>`;
- every volumeMount bind-mounted at its mountPath (`subPath`, `readOnly`; ConfigMap and Secret volumes read-only,
  their files 0644 or `defaultMode`, emptyDir 0777 as a kubelet makes them), the service-account files at
  /var/run/secrets/kubernetes.io/serviceaccount, localkube's kubeconfig for the pod (with the CA and token paths it
  names rewritten to container paths) at /var/run/localkube/kubeconfig = `$KUBECONFIG`, the shared folder
  (`<state>/shared`) at its own path, and the image map's `paths` of a toolbox/dir image (e.g. /opt/jobs);
- the container's env (`$(VAR)` expanded, envFrom, fieldRef...) through an env file (multi-line values as arguments),
  on top of the image's ENV, plus `LOCALKUBE_POD_IP`;
- ENTRYPOINT/CMD: the effective command line (command or the image's ENTRYPOINT, then args, or the image's CMD when
  there is no command) is passed as `--entrypoint [argv0]` and arguments;
- securityContext (pod, then container): runAsUser/runAsGroup (`--user`), supplementalGroups/fsGroup
  (`--group-add`), readOnlyRootFilesystem (`--read-only`), runAsNonRoot (refuses root), capabilities,
  allowPrivilegeEscalation false (no-new-privileges), privileged; `--pull=never`.

Probes and status stay container.py's: httpGet/tcpSocket against the pod IP, `exec` through `podman exec`;
`containerID` is `podman://<name>`, `imageID` podman's image id.

Lifecycle: each start gets a unique name `lk-<pod uid>-<container>-<restart>` and the labels `localkube.state-dir`,
`localkube.instance` (one per localkube process) and the CRI's `io.kubernetes.pod.namespace/name/uid` and
`io.kubernetes.container.name`. SIGTERM to the client reaches the container (podman's sig-proxy), `--stop-timeout`
is the pod's grace period; SIGKILL goes to the container (`podman kill`), not to the client, whose
PR_SET_PDEATHSIG would kill the client alone. A client that died of a signal has its container removed. Startup
removes the containers of the state dir a crashed run left (`podman rm -f` by label, beside launch.kill_leftovers),
and a watchdog process (own session, reading a pipe localkube holds) removes this instance's containers as soon as
localkube ends, even by SIGKILL. `LOCALKUBE_PODMAN` names the podman executable (default `podman`); podman runs
with localkube's environment (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF...).
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import threading
from dataclasses import dataclass, field

import yaml

from .identity import SA_MOUNT

log = logging.getLogger("localkube.podman")
LABEL_STATE, LABEL_INSTANCE = "localkube.state-dir", "localkube.instance"
CONFIG_MOUNT = "/var/run/localkube"   # the pod's kubeconfig (and the files it names) inside the container
TOOLBOX_BINARIES = ("operator", "supervisor", "bootstrap")
READ_ONLY_KINDS = ("configMap", "secret", "projected", "downwardAPI")


def executable() -> str:
    """The podman executable (`LOCALKUBE_PODMAN`, default `podman`)."""
    return os.environ.get("LOCALKUBE_PODMAN") or "podman"


@dataclass
class PodmanImage:
    """An image found in podman's storage (type `podman`: the kubelet runs it with podman)."""
    reference: str                 # the reference podman knows (e.g. localhost/x:1)
    id: str = ""
    entrypoint: list = field(default_factory=list)
    cmd: list = field(default_factory=list)
    user: str = ""
    mapped: object = None          # the image map's Image of the pod's reference, or None
    type: str = "podman"


def has_registry(reference: str) -> bool:
    """True when the reference's first component is a registry host (has a '.' or ':', or is localhost)."""
    first, sep, _ = reference.partition("/")
    return bool(sep) and ("." in first or ":" in first or first == "localhost")


def candidates(reference: str) -> list[str]:
    """The references tried in podman's storage: the reference, then localhost/REF without a registry host."""
    if not reference:
        return []
    return [reference] if has_registry(reference) else [reference, f"localhost/{reference}"]


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([executable(), *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def find(reference: str, mapped=None) -> PodmanImage | None:
    """The image of a reference when podman's storage has it (`podman image exists`), with its config."""
    for candidate in candidates(reference):
        try:
            if _run(["image", "exists", candidate]).returncode != 0:
                continue
            out = _run(["image", "inspect", "--format", "{{json .}}", candidate])
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("podman image exists %s: %s", candidate, err)
            return None
        if out.returncode != 0:
            continue
        try:
            data = json.loads(out.stdout)
            data = data[0] if isinstance(data, list) else data
        except (ValueError, IndexError) as err:
            log.warning("podman image inspect %s: %s", candidate, err)
            continue
        config = data.get("Config") or {}
        return PodmanImage(candidate, data.get("Id", ""), list(config.get("Entrypoint") or []),
                           list(config.get("Cmd") or []), config.get("User") or "", mapped)
    return None


def background(args: list[str]) -> None:
    """Run podman in a thread (kill, rm): the tick does not wait for it."""
    def work():
        try:
            _run(args, timeout=120)
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("podman %s: %s", " ".join(args), err)
    threading.Thread(target=work, daemon=True).start()


def kill(name: str) -> None:
    """SIGKILL a container (its attached client then exits with 137; --rm removes it)."""
    background(["kill", "--signal", "KILL", name])


def remove(name: str) -> None:
    """Remove a container whatever its state."""
    background(["rm", "--force", "--ignore", "--time", "0", name])


class Podman:
    """The podman side of one localkube instance: leftovers, the watchdog, command lines."""

    def __init__(self, state_dir: str):
        self.state_dir = os.path.realpath(state_dir)
        self.instance = secrets.token_hex(8)
        self.watchdog: subprocess.Popen | None = None
        self.pipe: int | None = None

    @staticmethod
    def check() -> str:
        """podman's version; raises RuntimeError when it does not run."""
        try:
            out = _run(["version", "--format", "{{.Client.Version}}"], timeout=60)
        except (OSError, subprocess.SubprocessError) as err:
            raise RuntimeError(f"--container-runtime podman: {executable()} does not run: {err}") from err
        if out.returncode != 0:
            raise RuntimeError(f"--container-runtime podman: {executable()} version failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def remove_by_label(self, label: str, value: str) -> int:
        """`podman rm -f` of every container with the label; returns how many there were."""
        try:
            listed = _run(["ps", "--all", "--quiet", "--filter", f"label={label}={value}"])
            names = listed.stdout.split()
            if names:
                _run(["rm", "--force", "--ignore", "--time", "0", *names], timeout=120)
            return len(names)
        except (OSError, subprocess.SubprocessError) as err:
            log.warning("podman rm (label %s=%s): %s", label, value, err)
            return 0

    def remove_leftovers(self) -> int:
        """Remove the containers of this state dir (left by a crashed run)."""
        return self.remove_by_label(LABEL_STATE, self.state_dir)

    def remove_instance(self) -> int:
        """Remove the containers this localkube started."""
        return self.remove_by_label(LABEL_INSTANCE, self.instance)

    def start_watchdog(self) -> None:
        """A process in its own session that removes this instance's containers once localkube is gone: it reads a
        pipe whose write end only localkube holds, so EOF (exit, crash, SIGKILL) without `done` triggers it."""
        read, write = os.pipe()
        script = ('read -r line; [ "$line" = done ] && exit 0; '
                  'ids=$("$0" ps --all --quiet --filter "label=$1=$2"); '
                  '[ -n "$ids" ] && exec "$0" rm --force --ignore --time 0 $ids; exit 0')
        self.watchdog = subprocess.Popen(["/bin/sh", "-c", script, executable(), LABEL_INSTANCE, self.instance],
                                         stdin=read, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        os.close(read)
        self.pipe = write

    def close(self) -> None:
        """After every container stopped: tell the watchdog there is nothing to do."""
        if self.pipe is not None:
            try:
                os.write(self.pipe, b"done\n")
            except OSError:
                pass
            os.close(self.pipe)
            self.pipe = None
        if self.watchdog is not None:
            try:
                self.watchdog.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self.watchdog = None

    # ---- a container's command line ----------------------------------------------------------------------
    @staticmethod
    def name(pod: dict, container: str, restarts: int) -> str:
        """A unique container name per pod uid, container and start."""
        safe = re.sub(r"[^a-zA-Z0-9_.-]", "-", container)
        return f"lk-{pod['metadata']['uid']}-{safe}-{restarts}"

    def labels(self, pod: dict, container: str) -> dict[str, str]:
        """The labels of a container: localkube's (state dir, instance) and the CRI's pod/container ones."""
        meta = pod["metadata"]
        return {LABEL_STATE: self.state_dir, LABEL_INSTANCE: self.instance,
                "io.kubernetes.pod.namespace": meta.get("namespace", ""), "io.kubernetes.pod.name": meta["name"],
                "io.kubernetes.pod.uid": meta["uid"], "io.kubernetes.container.name": container}

    def command(self, ctx, container: dict, image: PodmanImage, env: dict, volumes: dict[str, str],
                sa_dir: str | None, restarts: int) -> tuple[list[str], str]:
        """The `podman run` argv of a container and the container's name (files it needs written in
        `<pod>/<container>/podman`)."""
        pod, spec = ctx.pod, container
        name = self.name(pod, spec["name"], restarts)
        stage = os.path.join(ctx.pod_dir, spec["name"], "podman")
        shutil.rmtree(stage, ignore_errors=True)
        os.makedirs(os.path.join(stage, "config"), mode=0o755)
        grace = pod["spec"].get("terminationGracePeriodSeconds", 30)
        argv = [executable(), "run", "--rm", "--pull=never", "--sig-proxy=true", "--network", "host",
                "--name", name, "--hostname", pod["metadata"]["name"], "--stop-timeout", str(int(grace))]
        for key, value in self.labels(pod, spec["name"]).items():
            argv += ["--label", f"{key}={value}"]
        argv += ["--volume", f"{ctx.hosts_file}:/etc/hosts:ro"]
        mounts = volume_mounts(pod, spec, volumes)
        targets = {target for _, target, _ in mounts}
        if sa_dir is not None and SA_MOUNT not in targets:
            copy = os.path.join(stage, "serviceaccount")
            _copy_tree(sa_dir, copy)
            mounts.append((copy, SA_MOUNT, True))
            targets.add(SA_MOUNT)
        container_config(ctx.kubeconfig, os.path.join(stage, "config"), sa_dir if SA_MOUNT in targets else None)
        mounts.append((os.path.join(stage, "config"), CONFIG_MOUNT, True))
        if ctx.shared_dir and ctx.shared_dir not in targets:
            os.makedirs(ctx.shared_dir, exist_ok=True)
            mounts.append((ctx.shared_dir, ctx.shared_dir, False))
        mapped = image.mapped
        if mapped is not None and mapped.type in ("toolbox", "dir"):
            for prefix, host in sorted(mapped.paths.items()):
                if prefix != "/" and prefix not in targets and os.path.exists(host):
                    mounts.append((host, prefix, True))
        for source, target, read_only in mounts:
            argv += ["--volume", f"{source}:{target}" + (":ro" if read_only else "")]
        full_env = {"KUBECONFIG": f"{CONFIG_MOUNT}/kubeconfig", "LOCALKUBE_POD_IP": ctx.pod_ip, **env}
        argv += env_options(full_env, os.path.join(stage, "env"))
        argv += security_options(pod, spec, image)
        if spec.get("workingDir"):
            argv += ["--workdir", spec["workingDir"]]
        command = effective_command(spec, image, full_env)
        argv += ["--entrypoint", json.dumps(command[:1]), image.reference, *command[1:]]
        return argv, name


def effective_command(spec: dict, image: PodmanImage, env: dict) -> list[str]:
    """ENTRYPOINT/CMD semantics (command replaces the entrypoint and drops the image's CMD, args replace the CMD),
    `$(VAR)` expanded, `--bind-address <pod IP>` added to a toolbox image's `run`."""
    from .podfs import expand
    if spec.get("command"):
        argv = list(spec["command"]) + list(spec.get("args") or [])
    else:
        argv = image.entrypoint + list(spec.get("args") or image.cmd)
    argv = [expand(str(a), env) for a in argv]
    if not argv:
        raise ValueError(f"container {spec['name']}: no command (image {image.reference} has no entrypoint)")
    if image.mapped is not None and image.mapped.type == "toolbox":
        argv = bind_toolbox(argv, env.get("LOCALKUBE_POD_IP", ""))
    return argv


def bind_toolbox(argv: list[str], pod_ip: str) -> list[str]:
    """`--bind-address <pod IP>` added to `<binary> [name] run ...` or `flinkctl <name> run ...` that sets none."""
    at = 1
    if len(argv) > at and argv[at] in TOOLBOX_BINARIES:
        at += 1
    if len(argv) > at and argv[at] == "run" and not any(
            a == "--bind-address" or a.startswith("--bind-address=") for a in argv):
        return argv + ["--bind-address", pod_ip]
    return argv


def volume_mounts(pod: dict, spec: dict, volumes: dict[str, str]) -> list[tuple[str, str, bool]]:
    """(host source, container path, read-only) of each volumeMount; volume files given a kubelet's modes."""
    kinds = {v["name"]: v for v in pod["spec"].get("volumes") or []}
    out = []
    for mount in spec.get("volumeMounts") or []:
        volume = kinds.get(mount.get("name")) or {}
        source = volumes.get(mount.get("name"))
        if source is None:
            from .podfs import MissingRef
            raise MissingRef(f'volume "{mount.get("name")}" not found')
        read_only = bool(mount.get("readOnly")) or any(k in volume for k in READ_ONLY_KINDS)
        if "emptyDir" in volume:
            os.chmod(source, 0o777)
        elif "configMap" in volume or "secret" in volume:
            src = volume.get("configMap") or volume.get("secret") or {}
            _modes(source, int(src.get("defaultMode", 0o644)))
        if mount.get("subPath"):
            source = os.path.join(source, mount["subPath"])
            if not os.path.exists(source):
                os.makedirs(source, exist_ok=True)
        out.append((source, mount["mountPath"].rstrip("/") or "/", read_only))
    return out


def _modes(folder: str, mode: int) -> None:
    """Folders 0755 and files `mode`, so a container's own user reads them (host files written by root)."""
    os.chmod(folder, 0o755)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), mode)


def _copy_tree(source: str, target: str) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)
    _modes(target, 0o644)


def container_config(kubeconfig: str, folder: str, sa_dir: str | None) -> None:
    """`folder/kubeconfig` (mounted at /var/run/localkube): the pod's kubeconfig with the files it names (CA, client
    certificate and key, token) as container paths, under the mounted service-account folder or copied beside it."""
    with open(kubeconfig) as handle:
        config = yaml.safe_load(handle) or {}
    base = os.path.dirname(os.path.abspath(kubeconfig))
    copied: dict[str, str] = {}

    def container_path(path: str) -> str:
        path = path if os.path.isabs(path) else os.path.join(base, path)
        if sa_dir is not None and os.path.dirname(path) == sa_dir.rstrip("/"):
            return f"{SA_MOUNT}/{os.path.basename(path)}"
        if path not in copied:
            name = f"{len(copied)}-{os.path.basename(path)}"
            shutil.copyfile(path, os.path.join(folder, name))
            os.chmod(os.path.join(folder, name), 0o644)
            copied[path] = f"{CONFIG_MOUNT}/{name}"
        return copied[path]
    for entry in config.get("clusters") or []:
        cluster = entry.get("cluster") or {}
        if cluster.get("certificate-authority"):
            cluster["certificate-authority"] = container_path(cluster["certificate-authority"])
    for entry in config.get("users") or []:
        user = entry.get("user") or {}
        for key in ("client-certificate", "client-key", "tokenFile"):
            if user.get(key):
                user[key] = container_path(user[key])
    path = os.path.join(folder, "kubeconfig")
    with open(path, "w") as handle:
        yaml.safe_dump(config, handle, sort_keys=False)
    os.chmod(path, 0o644)


def env_options(env: dict, env_file: str) -> list[str]:
    """`--env-file` (0600) for single-line values (not on the command line), `--env K=V` for multi-line ones."""
    lines, options = [], []
    for key, value in env.items():
        if "\n" in value or "\r" in value:
            options += ["--env", f"{key}={value}"]
        else:
            lines.append(f"{key}={value}\n")
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.writelines(lines)
    return ["--env-file", env_file, *options]


def security_options(pod: dict, spec: dict, image: PodmanImage) -> list[str]:
    """securityContext (the container's over the pod's) as podman options."""
    pod_sc = pod["spec"].get("securityContext") or {}
    sc = spec.get("securityContext") or {}

    def pick(key):
        return sc[key] if sc.get(key) is not None else pod_sc.get(key)
    out = []
    user, group = pick("runAsUser"), pick("runAsGroup")
    image_user, _, image_group = image.user.partition(":")
    if user is not None or group is not None:
        uid = str(user) if user is not None else (image_user or "0")
        gid = str(group) if group is not None else image_group
        out += ["--user", f"{uid}:{gid}" if gid else uid]
    if pick("runAsNonRoot"):
        uid = str(user) if user is not None else image_user
        if uid in ("", "0", "root"):
            raise ValueError(f"container {spec['name']}: container has runAsNonRoot and image will run as root")
    for gid in list(pod_sc.get("supplementalGroups") or []) + (
            [pod_sc["fsGroup"]] if pod_sc.get("fsGroup") is not None else []):
        out += ["--group-add", str(gid)]
    if sc.get("readOnlyRootFilesystem"):
        out.append("--read-only")
    if sc.get("privileged"):
        out.append("--privileged")
    if sc.get("allowPrivilegeEscalation") is False:
        out += ["--security-opt", "no-new-privileges"]
    caps = sc.get("capabilities") or {}
    for cap in caps.get("drop") or []:
        out += ["--cap-drop", str(cap)]
    for cap in caps.get("add") or []:
        out += ["--cap-add", str(cap)]
    return out
