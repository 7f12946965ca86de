"""Defaulting and validation of built-in kinds (the parts controllers and kubectl rely on)."""
from __future__ import annotations

import base64
import json

from .errors import cause
from .meta import name_causes


def _image_policy(image: str) -> str:
    last = image.rsplit("/", 1)[-1]
    if "@" in last:
        return "IfNotPresent"
    tag = last.split(":", 1)[1] if ":" in last else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _default_container(c: dict) -> None:
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    if "image" in c:
        c.setdefault("imagePullPolicy", _image_policy(c["image"]))
    for port in c.get("ports") or []:
        port.setdefault("protocol", "TCP")


def default_pod_spec(spec: dict) -> None:
    """Defaults of a PodSpec (pods and pod templates)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        _default_container(c)


def _default_template(obj: dict) -> None:
    template = obj.setdefault("spec", {}).setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_spec(template.setdefault("spec", {}))


def _default_pod(obj: dict, create: bool) -> None:
    spec = obj.setdefault("spec", {})
    default_pod_spec(spec)
    spec.setdefault("serviceAccountName", spec.get("serviceAccount") or "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    if create:
        qos = "BestEffort"
        if any((c.get("resources") or {}).get("requests") or (c.get("resources") or {}).get("limits")
               for c in spec.get("containers") or []):
            qos = "Burstable"
        obj["status"] = {"phase": "Pending", "qosClass": qos}


def _default_deployment(obj: dict, create: bool) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _default_template(obj)
    if create:
        obj["status"] = {}


def _default_job(obj: dict, create: bool) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("parallelism", 1)
    if spec.get("completionMode", "NonIndexed") == "NonIndexed":
        spec.setdefault("completions", spec.get("completions", 1))
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    _default_template(obj)
    if create:
        uid, name = obj["metadata"]["uid"], obj["metadata"]["name"]
        if not spec.get("manualSelector"):
            spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
            labels = spec["template"]["metadata"].setdefault("labels", {})
            labels.update({"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name,
                           "controller-uid": uid, "job-name": name})
        obj["status"] = {}


def _default_service(obj: dict, create: bool, used: dict) -> None:
    spec = obj.setdefault("spec", {})
    kind = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        if kind != "ExternalName":
            port.setdefault("targetPort", port.get("port"))
        if kind in ("NodePort", "LoadBalancer") and "nodePort" not in port:
            port["nodePort"] = _free(used["ports"], used.get("port_start", 30000), 32767)
    if kind != "ExternalName":
        if "clusterIP" not in spec or spec["clusterIP"] == "":
            spec["clusterIP"] = _free_ip(used["ips"], used.get("prefix", "127.2."), used.get("ip_start", 10))
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        if spec["clusterIP"] != "None":
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if kind in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if create:
        obj["status"] = {"loadBalancer": {}}


def _free(used, low: int, high: int) -> int:
    for port in range(low, high + 1):
        if port not in used:
            used.add(port)
            return port
    raise ValueError("no free node port")


def _free_ip(used, prefix: str, start: int = 10) -> str:
    for n in range(start, 65000):  # e.g. 127.2.0.0/16: loopback addresses localkube proxies (see netrange.py)
        ip = f"{prefix}{n // 250}.{n % 250 + 1}"
        if ip not in used:
            used.add(ip)
            return ip
    raise ValueError("no free cluster IP")


def _default_secret(obj: dict) -> None:
    obj.setdefault("type", "Opaque")
    string_data = obj.pop("stringData", None)
    if string_data:
        data = obj.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def apply_defaults(plural: str, group: str, obj: dict, create: bool, used: dict) -> None:
    """Apply the server-side defaults of a built-in kind (status reset on create like the real strategies)."""
    if (group, plural) == ("", "pods"):
        _default_pod(obj, create)
    elif (group, plural) == ("apps", "deployments"):
        _default_deployment(obj, create)
    elif (group, plural) == ("batch", "jobs"):
        _default_job(obj, create)
    elif (group, plural) == ("", "services"):
        _default_service(obj, create, used)
    elif (group, plural) == ("", "secrets"):
        _default_secret(obj)
    elif (group, plural) == ("", "namespaces"):
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
        if create:
            obj["status"] = {"phase": "Active"}


def _selector_matches(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) \
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


def validate(plural: str, group: str, obj: dict) -> list[dict]:
    """Kind-specific validation causes (names, selectors, restart policies, ...)."""
    name = obj["metadata"].get("name", "")
    out = []
    if (group, plural) in (("", "namespaces"),):
        out += name_causes(name, "label")
    elif (group, plural) == ("", "services"):
        out += name_causes(name, "dns1035")
    elif not (group == "rbac.authorization.k8s.io"):
        out += name_causes(name, "subdomain")
    spec = obj.get("spec") or {}
    if (group, plural) in (("apps", "deployments"), ("batch", "jobs")):
        selector, labels = spec.get("selector"), ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        if not selector:
            out.append(cause("spec.selector", "FieldValueRequired", "Required value"))
        elif not _selector_matches(selector, labels):
            out.append(cause("spec.template.metadata.labels", "FieldValueInvalid",
                             f"Invalid value: {json.dumps(labels)}: `selector` does not match template `labels`"))
    if (group, plural) == ("batch", "jobs"):
        policy = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy")
        if policy not in ("OnFailure", "Never"):
            out.append(cause("spec.template.spec.restartPolicy", "FieldValueNotSupported",
                             f'Unsupported value: {json.dumps(policy)}: supported values: "OnFailure", "Never"'))
    if (group, plural) == ("", "pods") and not spec.get("containers"):
        out.append(cause("spec.containers", "FieldValueRequired", "Required value"))
    return out
