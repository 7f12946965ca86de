"""values.schema.json of each chart, checked by the real Helm engine (helm-python-sdk's libhelm: Helm's own
ValidateAgainstSchema, which `helm template`, `helm install` and `helm lint` call): the defaults and every documented
--set pass; a wrong type, an unknown key, a bad enum or a value out of range fails in each of those commands with
Helm's message naming the field."""
from __future__ import annotations

import json
import subprocess
import sys

import helm_python
import pytest
from jsonschema import Draft7Validator

from chartkit import CHARTS, HELM_DIR, REPO, makefile_contract_sets, readme_install_sets, values

# (chart, --set, what Helm's message must contain: the field's JSON pointer, or the unknown key's name)
WRONG = [
    ("operator", "replicas=abc", "at '/replicas': got string, want integer"),
    ("operator", "replicas=-1", "at '/replicas'"),
    ("operator", "replica=2", "additional properties 'replica' not allowed"),
    ("operator", "pollingInterval=-5", "at '/pollingInterval'"),
    ("operator", "taskTimeout=soon", "at '/taskTimeout'"),
    ("operator", "serviceType=Ingress", "at '/serviceType': value must be one of"),
    ("operator", "logLevel=verbose", "at '/logLevel': value must be one of"),
    ("operator", "controlPort=70000", "at '/controlPort'"),
    ("operator", "image.tag=2", "at '/image/tag': got number, want string"),
    ("operator", "image.pullPolicy=Sometimes", "at '/image/pullPolicy'"),
    ("operator", "secretName=Operator_SSL", "at '/secretName'"),
    ("operator", "dryRun=yes", "at '/dryRun': got string, want boolean"),
    ("operator", "resources.limits.cpu=lots", "at '/resources/limits/cpu'"),
    ("operator", "monitoring.serviceMonitor.interval=soon", "at '/monitoring/serviceMonitor/interval'"),
    ("operator", "monitoring.podMonitor.enabled=maybe", "at '/monitoring/podMonitor/enabled'"),
    ("operator", "monitoring.prometheusRule.savepointMaxAgeSeconds=-1",
     "at '/monitoring/prometheusRule/savepointMaxAgeSeconds'"),
    ("operator", "monitoring.grafanaDashboard.labels.grafana_dashboard=1",
     "at '/monitoring/grafanaDashboard/labels/grafana_dashboard': got number, want string"),
    ("operator", "monitoring.alertmanager.enabled=true", "additional properties 'alertmanager' not allowed"),
    ("operator", "tests.secretForm=jks", "at '/tests/secretForm': value must be one of"),
    ("operator", "tests.enabled=null", "at '/tests': missing property 'enabled'"),
    ("roles", "targetNamespace=Flink_Jobs", "at '/targetNamespace'"),
    ("roles", "operator.serviceAccount=Flink_Operator", "at '/operator/serviceAccount'"),
    ("roles", "supervisor.account=x", "additional properties 'account' not allowed"),
    ("roles", "namespace=flink-jobs", "additional properties 'namespace' not allowed"),
    ("crd", "keep=false", "additional properties 'keep' not allowed"),
]
IDS = [f"{chart}:{assignment}" for chart, assignment, _ in WRONG]


def error_of(action) -> str:
    """The message of the HelmError that `action` raises (the test fails when it raises none)."""
    with pytest.raises(helm_python.HelmError) as raised:
        action()
    return str(raised.value)


@pytest.mark.parametrize("chart", CHARTS)
def test_the_schema_is_a_draft_7_schema(chart):
    schema = json.loads((CHARTS[chart] / "values.schema.json").read_text())
    Draft7Validator.check_schema(schema)
    assert schema["additionalProperties"] is False, "unknown top-level keys must fail"


@pytest.mark.parametrize("chart", CHARTS)
def test_the_default_values_validate(chart):
    with helm_python.Chart.load(CHARTS[chart]) as loaded:
        assert loaded.schema is not None, "Helm does not see the chart's values.schema.json"
        loaded.validate_schema({})
        assert loaded.render({}, name="release", namespace="toolbox", is_install=True)
    report = helm_python.lint(str(CHARTS[chart]), {}, strict=True)
    assert report["errors"] == [], report


def test_every_set_of_the_contract_target_validates():
    sets = makefile_contract_sets()
    assert len(sets) >= 6, f"the contract target's chart renderings were not found in the Makefile: {sets}"
    for chart, assignments in sets:
        with helm_python.Chart.load(chart) as loaded:
            loaded.validate_schema(values(assignments))


def test_every_set_of_the_readme_install_commands_validates():
    sets = readme_install_sets()
    assert {chart.name for chart, _ in sets} == {path.name for path in CHARTS.values()}, sets
    for chart, assignments in sets:
        with helm_python.Chart.load(chart) as loaded:
            loaded.validate_schema(values(assignments))


@pytest.mark.parametrize(("chart", "assignment", "field"), WRONG, ids=IDS)
def test_helm_template_refuses_the_wrong_value_naming_the_field(chart, assignment, field):
    with helm_python.Chart.load(CHARTS[chart]) as loaded:
        message = error_of(lambda: loaded.render(values([assignment]), name="release", namespace="toolbox",
                                                 is_install=True))
    assert "don't meet the specifications of the schema" in message and field in message, message


@pytest.mark.parametrize(("chart", "assignment", "field"), WRONG, ids=IDS)
def test_helm_install_refuses_the_wrong_value_naming_the_field(chart, assignment, field):
    """Helm's install action (client dry run: `helm install --dry-run=client`, the action `helm template` runs)."""
    with helm_python.Config(namespace="toolbox") as config:
        message = error_of(lambda: config.install(str(CHARTS[chart]), "release", values([assignment]),
                                                  namespace="toolbox", dry_run="client"))
    assert field in message, message


@pytest.mark.parametrize(("chart", "assignment", "field"), WRONG, ids=IDS)
def test_helm_lint_refuses_the_wrong_value_naming_the_field(chart, assignment, field):
    report = helm_python.lint(str(CHARTS[chart]), values([assignment]), strict=True)
    assert any(field in error for error in report["errors"]), report


def test_the_install_action_accepts_the_defaults():
    """The other side of the install test: the same call with valid values renders the chart."""
    with helm_python.Config(namespace="toolbox") as config:
        release = config.install(str(CHARTS["operator"]), "release", values(["replicas=2", "pollingInterval=5"]),
                                 namespace="toolbox", dry_run="client")
    assert "kind: Deployment" in release["manifest"] and "replicas: 2" in release["manifest"]


@pytest.mark.parametrize("command", [
    [sys.executable, str(HELM_DIR / "render.py"), "deploy/helm/flink-k8s-toolbox-operator", "--set", "replicas=abc"],
    [sys.executable, str(HELM_DIR / "helm"), "template", "operator", "deploy/helm/flink-k8s-toolbox-operator",
     "--set", "replicas=abc"],
], ids=["render.py", "helm template"])
def test_the_command_line_tools_exit_1_naming_the_field(command):
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "at '/replicas': got string, want integer" in out.stderr, out
    assert "kind:" not in out.stdout, "nothing is rendered from refused values"
