"""Check the operator chart rendered with the monitoring bundle on, and split it for the other checkers.

python3 Tools/monitoring/check_rendered.py RENDERED.yaml --core OUT.yaml --rules OUT-RULES.yaml

- ServiceMonitor, PodMonitor and PrometheusRule (kinds kubernetes-validate has no schema for) are validated against
  monitoring-crds.schema.yaml; every other document goes to --core, for `kubernetes-validate --strict`.
- The PrometheusRule's spec is written to --rules as a plain rule file, for `promtool check rules` / `test rules`;
  with --same-rules-as FILE it must equal that rule file (the chart carries monitoring/alerts.yaml unchanged).
- The dashboard ConfigMap must carry monitoring/dashboard.json unchanged (as JSON) under its sidecar label.
- Each of the four objects must be present exactly once, and no mapping may repeat a key (YAML parsers keep one of
  the two silently; the API server refuses such an object).
"""
import argparse
import json
import pathlib
import sys

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent
CHART = HERE.parents[1] / "deploy/helm/flink-k8s-toolbox-operator"
MONITORING_KINDS = ("ServiceMonitor", "PodMonitor", "PrometheusRule")


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with a repeated key."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"repeated keys {repeated}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def schema_problems(document, schemas):
    """The schema violations of one Prometheus Operator object."""
    schema = {"$defs": schemas["$defs"], **schemas["kinds"][document["kind"]]}
    validator = jsonschema.Draft202012Validator(schema)
    where = f"{document['kind']} {document.get('metadata', {}).get('name')}"
    return [f"{where}: {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}" for error in validator.iter_errors(document)]


def dashboard_problems(configmap, dashboard_path):
    """Whether the ConfigMap carries the dashboard unchanged, with Grafana's sidecar label."""
    where = f"ConfigMap {configmap['metadata']['name']}"
    problems = [] if configmap["metadata"].get("labels", {}).get("grafana_dashboard") == "1" else [f"{where}: no grafana_dashboard label"]
    data = configmap.get("data", {})
    if list(data) != ["flink-k8s-toolbox.json"]:
        return problems + [f"{where}: data keys {list(data)}, expected flink-k8s-toolbox.json"]
    expected = json.loads(pathlib.Path(dashboard_path).read_text(encoding="utf-8"))
    if json.loads(data["flink-k8s-toolbox.json"]) != expected:
        problems.append(f"{where}: the dashboard differs from {dashboard_path}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rendered")
    parser.add_argument("--core", required=True, help="where to write the documents kubernetes-validate checks")
    parser.add_argument("--rules", required=True, help="where to write the PrometheusRule's groups as a rule file")
    parser.add_argument("--same-rules-as", help="a rule file the PrometheusRule's groups must equal")
    parser.add_argument("--dashboard", default=str(CHART / "monitoring/dashboard.json"))
    args = parser.parse_args(argv)
    schemas = yaml.safe_load((HERE / "monitoring-crds.schema.yaml").read_text(encoding="utf-8"))
    try:
        documents = [d for d in yaml.load_all(pathlib.Path(args.rendered).read_text(encoding="utf-8"), Loader=UniqueKeyLoader) if d]
    except yaml.YAMLError as error:
        print(f"{args.rendered}: {error}")
        return 1
    problems, core, seen = [], [], {}
    for document in documents:
        kind = document.get("kind")
        if kind in MONITORING_KINDS:
            problems += schema_problems(document, schemas)
            seen[kind] = seen.get(kind, 0) + 1
            if kind == "PrometheusRule":
                pathlib.Path(args.rules).write_text(yaml.safe_dump(document["spec"], sort_keys=False), encoding="utf-8")
                if args.same_rules_as and document["spec"] != yaml.safe_load(pathlib.Path(args.same_rules_as).read_text(encoding="utf-8")):
                    problems.append(f"PrometheusRule: its groups differ from {args.same_rules_as}")
            continue
        if kind == "ConfigMap" and "flink-k8s-toolbox.json" in document.get("data", {}):
            problems += dashboard_problems(document, args.dashboard)
            seen["dashboard ConfigMap"] = seen.get("dashboard ConfigMap", 0) + 1
        core.append(document)
    for kind in MONITORING_KINDS + ("dashboard ConfigMap",):
        if seen.get(kind, 0) != 1:
            problems.append(f"{args.rendered}: {seen.get(kind, 0)} {kind} objects, expected 1")
    pathlib.Path(args.core).write_text(yaml.safe_dump_all(core, sort_keys=False), encoding="utf-8")
    for problem in problems:
        print(problem)
    print(f"{args.rendered}: {len(documents)} objects, {sum(seen.values())} of the monitoring bundle: {'FAILED' if problems else 'OK'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
