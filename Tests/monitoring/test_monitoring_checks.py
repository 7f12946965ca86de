"""The monitoring bundle's checkers reject what they are there to reject (`make monitoring` runs them on the real
files; these tests show each can fail)."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tools/monitoring"))

import check_queries  # noqa: E402
import check_rendered  # noqa: E402
import metric_names  # noqa: E402

MONITORING = REPO / "deploy/helm/flink-k8s-toolbox-operator/monitoring"


def test_metric_names_are_read_from_the_swift_sources_with_their_kinds():
    kinds = metric_names.registered()
    assert kinds["toolbox_kube_request_duration_seconds"] == "histogram"
    assert kinds["toolbox_workqueue_queue_duration_seconds"] == "histogram"
    assert kinds["toolbox_workqueue_adds_total"] == "counter"
    assert kinds["flink_supervisor_savepoint_timestamp_seconds"] == "gauge"
    assert "flink_operator_cluster_status" in kinds  # registered through a helper: found as a literal of its family
    series = metric_names.series_names(kinds)
    assert "flink_supervisor_savepoint_duration_seconds_bucket" in series
    assert "flink_supervisor_savepoint_duration_seconds" not in series  # a histogram has no series of its bare name


def test_a_counter_without_total_in_the_sources_is_refused(tmp_path):
    (tmp_path / "Shared").mkdir()
    (tmp_path / "Services").mkdir()
    (tmp_path / "Shared/Metrics.swift").write_text('registry.counter("toolbox_requests", help: "x")\n')
    with pytest.raises(ValueError, match="does not end in _total"):
        metric_names.registered(tmp_path)


def rule_file(tmp_path, expr):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "g", "rules": [{"alert": "A", "expr": expr}]}]}))
    return path


def test_the_repository_rules_and_dashboard_pass():
    assert check_queries.main([]) == 0


@pytest.mark.parametrize("expr", ["rate(toolbox_reconciles_total[5m]) > 0", "up == 0", 'absent({__name__="nope"})'])
def test_a_rule_naming_a_metric_the_toolbox_does_not_export_fails(tmp_path, expr):
    assert check_queries.main(["--rules", str(rule_file(tmp_path, expr))]) == 1


def test_a_rule_that_does_not_parse_fails(tmp_path):
    assert check_queries.main(["--rules", str(rule_file(tmp_path, "sum(toolbox_leader"))]) == 1


def dashboard_with(tmp_path, change):
    dashboard = json.loads((MONITORING / "dashboard.json").read_text())
    change(dashboard)
    path = tmp_path / "dashboard.json"
    path.write_text(json.dumps(dashboard))
    return path


def first_panel(dashboard):
    return next(p for p in dashboard["panels"] if p["type"] != "row")


def test_a_dashboard_query_naming_an_unknown_metric_fails(tmp_path):
    def change(dashboard):
        first_panel(dashboard)["targets"][0]["expr"] = "sum(rate(flink_operator_reconciles_total[$__rate_interval]))"

    assert check_queries.main(["--dashboard", str(dashboard_with(tmp_path, change))]) == 1


def test_a_dashboard_query_prometheus_refuses_fails(tmp_path):
    def change(dashboard):  # `and` takes no group modifier: promql-parser and promtool both say so
        first_panel(dashboard)["targets"][0]["expr"] = "toolbox_leader and on (job) group_left () toolbox_build_info"

    assert check_queries.main(["--dashboard", str(dashboard_with(tmp_path, change))]) == 1


def test_a_dashboard_with_a_repeated_panel_id_fails(tmp_path):
    def change(dashboard):
        panels = [p for p in dashboard["panels"] if p["type"] != "row"]
        panels[1]["id"] = panels[0]["id"]

    assert check_queries.main(["--dashboard", str(dashboard_with(tmp_path, change))]) == 1


def test_a_dashboard_that_is_not_json_fails(tmp_path):
    path = tmp_path / "dashboard.json"
    path.write_text('{"title": "x",}')
    assert check_queries.main(["--dashboard", str(path)]) == 1


def render(tmp_path, *values):
    out = subprocess.run(
        [sys.executable, str(REPO / "Tools/helm/render.py"), str(REPO / "deploy/helm/flink-k8s-toolbox-operator"), "--name", "operator",
         "--namespace", "flink-operator", "--skip-tests", *[a for v in values for a in ("-f", str(v))]],
        capture_output=True, text=True, check=True).stdout
    path = tmp_path / "rendered.yaml"
    path.write_text(out)
    return path


def check(tmp_path, rendered):
    return check_rendered.main([str(rendered), "--core", str(tmp_path / "core.yaml"), "--rules", str(tmp_path / "rules.yaml")])


def test_the_rendered_bundle_passes_and_the_core_leaves_out_the_prometheus_operator_kinds(tmp_path):
    rendered = render(tmp_path, REPO / "Tests/monitoring/values-monitoring.yaml")
    assert check(tmp_path, rendered) == 0
    kinds = [d["kind"] for d in yaml.safe_load_all((tmp_path / "core.yaml").read_text())]
    assert sorted(kinds) == ["ConfigMap", "Deployment", "Service"]


def test_monitoring_is_off_by_default(tmp_path):
    rendered = render(tmp_path)
    kinds = [d["kind"] for d in yaml.safe_load_all(rendered.read_text()) if d]
    assert sorted(kinds) == ["Deployment", "Service"]
    assert check(tmp_path, rendered) == 1  # the checker wants the whole bundle


@pytest.mark.parametrize(
    "old, new",
    [
        ("      interval: 30s\n", "      interval: half-a-minute\n"),  # not a duration
        ("      scheme: http\n", "      scheme: http\n      tlsConfg: {}\n"),  # a misspelt field
        ("    - port: monitor\n      path: /metrics\n      scheme: http\n      interval: 30s\n", "    - path: /metrics\n      interval: 30s\n"),
    ],
)
def test_a_pod_monitor_off_the_schema_fails(tmp_path, old, new):
    rendered = render(tmp_path, REPO / "Tests/monitoring/values-monitoring.yaml")
    text = rendered.read_text()
    podmonitor = text.index("kind: PodMonitor")
    assert old in text[podmonitor:]
    rendered.write_text(text[:podmonitor] + text[podmonitor:].replace(old, new, 1))
    assert check(tmp_path, rendered) == 1


def test_a_repeated_label_key_fails(tmp_path):
    rendered = render(tmp_path, REPO / "Tests/monitoring/values-monitoring.yaml")
    rendered.write_text(rendered.read_text().replace("    release: prometheus\n", "    release: prometheus\n    release: operator\n", 1))
    assert check(tmp_path, rendered) == 1


def test_promtool_unit_tests_fail_when_an_alert_changes(tmp_path):
    promtool = shutil.which("promtool", path=f"{REPO / '.tools/bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    assert promtool, "promtool: run make deps"
    rules = (MONITORING / "alerts.yaml").read_text()
    assert "> 2 * flink_supervisor_savepoint_interval_seconds" in rules
    (tmp_path / "alerts.yaml").write_text(rules.replace("> 2 * flink_supervisor", "> 4 * flink_supervisor"))
    tests = yaml.safe_load((REPO / "Tests/monitoring/alerts.test.yaml").read_text())
    tests["rule_files"] = [str(tmp_path / "alerts.yaml")]
    (tmp_path / "alerts.test.yaml").write_text(yaml.safe_dump(tests))
    result = subprocess.run([promtool, "test", "rules", str(tmp_path / "alerts.test.yaml")], capture_output=True, text=True)
    assert result.returncode != 0
    assert "FlinkSavepointTooOld" in result.stdout + result.stderr
