"""RBAC authorization of secure-port requests: Role/ClusterRole rules through RoleBindings and ClusterRoleBindings.

The bindings are indexed by subject (rebuilt only after a binding changed); roles are looked up by name. The
defaults a real API server bootstraps (system:discovery, system:public-info-viewer, system:basic-user) are built in.
Every distinct decision of a non-admin user is appended once to `<state>/authz-audit.jsonl`, so tests can show that
the toolbox's roles are sufficient (nothing denied) and minimal (each rule allowed something that was asked).
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass

from .errors import ApiError, qualified
from .identity import User

log = logging.getLogger("localkube.rbac")
RBAC = "rbac.authorization.k8s.io"
ROLE_KEY, CLUSTERROLE_KEY = (RBAC, "roles"), (RBAC, "clusterroles")
RB_KEY, CRB_KEY = (RBAC, "rolebindings"), (RBAC, "clusterrolebindings")
AUDIT_FILE = "authz-audit.jsonl"

# The bootstrap roles every API server has (cluster role -> group bound to it by default).
PUBLIC_INFO = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
DEFAULT_RULES = {
    "system:unauthenticated": [{"verbs": ["get"], "nonResourceURLs": PUBLIC_INFO}],
    "system:authenticated": [
        {"verbs": ["get"], "nonResourceURLs": PUBLIC_INFO + ["/api", "/api/*", "/apis", "/apis/*", "/openapi",
                                                            "/openapi/*"]},
        {"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
         "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]}],
}


@dataclass(frozen=True)
class Attributes:
    """What a request asks to do (the fields of a SubjectAccessReview)."""
    verb: str
    group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""  # set for non-resource requests

    @property
    def is_resource(self) -> bool:
        """Whether this names a resource (else a non-resource URL)."""
        return not self.path


def request_verb(method: str, named: bool, watch: bool) -> str:
    """The RBAC verb of a resource request."""
    if method in ("GET", "HEAD"):
        return "watch" if watch else ("get" if named else "list")
    if method == "DELETE":
        return "delete" if named else "deletecollection"
    return {"POST": "create", "PUT": "update", "PATCH": "patch"}.get(method, method.lower())


def rule_allows(rule: dict, attrs: Attributes) -> bool:
    """Whether one PolicyRule covers the request (as the real RBAC authorizer matches)."""
    verbs = rule.get("verbs") or []
    if "*" not in verbs and attrs.verb not in verbs:
        return False
    if not attrs.is_resource:
        return any(u == "*" or u == attrs.path or (u.endswith("*") and attrs.path.startswith(u[:-1]))
                   for u in rule.get("nonResourceURLs") or [])
    groups = rule.get("apiGroups")
    if groups is None or ("*" not in groups and attrs.group not in groups):
        return False
    wanted = attrs.resource + (f"/{attrs.subresource}" if attrs.subresource else "")
    resources = rule.get("resources") or []
    if not any(r == "*" or r == wanted or (attrs.subresource and r == f"*/{attrs.subresource}") for r in resources):
        return False
    names = rule.get("resourceNames") or []
    return not names or attrs.name in names


class Authorizer:
    """Decides requests from the stored RBAC objects and records the decisions."""

    def __init__(self, store, state_dir: str | None):
        self.store = store
        self.seen_generation: tuple | None = None
        self.cluster: dict[tuple, list[str]] = {}       # subject -> ClusterRole names
        self.namespaced: dict[tuple, list[tuple]] = {}  # (namespace, subject) -> [(kind, role name)]
        self.audit_path = os.path.join(state_dir, AUDIT_FILE) if state_dir else None
        self.recorded: set[tuple] = set()

    # ---- the index -----------------------------------------------------------------------
    def _refresh(self) -> None:
        generation = (self.store.generations.get(RB_KEY, 0), self.store.generations.get(CRB_KEY, 0))
        if generation == self.seen_generation:
            return
        self.cluster, self.namespaced = {}, {}
        for crb in self.store.items(CRB_KEY):
            ref = crb.get("roleRef") or {}
            if ref.get("kind") == "ClusterRole":
                for subject in _subjects(crb, ""):
                    self.cluster.setdefault(subject, []).append(ref.get("name", ""))
        for rb in self.store.items(RB_KEY):
            ns, ref = rb["metadata"].get("namespace", ""), rb.get("roleRef") or {}
            for subject in _subjects(rb, ns):
                self.namespaced.setdefault((ns, subject), []).append((ref.get("kind", ""), ref.get("name", "")))
        self.seen_generation = generation

    def rules_for(self, user: User, namespace: str) -> list[tuple[str, dict]]:
        """(role description, rule) of every rule that applies to the user in the namespace ('' = cluster)."""
        self._refresh()
        subjects = [("User", user.name)] + [("Group", g) for g in user.groups]
        out = [(f"default {g}", rule) for g in user.groups for rule in DEFAULT_RULES.get(g, [])]
        for subject in subjects:
            for name in self.cluster.get(subject, []):
                role = self.store.peek(CLUSTERROLE_KEY, "", name)
                out += [(f"ClusterRole {name}", r) for r in (role or {}).get("rules") or []]
            if not namespace:
                continue
            for kind, name in self.namespaced.get((namespace, subject), []):
                role = self.store.peek(ROLE_KEY, namespace, name) if kind == "Role" else \
                    self.store.peek(CLUSTERROLE_KEY, "", name)
                out += [(f"{kind} {namespace + '/' if kind == 'Role' else ''}{name}", r)
                        for r in (role or {}).get("rules") or []]
        return out

    # ---- decisions -----------------------------------------------------------------------
    def allowed(self, user: User, attrs: Attributes) -> bool:
        """The decision, without recording it."""
        if user.is_admin:
            return True
        return any(rule_allows(rule, attrs) for _, rule in self.rules_for(user, attrs.namespace))

    def authorize(self, user: User, attrs: Attributes) -> None:
        """Record the decision; raise the real API server's 403 when it is a denial."""
        ok = self.allowed(user, attrs)
        if not user.is_admin:
            self._record(user, attrs, ok)
        if not ok:
            log.warning("RBAC: denied %s %s", user.name, attrs)
            raise forbidden(user, attrs)

    def _record(self, user: User, attrs: Attributes, ok: bool) -> None:
        key = (user.name, attrs, ok)
        if self.audit_path is None or key in self.recorded:
            return
        self.recorded.add(key)
        entry = {"time": round(time.time(), 3), "user": user.name, **asdict(attrs), "allowed": ok}
        with open(self.audit_path, "a") as handle:
            handle.write(json.dumps(entry, separators=(",", ":")) + "\n")


def forbidden(user: User, attrs: Attributes) -> ApiError:
    """403 Forbidden with the message and details the real API server gives."""
    who = f'User "{user.name}"'
    if not attrs.is_resource:
        return ApiError(403, f'forbidden: {who} cannot {attrs.verb} path "{attrs.path}"', "Forbidden", {})
    what = qualified(attrs.resource, attrs.group) + (f' "{attrs.name}"' if attrs.name else "")
    resource = attrs.resource + (f"/{attrs.subresource}" if attrs.subresource else "")
    scope = f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
    details = {"group": attrs.group, "kind": attrs.resource}
    if attrs.name:
        details = {"name": attrs.name, **details}
    return ApiError(403, f'{what} is forbidden: {who} cannot {attrs.verb} resource "{resource}" in API group '
                         f'"{attrs.group}" {scope}', "Forbidden", details)


def _subjects(binding: dict, binding_ns: str) -> list[tuple]:
    out = []
    for subject in binding.get("subjects") or []:
        kind, name = subject.get("kind"), subject.get("name", "")
        if kind == "ServiceAccount":
            out.append(("User", f"system:serviceaccount:{subject.get('namespace') or binding_ns}:{name}"))
        elif kind in ("User", "Group"):
            out.append((kind, name))
    return out


def attributes_of(method: str, path: str, query) -> Attributes:
    """The request attributes of a URL, parsed as the real API server's RequestInfo (no registry lookup: a
    request for an unknown resource is authorized before it is found missing)."""
    segs = [s for s in path.split("/") if s]
    if len(segs) >= 3 and segs[0] == "api":
        group, rest = "", segs[2:]
    elif len(segs) >= 4 and segs[0] == "apis":
        group, rest = segs[1], segs[3:]
    else:
        return Attributes(method.lower(), path=path)
    watch = rest[0] == "watch"
    if watch:
        rest = rest[1:]
    ns = ""
    if rest and rest[0] == "namespaces":
        if len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        elif len(rest) == 2:
            ns = rest[1]
    if not rest:
        return Attributes(method.lower(), path=path)
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    watch = watch or (method == "GET" and str(query.get("watch", "")).lower() in ("true", "1"))
    return Attributes(request_verb(method, bool(name), watch), group, rest[0], sub, ns, name)
