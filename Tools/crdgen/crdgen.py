#!/usr/bin/env python3
"""Generate the Helm chart `flink-k8s-toolbox-crd` from the OpenAPI contract.

The three CustomResourceDefinitions (FlinkDeployment, FlinkCluster, FlinkJob)
are built from `components.schemas` of `openapi/toolbox.yaml`: every `$ref` is
inlined and every free-form Kubernetes type (`x-kubernetes-definition`) is
expanded from the upstream JSON schemas shipped by `kubernetes-validate`, so
that the result is a structural schema accepted by apiextensions.k8s.io/v1.

Usage:
    python3 Tools/crdgen/crdgen.py            # write the chart files
    python3 Tools/crdgen/crdgen.py --check    # exit 1 (with a diff) if stale
    python3 Tools/crdgen/crdgen.py --spec other.yaml --chart /tmp/chart
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = ROOT / "openapi" / "toolbox.yaml"
DEFAULT_CHART = ROOT / "deploy" / "helm" / "flink-k8s-toolbox-crd"
KUBERNETES_SCHEMA_VERSION = "v1.32.0"  # kubernetes-validate==1.37.0, `local` (non-strict) variant
CHART_VERSION = "1.5.0"
GROUP = "nextbreakpoint.com"
VERSION = "v1"

# Kubernetes types that are strings or numbers on the wire.
INT_OR_STRING_DEFS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity",
}
QUANTITY_PATTERN = (r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]"
                    r"|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$")
# Defaults the API server applies to list-map keys that are optional upstream;
# a CRD requires every list-map key to be required or defaulted.
LIST_MAP_KEY_DEFAULTS = {"protocol": "TCP"}

# JSONSchemaProps fields that a CRD schema may carry.
CRD_KEYWORDS = {
    "description", "type", "format", "title", "default", "enum", "nullable", "example",
    "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "multipleOf",
    "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "maxProperties", "minProperties", "required", "items", "properties",
    "additionalProperties", "allOf", "anyOf", "oneOf", "not",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type", "x-kubernetes-validations",
}
# Keywords of the contract or of the upstream schemas that have no CRD meaning.
DROPPED_KEYWORDS = {
    "$schema", "$id", "x-kubernetes-group-version-kind", "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key", "x-kubernetes-unions", "x-kubernetes-resource",
    "x-kubernetes-definition", "readOnly", "writeOnly", "deprecated", "externalDocs",
}

RESOURCES = {
    "FlinkDeployment": {
        "columns": [
            ("RESOURCE-STATUS", ".status.resourceStatus", "string"),
            ("AGE", ".metadata.creationTimestamp", "date"),
        ],
        "scale": None,
    },
    "FlinkCluster": {
        "columns": [
            ("RESOURCE-STATUS", ".status.resourceStatus", "string"),
            ("SUPERVISOR-STATUS", ".status.supervisorStatus", "string"),
            ("CLUSTER-HEALTH", ".status.clusterHealth", "string"),
            ("TASK-MANAGERS", ".status.taskManagers", "integer"),
            ("REQUESTED-TASK-MANAGERS", ".spec.taskManagers", "integer"),
            ("TASK-MANAGERS-REPLICAS", ".status.taskManagerReplicas", "integer"),
            ("TOTAL-TASK-SLOTS", ".status.totalTaskSlots", "integer"),
            ("SERVICE-MODE", ".status.serviceMode", "string"),
            ("AGE", ".metadata.creationTimestamp", "date"),
        ],
        "scale": (".spec.taskManagers", ".status.taskManagers", ".status.labelSelector"),
    },
    "FlinkJob": {
        "columns": [
            ("RESOURCE-STATUS", ".status.resourceStatus", "string"),
            ("SUPERVISOR-STATUS", ".status.supervisorStatus", "string"),
            ("CLUSTER-NAME", ".status.clusterName", "string"),
            ("CLUSTER-HEALTH", ".status.clusterHealth", "string"),
            ("JOB-STATUS", ".status.jobStatus", "string"),
            ("JOB-ID", ".status.jobId", "string"),
            ("JOB-RESTART", ".status.restartPolicy", "string"),
            ("JOB-PARALLELISM", ".status.jobParallelism", "integer"),
            ("REQUESTED-JOB-PARALLELISM", ".spec.jobParallelism", "integer"),
            ("SAVEPOINT-MODE", ".status.savepointMode", "string"),
            ("SAVEPOINT-PATH", ".status.savepointPath", "string"),
            ("SAVEPOINT-AGE", ".status.savepointTimestamp", "date"),
            ("AGE", ".metadata.creationTimestamp", "date"),
        ],
        "scale": (".spec.jobParallelism", ".status.jobParallelism", ".status.labelSelector"),
    },
}

# Labels of every CRD: the recommended app.kubernetes.io/* set the roles and operator charts' _helpers.tpl give their
# objects, plus the original's chart/release/heritage. Written out one per line, each value a plain string or a single
# Helm expression (placeholders swapped after YAML serialisation), not through an `include`: tools and tests apply the
# raw templates with every `{{ ... }}` replaced by a word (Tests/TestSupport/LocalKubeServer.swift applyToolboxCRDs,
# Tools/localkube/tests/lkhelpers.py, Tests/contract/schemathesis_check.py, Tools/bench/operator_bench.py).
TEMPLATE_LABELS = {
    "app.kubernetes.io/name": ("__NAME__", "{{ .Chart.Name }}"),
    "app.kubernetes.io/instance": ("__INSTANCE__", "{{ .Release.Name }}"),
    "app.kubernetes.io/version": ("__VERSION__", "{{ .Chart.AppVersion | quote }}"),
    "app.kubernetes.io/managed-by": ("__MANAGED_BY__", "{{ .Release.Service }}"),
    "helm.sh/chart": ("__HELM_CHART__", "{{ .Chart.Name }}-{{ .Chart.Version }}"),
    "chart": ("__CHART__", "{{ .Chart.Name }}-{{ .Chart.Version }}"),
    "release": ("__RELEASE__", "{{ .Release.Name }}"),
    "heritage": ("__HERITAGE__", "{{ .Release.Service }}"),
}
STATIC_LABELS = {"app.kubernetes.io/component": "crd", "app.kubernetes.io/part-of": "flink-k8s-toolbox"}
# `helm uninstall` of the CRD chart leaves the CRDs (and so every custom resource) in place.
ANNOTATIONS = {"helm.sh/resource-policy": "keep"}


def load_kubernetes_defs() -> dict:
    """Return the upstream `$defs` of the pinned Kubernetes JSON schema version."""
    import kubernetes_validate  # imported lazily: only needed to generate

    path = (Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
            / f"{KUBERNETES_SCHEMA_VERSION}-local" / "_definitions.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)["$defs"]


def int_or_string(name: str) -> dict:
    """Structural schema of IntOrString / Quantity (same shape as controller-gen's)."""
    node = {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True}
    if name.endswith(".Quantity"):
        node["pattern"] = QUANTITY_PATTERN
    return node


def expand_kubernetes(name: str, defs: dict, stack: tuple = ()) -> dict:
    """Inline upstream definition `name`, without descriptions and `null` types."""
    if name in INT_OR_STRING_DEFS:
        return int_or_string(name)
    if name in stack:  # recursive type: keep whatever the user writes
        return {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return convert_kubernetes_node(defs[name], defs, stack + (name,))


def convert_kubernetes_node(node: dict, defs: dict, stack: tuple) -> dict:
    """Convert one upstream JSON-schema node into a CRD schema node."""
    if "$ref" in node:
        return expand_kubernetes(node["$ref"].split("/")[-1], defs, stack)
    out = {}
    for key, value in node.items():
        if key == "description" or key in DROPPED_KEYWORDS:
            continue
        if key not in CRD_KEYWORDS:
            raise ValueError(f"upstream keyword {key!r} cannot be expressed in a CRD schema")
        if key == "type" and isinstance(value, list):
            value = [t for t in value if t != "null"]
            value = value[0] if len(value) == 1 else value
        elif key == "properties":
            value = {p: convert_kubernetes_node(s, defs, stack) for p, s in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            value = convert_kubernetes_node(value, defs, stack)
        out[key] = value
    return default_list_map_keys(out)


def default_list_map_keys(node: dict) -> dict:
    """Give optional list-map keys their API-server default (CRDs demand one)."""
    if node.get("x-kubernetes-list-type") != "map":
        return node
    item = node["items"]
    for key in node.get("x-kubernetes-list-map-keys", []):
        prop = item["properties"][key]
        if key not in item.get("required", []) and "default" not in prop:
            if key not in LIST_MAP_KEY_DEFAULTS:
                raise ValueError(f"list-map key {key!r} is optional and has no known default")
            prop["default"] = LIST_MAP_KEY_DEFAULTS[key]
    return node


def convert_contract_node(node: dict, schemas: dict, defs: dict, stack: tuple = ()) -> dict:
    """Inline `$ref`s and Kubernetes definitions of one contract schema node."""
    node = dict(node)
    if "$ref" in node:
        name = node.pop("$ref").split("/")[-1]
        if name in stack:
            raise ValueError(f"recursive contract schema: {' -> '.join(stack + (name,))}")
        target = convert_contract_node(schemas[name], schemas, defs, stack + (name,))
        return {**target, **convert_contract_node(node, schemas, defs, stack)}
    if "x-kubernetes-definition" in node:
        expanded = expand_kubernetes(node["x-kubernetes-definition"], defs)
        if "description" in node:
            expanded = {"description": node["description"], **expanded}
        return expanded
    out = {}
    for key, value in node.items():
        if key in DROPPED_KEYWORDS:
            continue
        if key not in CRD_KEYWORDS:
            raise ValueError(f"keyword {key!r} cannot be expressed in a CRD schema")
        if key == "properties":
            value = {p: convert_contract_node(s, schemas, defs, stack) for p, s in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            value = convert_contract_node(value, schemas, defs, stack)
        elif key in ("allOf", "anyOf", "oneOf"):
            value = [convert_contract_node(s, schemas, defs, stack) for s in value]
        out[key] = value
    if out.get("additionalProperties") is True:
        del out["additionalProperties"]
        out["x-kubernetes-preserve-unknown-fields"] = True
    return out


def structural_errors(node: dict, path: str = "") -> list[str]:
    """List the violations of the structural-schema rules below `node`."""
    errors = []
    has_type = "type" in node or node.get("x-kubernetes-int-or-string") \
        or node.get("x-kubernetes-preserve-unknown-fields")
    if not has_type:
        errors.append(f"{path or '/'}: no type")
    if isinstance(node.get("type"), list):
        errors.append(f"{path}: type must be a single string")
    if "$ref" in node or node.get("additionalProperties") is False:
        errors.append(f"{path}: $ref or additionalProperties: false")
    if "properties" in node and "additionalProperties" in node:
        errors.append(f"{path}: both properties and additionalProperties")
    if node.get("type") == "array" and "items" not in node:
        errors.append(f"{path}: array without items")
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            if "type" in sub and not node.get("x-kubernetes-int-or-string"):
                errors.append(f"{path}/{key}: type inside a junctor")
    for name, sub in node.get("properties", {}).items():
        errors += structural_errors(sub, f"{path}/{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            errors += structural_errors(node[key], f"{path}/{key}")
    return errors


def resource_schema(kind: str, schemas: dict, defs: dict) -> dict:
    """Build the openAPIV3Schema of resource `kind` from its contract component."""
    component = schemas[kind]
    props = component["properties"]
    schema = {
        "description": component.get("description", kind),
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": convert_contract_node(props["spec"], schemas, defs),
            "status": convert_contract_node(props["status"], schemas, defs),
        },
    }
    # Rules over the whole object (CEL: the only place where metadata.name can be checked against the spec).
    if component.get("x-kubernetes-validations"):
        schema["x-kubernetes-validations"] = component["x-kubernetes-validations"]
    errors = structural_errors(schema)
    if errors:
        raise ValueError(f"{kind}: schema is not structural:\n  " + "\n  ".join(errors))
    return schema


def crd(kind: str, schemas: dict, defs: dict) -> dict:
    """Build the CustomResourceDefinition object of resource `kind`."""
    meta = schemas[kind]["x-kubernetes-resource"]
    plural, config = meta["plural"], RESOURCES[kind]
    subresources = {"status": {}}
    if config["scale"]:
        spec_path, status_path, selector_path = config["scale"]
        subresources["scale"] = {"specReplicasPath": spec_path, "statusReplicasPath": status_path,
                                 "labelSelectorPath": selector_path}
    version = {
        "name": VERSION, "served": True, "storage": True,
        "schema": {"openAPIV3Schema": resource_schema(kind, schemas, defs)},
        "subresources": subresources,
        "additionalPrinterColumns": [{"name": n, "type": t, "jsonPath": p} for n, p, t in config["columns"]],
    }
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}", "annotations": dict(ANNOTATIONS),
                     "labels": {**STATIC_LABELS, **{label: ph for label, (ph, _) in TEMPLATE_LABELS.items()}}},
        "spec": {
            "group": GROUP,
            "names": {"kind": kind, "listKind": f"{kind}List", "plural": plural,
                      "singular": kind.lower(), "shortNames": [meta["shortName"]]},
            "scope": "Namespaced",
            "versions": [version],
        },
    }


def to_yaml(obj: dict) -> str:
    """Serialise deterministically (sorted keys, fixed width), then insert Helm labels."""
    text = yaml.safe_dump(obj, sort_keys=True, width=100, default_flow_style=False, allow_unicode=True)
    for placeholder, expression in TEMPLATE_LABELS.values():
        text = text.replace(f": {placeholder}\n", f": {expression}\n")
    return text


def render(spec_path: Path) -> dict[str, str]:
    """Return {chart-relative path: content} of every generated chart file."""
    with open(spec_path, encoding="utf-8") as f:
        schemas = yaml.safe_load(f)["components"]["schemas"]
    defs = load_kubernetes_defs()
    header = "# Generated by Tools/crdgen/crdgen.py from the OpenAPI contract. Do not edit: run `make crds`.\n"
    files = {
        "Chart.yaml": to_yaml({"apiVersion": "v2", "name": "flink-k8s-toolbox-crd",
                               "description": "CustomResourceDefinitions of the Flink Kubernetes Toolbox",
                               "type": "application", "version": CHART_VERSION,
                               "appVersion": CHART_VERSION}),
        "values.yaml": "# The CRD chart has no values.\n{}\n",
        "values.schema.json": json.dumps(VALUES_SCHEMA, indent=2) + "\n",
        "templates/NOTES.txt": notes(schemas),
    }
    for kind in RESOURCES:
        files[f"templates/{kind.lower()}.yaml"] = header + to_yaml(crd(kind, schemas, defs))
    return files


# The chart has no values: Helm refuses any (`helm install ... --set x=1` fails naming x), except `global`, which a
# parent chart passes to every subchart.
VALUES_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Values of the flink-k8s-toolbox-crd chart (it has none)",
    "type": "object",
    "properties": {"global": {"type": "object", "description": "Values a parent chart shares with its subcharts."}},
    "additionalProperties": False,
}


def notes(schemas: dict) -> str:
    """NOTES.txt: what the chart installed, that the CRDs stay after `helm uninstall`, and the next command."""
    kinds = list(RESOURCES)
    names = [f"{schemas[kind]['x-kubernetes-resource']['plural']}.{GROUP}" for kind in kinds]
    lines = [f"  {name} (kind {kind}, short name {schemas[kind]['x-kubernetes-resource']['shortName']})"
             for name, kind in zip(names, kinds)]
    return "\n".join([
        "{{- /* Generated by Tools/crdgen/crdgen.py from the OpenAPI contract. Do not edit: run `make crds`. */ -}}",
        "The CustomResourceDefinitions of the Flink Kubernetes Toolbox {{ .Chart.AppVersion }} are installed"
        " (release {{ .Release.Name }}):",
        *lines,
        "",
        "They carry helm.sh/resource-policy: keep: `helm uninstall {{ .Release.Name }}` leaves them, and every custom"
        " resource,",
        "in place (installing the chart again takes them over). To remove them for good, which deletes every",
        f"{', '.join(kinds[:-1])} and {kinds[-1]} too:",
        f"  kubectl delete crd {' '.join(names)}",
        "",
        "Next, install the roles chart in the operator's namespace, naming the namespace of your Flink resources:",
        "  helm install flink-k8s-toolbox-roles deploy/helm/flink-k8s-toolbox-roles --namespace flink-operator \\",
        "    --set targetNamespace=flink-jobs",
        "",
    ])


def check(files: dict[str, str], chart: Path) -> int:
    """Compare `files` with the chart on disk; print a diff and return 1 if they differ."""
    stale = False
    for rel, content in files.items():
        path = chart / rel
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != content:
            stale = True
            sys.stdout.writelines(difflib.unified_diff(
                current.splitlines(keepends=True), content.splitlines(keepends=True),
                fromfile=f"a/{rel}", tofile=f"b/{rel}"))
    if stale:
        print("CRDs are out of date with the contract; run: make crds", file=sys.stderr)
        return 1
    print(f"CRDs in sync with the contract ({len(files)} files)")
    return 0


def write(files: dict[str, str], chart: Path) -> None:
    """Write `files` below `chart` and report their sizes."""
    for rel, content in files.items():
        path = chart / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {os.path.relpath(path)} ({len(content.encode())} bytes)")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="OpenAPI contract (default: %(default)s)")
    parser.add_argument("--chart", type=Path, default=DEFAULT_CHART, help="chart directory (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only compare with the files on disk")
    args = parser.parse_args(argv)
    try:
        files = render(args.spec)
    except (OSError, KeyError, ValueError) as error:
        print(f"crdgen: {error}", file=sys.stderr)
        return 2
    if args.check:
        return check(files, args.chart)
    write(files, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
