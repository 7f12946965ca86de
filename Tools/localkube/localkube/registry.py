"""Resource types served by localkube: the built-in kinds and those registered by CRDs."""
from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
SUB_VERBS = ["get", "patch", "update"]


@dataclass
class ResourceType:
    """One REST resource (group/version/plural) and how it behaves."""

    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    status: bool = False            # has a /status subresource
    scale: dict | None = None       # scale subresource paths (CRD style)
    log: bool = False               # pods/log
    definition: str | None = None   # key in the Kubernetes JSON schema definitions
    crd_schema: dict | None = None  # openAPIV3Schema of a custom resource
    printer_columns: list | None = None
    generation: bool = False        # maintains metadata.generation
    custom: bool = False
    unconditional_update: bool = True
    create_on_update: bool = False
    default_propagation: str = "Background"
    storage_version: str = ""
    storage: tuple | None = None    # storage key shared with another resource (events.k8s.io Events)

    @property
    def api_version(self) -> str:
        """The apiVersion string of objects of this type."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def key(self) -> tuple:
        """Storage key: objects of every version of a group/resource share it."""
        return self.storage or (self.group, self.plural)

    def subresources(self) -> list[tuple[str, str, str, str, list]]:
        """(name, group, version, kind, verbs) of each subresource."""
        subs = []
        if self.status:
            subs.append(("status", self.group, self.version, self.kind, SUB_VERBS))
        if self.scale is not None:
            subs.append(("scale", "autoscaling", "v1", "Scale", SUB_VERBS))
        if self.log:
            subs.append(("log", "", "v1", "Pod", ["get"]))
        return subs


def _b(group, version, plural, singular, kind, namespaced, definition, **kw) -> ResourceType:
    return ResourceType(group, version, plural, singular, kind, namespaced, definition=definition,
                        storage_version=version, **kw)


def builtin_types() -> list[ResourceType]:
    """The built-in kinds, with their real short names, categories and subresources."""
    core, apps, rbac = "io.k8s.api.core.v1.", "io.k8s.api.apps.v1.", "io.k8s.api.rbac.v1."
    crd_def = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"
    return [
        _b("", "v1", "namespaces", "namespace", "Namespace", False, core + "Namespace",
           short_names=["ns"], status=True),
        _b("", "v1", "pods", "pod", "Pod", True, core + "Pod", short_names=["po"],
           categories=["all"], status=True, log=True),
        _b("", "v1", "services", "service", "Service", True, core + "Service", short_names=["svc"],
           categories=["all"], status=True),
        _b("", "v1", "configmaps", "configmap", "ConfigMap", True, core + "ConfigMap", short_names=["cm"]),
        _b("", "v1", "secrets", "secret", "Secret", True, core + "Secret"),
        _b("", "v1", "events", "event", "Event", True, core + "Event", short_names=["ev"],
           create_on_update=True),
        _b("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, core + "ServiceAccount",
           short_names=["sa"]),
        _b("", "v1", "endpoints", "endpoints", "Endpoints", True, core + "Endpoints", short_names=["ep"],
           create_on_update=True),
        _b("apps", "v1", "deployments", "deployment", "Deployment", True, apps + "Deployment",
           short_names=["deploy"], categories=["all"], status=True, generation=True,
           scale={"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
                  "labelSelectorPath": None}),
        _b("batch", "v1", "jobs", "job", "Job", True, "io.k8s.api.batch.v1.Job", categories=["all"],
           status=True, generation=True, default_propagation="Orphan"),
        _b("coordination.k8s.io", "v1", "leases", "lease", "Lease", True, "io.k8s.api.coordination.v1.Lease"),
        _b("events.k8s.io", "v1", "events", "event", "Event", True, "io.k8s.api.events.v1.Event",
           short_names=["ev"], create_on_update=True, storage=("", "events")),
        _b("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True, rbac + "Role"),
        _b("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True,
           rbac + "RoleBinding"),
        _b("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False,
           rbac + "ClusterRole"),
        _b("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
           "ClusterRoleBinding", False, rbac + "ClusterRoleBinding"),
        _b("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
           "CustomResourceDefinition", False, crd_def, short_names=["crd", "crds"],
           categories=["api-extensions"], status=True, generation=True),
    ]


def crd_types(crd: dict) -> list[ResourceType]:
    """The served versions of a CustomResourceDefinition as resource types."""
    spec = crd.get("spec", {})
    names = spec.get("names", {})
    storage = next((v["name"] for v in spec.get("versions", []) if v.get("storage")), "")
    types = []
    for version in spec.get("versions", []):
        if not version.get("served", True):
            continue
        subs = version.get("subresources") or {}
        scale = subs.get("scale")
        types.append(ResourceType(
            group=spec.get("group", ""), version=version["name"], plural=names.get("plural", ""),
            singular=names.get("singular") or names.get("kind", "").lower(), kind=names.get("kind", ""),
            namespaced=spec.get("scope", "Namespaced") == "Namespaced",
            short_names=list(names.get("shortNames") or []), categories=list(names.get("categories") or []),
            status="status" in subs, scale=dict(scale) if scale is not None else None,
            crd_schema=(version.get("schema") or {}).get("openAPIV3Schema") or {"type": "object",
                                                                               "x-kubernetes-preserve-unknown-fields": True},
            printer_columns=version.get("additionalPrinterColumns"), generation=True, custom=True,
            unconditional_update=False, storage_version=storage))
    return types


class Registry:
    """Lookup of resource types by group/version/plural, short name or kind."""

    def __init__(self):
        self.builtins = builtin_types()
        self.custom: dict[str, list[ResourceType]] = {}  # CRD name -> types
        self.generation = 0  # bumps whenever the set of types changes

    def all(self) -> list[ResourceType]:
        """Every resource type currently served."""
        return self.builtins + [t for ts in self.custom.values() for t in ts]

    def register_crd(self, crd: dict) -> None:
        """Serve (or re-serve) the resources of a CRD."""
        self.custom[crd["metadata"]["name"]] = crd_types(crd)
        self.generation += 1

    def unregister_crd(self, name: str) -> None:
        """Stop serving the resources of a CRD."""
        if self.custom.pop(name, None) is not None:
            self.generation += 1

    def get(self, group: str, version: str, plural: str) -> ResourceType | None:
        """The type served at /apis/group/version/plural, if any."""
        for t in self.all():
            if t.group == group and t.version == version and t.plural == plural:
                return t
        return None

    def by_key(self, key: tuple) -> ResourceType | None:
        """The storage-version type of a (group, plural) storage key."""
        match = None
        for t in self.all():
            if t.key == key:
                if t.version == t.storage_version:
                    return t
                match = match or t
        return match

    def by_kind(self, api_version: str, kind: str) -> ResourceType | None:
        """The type of objects with this apiVersion and kind."""
        for t in self.all():
            if t.api_version == api_version and t.kind == kind:
                return t
        return None

    def group_versions(self) -> dict[str, list[str]]:
        """Group name -> served versions (storage/preferred first)."""
        groups: dict[str, list[str]] = {}
        for t in self.all():
            versions = groups.setdefault(t.group, [])
            if t.version not in versions:
                if t.version == t.storage_version:
                    versions.insert(0, t.version)
                else:
                    versions.append(t.version)
        return groups

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        """The types of one group/version."""
        return [t for t in self.all() if t.group == group and t.version == version]
