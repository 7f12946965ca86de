"""Discovery documents: legacy (/api, /apis, APIResourceList) and aggregated (apidiscovery.k8s.io/v2)."""
from __future__ import annotations

from . import KUBE_VERSION
from .registry import ALL_VERBS, Registry, ResourceType

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"


def version_info() -> dict:
    """The /version answer."""
    major, minor, _ = KUBE_VERSION[1:].split(".")
    return {"major": major, "minor": minor, "gitVersion": KUBE_VERSION, "gitCommit": "localkube",
            "gitTreeState": "clean", "buildDate": "2025-04-22T00:00:00Z", "goVersion": "go1.23.8",
            "compiler": "gc", "platform": "linux/amd64"}


def wants_aggregated(accept: str) -> str | None:
    """The aggregated discovery media type the client accepts, if any (first preferred)."""
    for part in accept.split(","):
        text = part.replace(" ", "")
        if "as=APIGroupDiscoveryList" in text and "g=apidiscovery.k8s.io" in text:
            return AGGREGATED_V2BETA1 if "v=v2beta1" in text else AGGREGATED_V2
    return None


def api_versions() -> dict:
    """Legacy /api."""
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}


def _group(name: str, versions: list[str]) -> dict:
    gvs = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": gvs, "preferredVersion": gvs[0]}


def api_group_list(registry: Registry) -> dict:
    """Legacy /apis."""
    groups = [_group(g, vs) for g, vs in registry.group_versions().items() if g]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(registry: Registry, group: str) -> dict | None:
    """Legacy /apis/<group>."""
    versions = registry.group_versions().get(group)
    if not versions or not group:
        return None
    return dict(kind="APIGroup", apiVersion="v1", **_group(group, versions))


def _resource_entries(t: ResourceType) -> list[dict]:
    main = {"name": t.plural, "singularName": t.singular, "namespaced": t.namespaced, "kind": t.kind,
            "verbs": ALL_VERBS}
    if t.short_names:
        main["shortNames"] = t.short_names
    if t.categories:
        main["categories"] = t.categories
    out = [main]
    for sub, group, version, kind, verbs in t.subresources():
        entry = {"name": f"{t.plural}/{sub}", "singularName": "", "namespaced": t.namespaced,
                 "kind": kind, "verbs": verbs}
        if group != t.group or version != t.version:
            entry.update(group=group, version=version)
        out.append(entry)
    return out


def resource_list(registry: Registry, group: str, version: str) -> dict | None:
    """Legacy APIResourceList of /api/v1 or /apis/<group>/<version>."""
    types = registry.in_group_version(group, version)
    if not types:
        return None
    resources = [e for t in sorted(types, key=lambda x: x.plural) for e in _resource_entries(t)]
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}


def _aggregated_resource(t: ResourceType) -> dict:
    res = {"resource": t.plural, "responseKind": {"group": "", "version": "", "kind": t.kind},
           "scope": "Namespaced" if t.namespaced else "Cluster", "singularResource": t.singular,
           "verbs": ALL_VERBS}
    if t.short_names:
        res["shortNames"] = t.short_names
    if t.categories:
        res["categories"] = t.categories
    subs = []
    for sub, group, version, kind, verbs in t.subresources():
        kind_ref = {"group": group, "version": version, "kind": kind}
        if group == t.group and version == t.version:
            kind_ref = {"group": "", "version": "", "kind": kind}
        subs.append({"subresource": sub, "responseKind": kind_ref, "verbs": verbs})
    if subs:
        res["subresources"] = subs
    return res


def aggregated(registry: Registry, legacy: bool, media_type: str) -> dict:
    """Aggregated discovery for /api (legacy=True) or /apis."""
    items = []
    for group, versions in registry.group_versions().items():
        if bool(group) == legacy:
            continue
        vers = []
        for v in versions:
            types = sorted(registry.in_group_version(group, v), key=lambda x: x.plural)
            vers.append({"version": v, "resources": [_aggregated_resource(t) for t in types],
                         "freshness": "Current"})
        items.append({"metadata": {"name": group, "creationTimestamp": None}, "versions": vers})
    api_version = "apidiscovery.k8s.io/v2beta1" if "v2beta1" in media_type else "apidiscovery.k8s.io/v2"
    return {"kind": "APIGroupDiscoveryList", "apiVersion": api_version, "metadata": {}, "items": items}
