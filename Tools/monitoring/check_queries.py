"""Check the monitoring bundle's PromQL: every expression of the alerting rules and of the Grafana dashboard parses
(the dashboard's also with Prometheus' own parser, through `promtool check rules`) and names only metrics the toolbox
exports (metric_names.py, read from the Swift sources); the dashboard is valid JSON of the shape Grafana loads.

python3 Tools/monitoring/check_queries.py [--rules FILE] [--dashboard FILE]
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile

import promql_parser
import yaml

import metric_names

CHART = metric_names.REPO / "deploy/helm/flink-k8s-toolbox-operator/monitoring"
# What Grafana puts in for its own variables; any other `$variable` stands inside a label matcher's string.
GRAFANA_RANGES = re.compile(r"\$(__rate_interval|__interval|__range)\b|\$\{(__rate_interval|__interval|__range)\}")
LABEL_VALUES = re.compile(r"^label_values\((?:(?P<selector>[^,]+),\s*)?(?P<label>\w+)\)$")


def rule_expressions(path):
    """(where, expr) of every rule of a Prometheus rule file."""
    document = yaml.safe_load(pathlib.Path(path).read_text(encoding="utf-8"))
    for group in document["groups"]:
        for rule in group["rules"]:
            yield f"{path}: {rule.get('alert') or rule.get('record')}", str(rule["expr"])


def panels(items):
    """Every panel, rows' nested panels included."""
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def dashboard_problems(dashboard):
    """What keeps Grafana from loading the dashboard as meant: missing title/uid, duplicate panel ids, targets
    without an expression or refId, panels not on the `datasource` variable."""
    problems = [f"dashboard: no {key}" for key in ("title", "uid", "panels", "schemaVersion") if key not in dashboard]
    ids = [panel.get("id") for panel in panels(dashboard.get("panels", []))]
    problems += [f"dashboard: panel id {i} used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for panel in panels(dashboard.get("panels", [])):
        if panel.get("type") == "row":
            continue
        where = f"dashboard panel {panel.get('title')!r}"
        if "gridPos" not in panel:
            problems.append(f"{where}: no gridPos")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{where}: datasource is not ${{datasource}}")
        if not panel.get("targets"):
            problems.append(f"{where}: no targets")
        refs = [target.get("refId") for target in panel.get("targets", [])]
        if None in refs or len(set(refs)) != len(refs):
            problems.append(f"{where}: targets need distinct refIds")
        problems += [f"{where}: a target without expr" for target in panel.get("targets", []) if not target.get("expr")]
    return problems


def dashboard_expressions(dashboard):
    """(where, expr) of every panel target and query variable, Grafana's range variables replaced by 5m."""
    for panel in panels(dashboard.get("panels", [])):
        for target in panel.get("targets", []):
            yield f"dashboard panel {panel.get('title')!r} {target.get('refId')}", GRAFANA_RANGES.sub("5m", target["expr"])
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
        match = LABEL_VALUES.match(query.strip())
        if not match or not match["selector"]:
            raise ValueError(f"dashboard variable {variable['name']}: only label_values(<selector>, <label>) is checked: {query!r}")
        yield f"dashboard variable {variable['name']}", match["selector"]


def selectors(node):
    """The metric names of every vector selector under a parsed PromQL node (`None` for a selector without one)."""
    if isinstance(node, promql_parser.VectorSelector):
        names = [m.value for m in node.matchers.matchers if m.name == "__name__"] if node.matchers else []
        yield node.name or (names[0] if names else None)
        return
    for attribute in ("expr", "lhs", "rhs", "vector_selector", "param"):
        child = getattr(node, attribute, None)
        if child is not None and not isinstance(child, (str, int, float)):
            yield from selectors(child)
    for child in getattr(node, "args", None) or []:
        yield from selectors(child)


def name_problems(expressions, exported):
    """Expressions that do not parse, or that name a metric the toolbox does not export."""
    problems = []
    for where, expr in expressions:
        try:
            tree = promql_parser.parse(expr)
        except Exception as error:  # the parser's own error type is not exported
            problems.append(f"{where}: does not parse: {error}")
            continue
        for name in selectors(tree):
            if name is None:
                problems.append(f"{where}: a selector without a metric name")
            elif name not in exported:
                problems.append(f"{where}: {name} is not a metric the toolbox exports")
    return problems


def promtool_problems(expressions):
    """Prometheus' own parser on the expressions, as recording rules of a scratch rule file."""
    rules = [{"record": f"check:expression_{i}", "expr": expr} for i, (_, expr) in enumerate(expressions)]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as scratch:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, scratch)
        scratch.flush()
        result = subprocess.run(["promtool", "check", "rules", scratch.name], capture_output=True, text=True)
    return [] if result.returncode == 0 else [f"promtool check rules on the dashboard's expressions:\n{result.stdout}{result.stderr}"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(CHART / "alerts.yaml"))
    parser.add_argument("--dashboard", default=str(CHART / "dashboard.json"))
    args = parser.parse_args(argv)
    exported = metric_names.series_names(metric_names.registered())
    try:
        dashboard = json.loads(pathlib.Path(args.dashboard).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        print(f"{args.dashboard}: not JSON: {error}")
        return 1
    rules = list(rule_expressions(args.rules))
    queries = list(dashboard_expressions(dashboard))
    problems = dashboard_problems(dashboard) + name_problems(rules + queries, exported)
    problems += promtool_problems([q for q in queries if not q[0].startswith("dashboard variable")])
    for problem in problems:
        print(problem)
    print(f"{len(rules)} rule and {len(queries)} dashboard expressions over {len(exported)} exported series names: "
          f"{'FAILED' if problems else 'OK'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
