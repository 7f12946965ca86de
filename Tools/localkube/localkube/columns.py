"""kubectl's default table columns for the built-in kinds served by localkube."""
from __future__ import annotations

from .meta import parse_time
from .registry import ResourceType
from .tables import NAME_COL, _col, age, human_duration


def _pod_row(obj):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    statuses = status.get("containerStatuses") or []
    ready = sum(1 for c in statuses if c.get("ready"))
    reason = status.get("reason") or status.get("phase") or ""
    for c in statuses:
        state = c.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif (state.get("terminated") or {}).get("reason"):
            reason = state["terminated"]["reason"]
    if obj["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    restarts = sum(c.get("restartCount", 0) for c in statuses)
    return [obj["metadata"]["name"], f"{ready}/{len(spec.get('containers') or [])}", reason, restarts,
            age(obj["metadata"].get("creationTimestamp")), status.get("podIP") or "<none>",
            spec.get("nodeName") or "<none>"]


def _ports(spec):
    out = []
    for p in spec.get("ports") or []:
        text = str(p.get("port"))
        if p.get("nodePort"):
            text += f":{p['nodePort']}"
        out.append(f"{text}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def _service_row(obj):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    external = ",".join(spec.get("externalIPs") or [])
    if spec.get("type") == "LoadBalancer":
        ingress = [i.get("ip") or i.get("hostname") for i in (status.get("loadBalancer") or {}).get("ingress") or []]
        external = ",".join([x for x in ingress if x] + ([external] if external else [])) or "<pending>"
    elif spec.get("type") == "ExternalName":
        external = spec.get("externalName", "")
    selector = ",".join(f"{k}={v}" for k, v in sorted((spec.get("selector") or {}).items())) or "<none>"
    return [obj["metadata"]["name"], spec.get("type", ""), spec.get("clusterIP") or "<none>", external or "<none>",
            _ports(spec), age(obj["metadata"].get("creationTimestamp")), selector]


def _deployment_row(obj):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return [obj["metadata"]["name"], f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")), ",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers)]


def _job_status(obj):
    status = obj.get("status") or {}
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    for kind, text in (("Failed", "Failed"), ("Complete", "Complete"), ("Suspended", "Suspended"),
                       ("FailureTarget", "FailureTarget"), ("SuccessCriteriaMet", "SuccessCriteriaMet")):
        if conditions.get(kind) == "True":
            return text
    return "Terminating" if obj["metadata"].get("deletionTimestamp") else "Running"


def _job_row(obj):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    completions = f"{status.get('succeeded', 0)}/{spec['completions']}" if spec.get("completions") is not None \
        else f"{status.get('succeeded', 0)}/1 of {spec.get('parallelism', 1)}"
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = ""
    if start:
        import datetime
        end = end or datetime.datetime.now(datetime.timezone.utc)
        duration = human_duration((end - start).total_seconds())
    return [obj["metadata"]["name"], _job_status(obj), completions, duration,
            age(obj["metadata"].get("creationTimestamp"))]


def _event_row(obj):
    involved = obj.get("involvedObject") or obj.get("regarding") or {}
    last = obj.get("lastTimestamp") or obj.get("eventTime") or obj["metadata"].get("creationTimestamp")
    return [age(last), obj.get("type", ""), obj.get("reason", ""),
            f"{(involved.get('kind') or '').lower()}/{involved.get('name', '')}",
            obj.get("message") or obj.get("note") or ""]


def _simple(extra_cols, extra_fn):
    def row(obj):
        return [obj["metadata"]["name"]] + extra_fn(obj) + [age(obj["metadata"].get("creationTimestamp"))]
    return [NAME_COL] + extra_cols + [_col("Age")], row


def builtin_columns(rt: ResourceType):
    """(column definitions, row function) of a built-in kind, like kubectl's printers."""
    key = rt.key
    if key == ("", "pods"):
        return [NAME_COL, _col("Ready"), _col("Status"), _col("Restarts", "string"), _col("Age"),
                _col("IP", priority=1), _col("Node", priority=1)], _pod_row
    if key == ("", "services"):
        return [NAME_COL, _col("Type"), _col("Cluster-IP"), _col("External-IP"), _col("Port(s)"), _col("Age"),
                _col("Selector", priority=1)], _service_row
    if key == ("apps", "deployments"):
        return [NAME_COL, _col("Ready"), _col("Up-to-date", "string"), _col("Available", "string"), _col("Age"),
                _col("Containers", priority=1), _col("Images", priority=1)], _deployment_row
    if key == ("batch", "jobs"):
        return [NAME_COL, _col("Status"), _col("Completions"), _col("Duration"), _col("Age")], _job_row
    if key in (("", "events"), ("events.k8s.io", "events")):
        return [_col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Message")], _event_row
    if key == ("", "configmaps"):
        return _simple([_col("Data", "integer")], lambda o: [len(o.get("data") or {}) + len(o.get("binaryData") or {})])
    if key == ("", "secrets"):
        return _simple([_col("Type"), _col("Data", "integer")],
                       lambda o: [o.get("type", ""), len(o.get("data") or {})])
    if key == ("", "namespaces"):
        return _simple([_col("Status")], lambda o: [(o.get("status") or {}).get("phase", "")])
    if key == ("", "serviceaccounts"):
        return _simple([_col("Secrets", "integer")], lambda o: [len(o.get("secrets") or [])])
    if key == ("", "endpoints"):
        return _simple([_col("Endpoints")], _endpoints)
    if key == ("coordination.k8s.io", "leases"):
        return _simple([_col("Holder")], lambda o: [(o.get("spec") or {}).get("holderIdentity", "")])
    if key == ("rbac.authorization.k8s.io", "rolebindings") or key == ("rbac.authorization.k8s.io",
                                                                          "clusterrolebindings"):
        return _simple([_col("Role")], lambda o: [f"{(o.get('roleRef') or {}).get('kind', '')}/"
                                                  f"{(o.get('roleRef') or {}).get('name', '')}"])
    if key in (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"),
               ("apiextensions.k8s.io", "customresourcedefinitions")):
        return [NAME_COL, _col("Created At", "date")], lambda o: [o["metadata"]["name"],
                                                                   o["metadata"].get("creationTimestamp")]
    return _simple([], lambda o: [])


def _endpoints(obj):
    addrs = []
    for subset in obj.get("subsets") or []:
        for a in subset.get("addresses") or []:
            for p in subset.get("ports") or [{}]:
                addrs.append(f"{a.get('ip')}:{p.get('port')}" if p.get("port") else a.get("ip", ""))
    return [",".join(addrs) or "<none>"]
