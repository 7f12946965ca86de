"""Pod addresses, Service endpoints and the per-pod hosts files (the local cluster DNS).

- Pod IPs come from 127.1.0.0/16 (127.1.0.1 ... 127.1.255.254), Service cluster IPs from 127.2.0.0/16 (see
  builtins), so nothing ever takes 127.0.0.1 and every listener stays on the loopback network. Those are the ranges
  of network index 0; another localkube running at the same time gets 127.3/127.4 and so on (see netrange.py).
- Every pod gets `<pod-dir>/hosts`: the machine's /etc/hosts, its own name, and every Service as
  `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local` (short name only for its own
  namespace) pointing at the cluster IP (headless: the first ready pod). The file is rewritten in place
  when Services change and is bind-mounted on /etc/hosts in the pod's mount namespace (see launch.py).
"""
from __future__ import annotations

import os

from .selectors import label_matcher

SVC_KEY, POD_KEY, EP_KEY = ("", "services"), ("", "pods"), ("", "endpoints")
DOMAIN = "cluster.local"


def listening() -> set[tuple[str, int]]:
    """(IPv4 address, port) of every listening TCP socket (IPv4, and IPv4-mapped IPv6 as Java opens them)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = [line.split() for line in handle.readlines()[1:]]
        except OSError:
            continue
        for parts in rows:
            if len(parts) < 4 or parts[3] != "0A":
                continue
            addr, port = parts[1].split(":")
            if len(addr) == 32 and addr[:24] == "0000000000000000FFFF0000":
                addr = addr[24:]
            if len(addr) == 8:
                out.add((".".join(str(b) for b in reversed(bytes.fromhex(addr))), int(port, 16)))
    return out


def busy_ips() -> set[str]:
    """Local IPv4 addresses with a listening TCP socket on this machine (another localkube's pods)."""
    return {ip for ip, _ in listening()}


class PodIPs:
    """Allocates `<prefix>x.y` addresses, e.g. 127.1.x.y (skipping those another process listens on)."""

    def __init__(self, prefix: str = "127.1."):
        self.prefix = prefix
        self.used: set[str] = set()

    def allocate(self, wanted: str | None = None) -> str:
        """A free pod IP (`wanted` if it is a free pod address)."""
        busy = busy_ips()
        if wanted and wanted.startswith(self.prefix) and wanted not in self.used and wanted not in busy:
            self.used.add(wanted)
            return wanted
        for n in range(1, 65535):
            ip = f"{self.prefix}{n // 256}.{n % 256}"
            if n % 256 not in (0, 255) and ip not in self.used and ip not in busy:
                self.used.add(ip)
                return ip
        raise RuntimeError("no free pod IP")

    def release(self, ip: str | None) -> None:
        """Give an address back."""
        self.used.discard(ip)


def pod_ready(pod: dict) -> bool:
    """Ready condition True, not terminating, with an IP."""
    if pod["metadata"].get("deletionTimestamp") or not (pod.get("status") or {}).get("podIP"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def selected_pods(store, svc: dict) -> list[dict]:
    """Pods of the Service's namespace matched by its selector (none without a selector)."""
    selector = (svc.get("spec") or {}).get("selector")
    if not selector:
        return []
    match = label_matcher(",".join(f"{k}={v}" for k, v in selector.items()))
    return [p for p in store.items(POD_KEY, svc["metadata"].get("namespace", "")) if match(p)]


def target_port(pod: dict, port: dict) -> int | None:
    """The container port a Service port's targetPort (number or name) means for a pod."""
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    for container in (pod.get("spec") or {}).get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target:
                return int(cport["containerPort"])
    return None


def endpoints_subsets(store, svc: dict) -> list[dict]:
    """The `subsets` of the Service's Endpoints: ready and not-ready addresses with the resolved ports."""
    ready, not_ready, ports = [], [], []
    for pod in selected_pods(store, svc):
        ip = (pod.get("status") or {}).get("podIP")
        if not ip or pod["metadata"].get("deletionTimestamp") or \
                (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        address = {"ip": ip, "nodeName": "localkube", "targetRef": {
            "kind": "Pod", "namespace": pod["metadata"].get("namespace"), "name": pod["metadata"]["name"],
            "uid": pod["metadata"].get("uid")}}
        (ready if pod_ready(pod) else not_ready).append(address)
        if not ports:
            ports = [{k: v for k, v in {"name": p.get("name"), "port": target_port(pod, p),
                                        "protocol": p.get("protocol", "TCP")}.items() if v is not None}
                     for p in (svc.get("spec") or {}).get("ports") or [] if target_port(pod, p)]
    if not ready and not not_ready:
        return []
    subset = {"ports": ports}
    if ready:
        subset["addresses"] = sorted(ready, key=lambda a: a["ip"])
    if not_ready:
        subset["notReadyAddresses"] = sorted(not_ready, key=lambda a: a["ip"])
    return [subset]


def service_lines(store) -> dict[str, list[tuple[str, list[str], list[str]]]]:
    """namespace -> [(ip, short names, qualified names)] of every Service with an address."""
    out: dict[str, list] = {}
    for svc in store.items(SVC_KEY):
        ns, name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
        ip = (svc.get("spec") or {}).get("clusterIP")
        if ip in (None, "", "None"):
            ready = [p["status"]["podIP"] for p in selected_pods(store, svc) if pod_ready(p)]
            ip = ready[0] if ready else None
        if not ip:
            continue
        full = [f"{name}.{ns}", f"{name}.{ns}.svc", f"{name}.{ns}.svc.{DOMAIN}"]
        out.setdefault(ns, []).append((ip, [name], full))
    return out


class HostsFiles:
    """Writes and refreshes the pods' hosts files."""

    def __init__(self):
        try:
            with open("/etc/hosts") as handle:
                self.machine = handle.read()
        except OSError:
            self.machine = "127.0.0.1 localhost\n"

    def machine_lines(self) -> list[str]:
        """The machine's hosts file without the name `localhost`. In a pod, localhost is the pod's own network
        namespace; here every pod shares the host's loopback, so `localhost` names the pod IP, where the pod's
        servers listen (Flink 1.x's jar run uploads to its BlobServer at `localhost`)."""
        out = []
        for line in self.machine.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) > 1 and "localhost" in fields[1:]:
                names = [name for name in fields[1:] if name != "localhost"]
                if names:
                    out.append("\t".join([fields[0], " ".join(names)]))
            else:
                out.append(line)
        return out

    def content(self, lines: dict, ns: str, pod_name: str, pod_ip: str) -> str:
        """The hosts file of one pod."""
        out = ["# Kubernetes-managed hosts file (localkube).", *self.machine_lines(),
               f"{pod_ip}\tlocalhost {pod_name}"]
        for other, entries in sorted(lines.items()):
            for ip, short, full in entries:
                names = (short + full) if other == ns else full
                out.append(f"{ip}\t{' '.join(names)}")
        return "\n".join(out) + "\n"

    @staticmethod
    def write(path: str, text: str) -> None:
        """Rewrite in place (same inode: the bind mount on /etc/hosts sees the new content)."""
        if os.path.exists(path):
            with open(path, "r+") as handle:
                if handle.read() == text:
                    return
                handle.seek(0)
                handle.write(text)
                handle.truncate()
        else:
            with open(path, "w") as handle:
                handle.write(text)
