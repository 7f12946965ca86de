"""schemathesis hooks for Tests/contract/schemathesis_check.py (loaded through SCHEMATHESIS_HOOKS).

The contract declares the embedded Kubernetes core/v1 types of a spec (EnvVar, Volume, VolumeMount, ContainerPort,
Container, ResourceRequirements, SecurityContext, Affinity, Toleration, TopologySpreadConstraint, EnvFromSource)
as free-form objects whose description says "The CRDs carry the full upstream schema": the API server checks them
against the upstream Kubernetes schema, and the control plane answers its verdict as 400 BadRequest naming the
field. schemathesis only knows the free-form shape, so its "valid" random objects there (a Volume without `name`)
are rejected, and positive_data_acceptance reports ST202.

The same holds for pod annotation keys: OpenAPI 3.0 cannot constrain the keys of a map, so the contract leaves them
free and the CRDs check them with a CEL rule (a Kubernetes qualified name); schemathesis's random keys are refused.

`filter_failure` drops exactly those ST202 reports: a 400 whose message is the API server's `... is invalid: [...]`
and every field it names lies inside one of those embedded types or is a pod annotation map. Any other rejection of
valid data (the operator's own validation, a field the contract does describe, a name) still fails the run.
"""
import json
import re

import schemathesis

EMBEDDED_KUBERNETES_FIELDS = (
    "environment", "environmentFrom", "volumes", "volumeMounts", "extraPorts", "initContainers", "sideContainers",
    "resources", "securityContext", "affinity", "tolerations", "topologySpreadConstraints",
    "annotations",  # the keys: a CEL rule of the CRDs
)
EMBEDDED = re.compile(r"\.(%s)(\[\d+\])?(\.|$)" % "|".join(EMBEDDED_KUBERNETES_FIELDS))
FIELD_PATH = re.compile(r"(spec(?:\.[A-Za-z0-9_-]+|\[\d+\])+)\s*:")


def rejected_embedded_kubernetes_fields_only(response):
    """Whether `response` is the API server's 400 about fields inside embedded core/v1 objects, and nothing else."""
    if response.status_code != 400:
        return False
    try:
        message = json.loads(response.text).get("error", "")
    except (ValueError, AttributeError):
        return False
    if " is invalid: " not in message:
        return False
    paths = FIELD_PATH.findall(message.split(" is invalid: ", 1)[1])
    return bool(paths) and all(EMBEDDED.search(path) for path in paths)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) == "ST202" and rejected_embedded_kubernetes_fields_only(response):
        return False
    return True
