#!/usr/bin/env python3
"""Validate FlinkDeployment / FlinkCluster / FlinkJob resources against the CRDs.

Usage:
    python3 Tools/crdgen/validate_cr.py [--crds DIR] FILE...

Every YAML document whose apiVersion/kind matches one of the CRDs found in DIR
(default: the templates of the `flink-k8s-toolbox-crd` chart) is validated
against that CRD's openAPIV3Schema, then its CEL rules (x-kubernetes-validations). Fields that the schema does not declare
are reported too: the API server would silently prune them. Other documents
(ConfigMaps, Secrets, ...) are skipped. Exit status: 0 if every resource is
valid, 1 otherwise.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tools" / "localkube"))
from localkube import celrules  # noqa: E402  (the CEL rules, evaluated as localkube and the apiserver do)
DEFAULT_CRDS = ROOT / "deploy" / "helm" / "flink-k8s-toolbox-crd" / "templates"
HELM_EXPRESSION = re.compile(r"\{\{.*?\}\}")


def load_crds(directory: Path) -> dict[tuple[str, str], dict]:
    """Map (apiVersion, kind) to the openAPIV3Schema of every CRD in `directory`."""
    schemas = {}
    for path in sorted(directory.glob("*.yaml")):
        text = HELM_EXPRESSION.sub("placeholder", path.read_text(encoding="utf-8"))
        for doc in yaml.safe_load_all(text):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for version in spec["versions"]:
                api_version = f"{spec['group']}/{version['name']}"
                schemas[(api_version, spec["names"]["kind"])] = version["schema"]["openAPIV3Schema"]
    return schemas


def dotted(path) -> str:
    """Render a JSON path (keys and list indices) as `spec.jobs[0].name`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(root)"


def schema_errors(resource: dict, schema: dict) -> list[str]:
    """Return `path: message` lines for every schema violation of `resource`."""
    validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    lines = []
    for error in validator.iter_errors(resource):
        path = list(error.absolute_path)
        missing = re.fullmatch(r"'(.+)' is a required property", error.message)
        if error.validator == "required" and missing:
            lines.append(f"{dotted(path + [missing.group(1)])}: required field is missing")
        else:
            lines.append(f"{dotted(path)}: {error.message}")
    return lines


def unknown_fields(value, schema: dict, path: list) -> list[str]:
    """Return `path: message` lines for fields the schema would prune."""
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [line for i, item in enumerate(value)
                for line in unknown_fields(item, schema["items"], path + [i])]
    if not isinstance(value, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    properties, extra = schema.get("properties"), schema.get("additionalProperties")
    lines = []
    for key, item in value.items():
        if properties is not None and key in properties:
            lines += unknown_fields(item, properties[key], path + [key])
        elif isinstance(extra, dict):
            lines += unknown_fields(item, extra, path + [key])
        elif properties is not None and extra is None:
            lines.append(f"{dotted(path + [key])}: unknown field {key!r} (it would be pruned)")
    return lines


def rule_errors(resource: dict, schema: dict) -> list[str]:
    """Return `path: message` lines for every x-kubernetes-validations rule (CEL) that `resource` breaks."""
    body = {k: v for k, v in resource.items() if k not in ("apiVersion", "kind", "metadata")}
    causes = celrules.check_root(resource, schema)
    for key, item in body.items():
        sub = (schema.get("properties") or {}).get(key)
        if sub is not None:
            celrules.check_tree(item, sub, key, causes)
    return [f"{c['field'] or '(root)'}: {c['message']}" for c in causes]


def validate_file(path: Path, crds: dict) -> tuple[int, list[str]]:
    """Validate every custom resource of `path`; return (count, error lines)."""
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as error:
        return 0, [f"{path}: cannot read YAML: {error}"]
    count, errors = 0, []
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        schema = crds.get((doc.get("apiVersion"), doc.get("kind")))
        if schema is None:
            continue
        count += 1
        name = (doc.get("metadata") or {}).get("name", "<unnamed>")
        lines = sorted(set(schema_errors(doc, schema) + unknown_fields(doc, schema, [])))
        lines = lines or rule_errors(doc, schema)  # the apiserver evaluates the rules of a valid object only
        errors += [f"{path}: {doc['kind']}/{name}: {line}" for line in lines]
    return count, errors


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", type=Path, default=DEFAULT_CRDS, help="directory of CRD YAML files (default: %(default)s)")
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    crds = load_crds(args.crds)
    if not crds:
        print(f"validate_cr: no CustomResourceDefinition found in {args.crds}", file=sys.stderr)
        return 1
    status = 0
    for path in args.files:
        count, errors = validate_file(path, crds)
        if errors:
            status = 1
            print("\n".join(errors), file=sys.stderr)
        else:
            print(f"OK {path}: {count} resources valid")
    return status


if __name__ == "__main__":
    sys.exit(main())
