"""Who sends a request to the secure port: service-account tokens, client certificates, the static token.

A service-account token is `lksa.<base64url namespace:name>.<HMAC-SHA256>`, signed with a key kept in the state
directory (`sa.key`), so tokens survive a restart of localkube, as legacy Secret-based tokens do. Each pod gets the
files Kubernetes mounts at /var/run/secrets/kubernetes.io/serviceaccount (token, ca.crt, namespace) in its folder,
and a kubeconfig for the secure port that reads that token file, unless automountServiceAccountToken is false.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field

import yaml

from .errors import ApiError

SA_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_KEY = ("", "serviceaccounts")
ANONYMOUS = "system:anonymous"


@dataclass(frozen=True)
class User:
    """An authenticated (or anonymous) requester."""
    name: str
    groups: tuple = field(default_factory=tuple)

    @property
    def is_admin(self) -> bool:
        """Members of system:masters pass every authorization check, as on a real API server."""
        return "system:masters" in self.groups


ADMIN = User("localkube-admin", ("system:masters", "system:authenticated"))
ANONYMOUS_USER = User(ANONYMOUS, ("system:unauthenticated",))


def service_account_user(ns: str, name: str) -> User:
    """The user of a service account token, with the groups Kubernetes gives it."""
    return User(f"system:serviceaccount:{ns}:{name}",
                ("system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"))


class Tokens:
    """Issues and checks service-account tokens."""

    def __init__(self, state_dir: str):
        path = os.path.join(state_dir, "sa.key")
        if not os.path.exists(path):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
        with open(path) as handle:
            self.key = handle.read().strip().encode()

    def _mac(self, payload: str) -> str:
        return hmac.new(self.key, payload.encode(), hashlib.sha256).hexdigest()

    def issue(self, ns: str, name: str) -> str:
        """The token of service account ns/name."""
        payload = base64.urlsafe_b64encode(f"{ns}:{name}".encode()).decode().rstrip("=")
        return f"lksa.{payload}.{self._mac(payload)}"

    def verify(self, token: str) -> tuple[str, str] | None:
        """(namespace, name) of a valid token, else None."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != "lksa" or not hmac.compare_digest(parts[2], self._mac(parts[1])):
            return None
        try:
            ns, name = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode().split(":", 1)
        except (ValueError, UnicodeDecodeError):
            return None
        return ns, name


def authenticate(request, tokens: Tokens, static_token: str | None) -> User:
    """The user of a secure-port request: bearer token (service account or the static one), else the client
    certificate (CN = user, O = groups), else anonymous. A bearer token that is not valid is a 401."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[len("Bearer "):].strip()
        if static_token is not None and hmac.compare_digest(token, static_token):
            return ADMIN
        found = tokens.verify(token)
        if found is None:
            raise ApiError(401, "Unauthorized", "Unauthorized")
        return service_account_user(*found)
    cert = request.transport.get_extra_info("peercert") if request.transport is not None else None
    if cert:
        name, groups = "", []
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    name = value
                elif key == "organizationName":
                    groups.append(value)
        return User(name, tuple(groups) + ("system:authenticated",))
    return ANONYMOUS_USER


def automount(pod: dict, store) -> bool:
    """automountServiceAccountToken of the pod, else of its service account, else true."""
    spec = pod.get("spec") or {}
    if spec.get("automountServiceAccountToken") is not None:
        return bool(spec["automountServiceAccountToken"])
    sa = store.peek(SA_KEY, pod["metadata"].get("namespace", ""), spec.get("serviceAccountName") or "default")
    if sa is not None and sa.get("automountServiceAccountToken") is not None:
        return bool(sa["automountServiceAccountToken"])
    return True


def pod_credentials(pod: dict, pod_dir: str, store, tokens: Tokens, secure_url: str, ca_file: str) -> tuple:
    """Write the pod's service-account files and its kubeconfig; returns (kubeconfig path, SA folder or None)."""
    ns = pod["metadata"].get("namespace", "default")
    sa_name = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    sa_dir = os.path.join(pod_dir, "serviceaccount")
    mounted = automount(pod, store)
    user: dict = {}
    if mounted:
        os.makedirs(sa_dir, exist_ok=True)
        with open(ca_file, "rb") as handle:
            ca = handle.read()
        for name, data in (("token", tokens.issue(ns, sa_name).encode()), ("ca.crt", ca), ("namespace", ns.encode())):
            _write(os.path.join(sa_dir, name), data)
        user = {"tokenFile": os.path.join(sa_dir, "token")}
    config = {"apiVersion": "v1", "kind": "Config", "preferences": {},
              "clusters": [{"name": "localkube", "cluster": {"server": secure_url, "certificate-authority": ca_file}}],
              "users": [{"name": sa_name, "user": user}],
              "contexts": [{"name": "localkube", "context": {"cluster": "localkube", "user": sa_name,
                                                             "namespace": ns}}],
              "current-context": "localkube"}
    path = os.path.join(pod_dir, "kubeconfig")
    _write(path, yaml.safe_dump(config, sort_keys=False).encode())
    return path, sa_dir if mounted else None


def _write(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
