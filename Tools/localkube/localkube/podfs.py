"""A pod's own folder: ConfigMap/Secret/emptyDir volumes, container paths and environment variables.

Layout of `<state>/pods/<namespace>_<name>_<uid>/`:
  volumes/<volume>/...            materialised volume content (keys -> files, `items`)
  <container>/root/<mountPath>    symlinks to the volume content (`subPath` selects a file or folder)
  logs/<container>.log            stdout+stderr of the running container (`.previous.log`: the one before)
  home/, tmp/                     HOME and TMPDIR of the containers; flink/ (conf, logs) for Flink images
"""
from __future__ import annotations

import base64
import os
import re
import shutil

CM_KEY, SECRET_KEY = ("", "configmaps"), ("", "secrets")
VAR_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\$")


class MissingRef(Exception):
    """A referenced ConfigMap, Secret or key does not exist (the pod waits: CreateContainerConfigError)."""


def _source(store, ns: str, kind: str, name: str) -> dict | None:
    key = CM_KEY if kind == "configmap" else SECRET_KEY
    obj = store.peek(key, ns, name)
    if obj is None:
        return None
    if kind == "configmap":
        out = {k: v.encode() for k, v in (obj.get("data") or {}).items()}
        out.update({k: base64.b64decode(v) for k, v in (obj.get("binaryData") or {}).items()})
        return out
    out = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
    out.update({k: v.encode() for k, v in (obj.get("stringData") or {}).items()})
    return out


def _volume_data(store, ns: str, volume: dict) -> dict | None:
    """The files (relative path -> bytes) of a ConfigMap/Secret volume; None for other kinds."""
    if "configMap" in volume or "secret" in volume:
        kind = "configmap" if "configMap" in volume else "secret"
        src = volume.get("configMap") or volume.get("secret") or {}
        name = src.get("name") if kind == "configmap" else src.get("secretName")
        data = _source(store, ns, kind, name or "")
        if data is None:
            if src.get("optional"):
                return {}
            raise MissingRef(f'{kind} "{name}" not found')
        if not src.get("items"):
            return data
        files = {}
        for item in src["items"]:
            if item.get("key") not in data:
                if src.get("optional"):
                    continue
                raise MissingRef(f'key "{item.get("key")}" not found in {kind} "{name}"')
            files[item.get("path") or item["key"]] = data[item["key"]]
        return files
    return None


def materialise_volumes(store, pod: dict, pod_dir: str) -> dict[str, str]:
    """Write every volume of the pod into `pod_dir/volumes`; returns volume name -> host folder."""
    ns = pod["metadata"].get("namespace", "")
    out = {}
    for volume in pod["spec"].get("volumes") or []:
        target = os.path.join(pod_dir, "volumes", volume["name"])
        if "hostPath" in volume:
            out[volume["name"]] = volume["hostPath"].get("path", "/")
            continue
        files = _volume_data(store, ns, volume)
        if files is not None and os.path.isdir(target):
            shutil.rmtree(target)
        os.makedirs(target, exist_ok=True)
        for rel, content in (files or {}).items():
            path = os.path.join(target, rel.lstrip("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(content)
        out[volume["name"]] = target
    return out


def mount_container(container: dict, volumes: dict[str, str], root: str) -> dict[str, str]:
    """Symlink each volumeMount under `root` (the container's root); returns mountPath -> path under root."""
    mounts = {}
    for mount in container.get("volumeMounts") or []:
        source = volumes.get(mount.get("name"))
        if source is None:
            raise MissingRef(f'volume "{mount.get("name")}" not found')
        if mount.get("subPath"):
            source = os.path.join(source, mount["subPath"])
        link = os.path.join(root, mount["mountPath"].lstrip("/"))
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(source, link)
        mounts[mount["mountPath"].rstrip("/") or "/"] = link
    return mounts


class PathMap:
    """Resolves absolute container paths: volume mounts first, then the image's path prefixes."""

    def __init__(self, mounts: dict[str, str], image_paths: dict[str, str], jar_root: str | None = None,
                 host_dirs: tuple[str, ...] = ()):
        self.prefixes = sorted(list(mounts.items()) + [(k, v) for k, v in image_paths.items() if k not in mounts],
                               key=lambda kv: -len(kv[0]))
        self.jar_root = jar_root
        # Folders localkube itself hands out as host paths (its shared folder): already host paths, never mapped (a
        # pod with an emptyDir on /tmp must not capture a shared path that happens to lie under the host's /tmp).
        self.host_dirs = tuple(d.rstrip("/") for d in host_dirs)

    def resolve(self, path: str) -> str | None:
        """The host path of an absolute container path, or None when no mount or image prefix covers it."""
        if not path.startswith("/"):
            return None
        if any(path == d or path.startswith(d + "/") for d in self.host_dirs):
            return path
        for prefix, host in self.prefixes:
            if prefix == "/" or path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix):].lstrip("/") if prefix != "/" else path.lstrip("/")
                found = os.path.join(host, rest) if rest else host
                return self._jar_fallback(found, path)
        return None

    def _jar_fallback(self, found: str, path: str) -> str:
        """A missing `*.jar` of a jobs image is the image's only jar (so `/flink-jobs.jar` works)."""
        if self.jar_root and path.endswith(".jar") and not os.path.exists(found):
            jars = sorted(f for f in os.listdir(self.jar_root) if f.endswith(".jar")) \
                if os.path.isdir(self.jar_root) else []
            if len(jars) == 1:
                return os.path.join(self.jar_root, jars[0])
        return found

    def rewrite(self, arg: str) -> str:
        """An argument with a mapped absolute path (`/p`, `--opt=/p`, `file:///p`) rewritten to the host."""
        for lead in ("file://", ""):
            head, sep, tail = arg.partition("=") if arg.startswith("-") and "=" in arg else ("", "", arg)
            if tail.startswith(lead + "/"):
                host = self.resolve(tail[len(lead):])
                if host is not None:
                    return head + sep + lead + host
        return arg


def expand(value: str, env: dict) -> str:
    """Kubernetes `$(VAR)` expansion (unknown references stay as they are, `$$` is `$`)."""
    def sub(match):
        if match.group(0) == "$$":
            return "$"
        return env.get(match.group(1), match.group(0))
    return VAR_REF.sub(sub, value)


def _field(pod: dict, path: str) -> str:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    simple = {"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
              "metadata.uid": meta.get("uid"), "status.podIP": status.get("podIP"),
              "status.hostIP": status.get("hostIP"), "spec.nodeName": spec.get("nodeName"),
              "spec.serviceAccountName": spec.get("serviceAccountName")}
    if path in simple:
        return simple[path] or ""
    found = re.match(r"metadata\.(labels|annotations)\['(.+)'\]$", path)
    return (meta.get(found.group(1)) or {}).get(found.group(2), "") if found else ""


def container_env(store, pod: dict, container: dict) -> dict[str, str]:
    """envFrom then env of a container, with fieldRef, configMapKeyRef and secretKeyRef values."""
    ns, env = pod["metadata"].get("namespace", ""), {}
    for src in container.get("envFrom") or []:
        kind = "configmap" if "configMapRef" in src else "secret"
        ref = src.get("configMapRef") or src.get("secretRef") or {}
        data = _source(store, ns, kind, ref.get("name", ""))
        if data is None and not ref.get("optional"):
            raise MissingRef(f'{kind} "{ref.get("name")}" not found')
        env.update({(src.get("prefix") or "") + k: v.decode(errors="replace") for k, v in (data or {}).items()})
    for var in container.get("env") or []:
        if "valueFrom" not in var:
            env[var["name"]] = expand(str(var.get("value", "")), env)
            continue
        frm = var["valueFrom"]
        if "fieldRef" in frm:
            env[var["name"]] = _field(pod, frm["fieldRef"].get("fieldPath", ""))
        elif "configMapKeyRef" in frm or "secretKeyRef" in frm:
            kind = "configmap" if "configMapKeyRef" in frm else "secret"
            ref = frm.get("configMapKeyRef") or frm.get("secretKeyRef")
            data = _source(store, ns, kind, ref.get("name", "")) or {}
            if ref.get("key") in data:
                env[var["name"]] = data[ref["key"]].decode(errors="replace")
            elif not ref.get("optional"):
                raise MissingRef(f'key "{ref.get("key")}" of {kind} "{ref.get("name")}" not found')
        else:
            env[var["name"]] = ""
    return env
