"""Every object each chart renders (the CRDs and the `helm test` pod included) carries the recommended
app.kubernetes.io labels with this release's values; the CRDs are kept by `helm uninstall`; each chart's NOTES.txt
says what was installed and what to run next."""
from __future__ import annotations

import re

import pytest
import yaml

from chartkit import CHARTS, LOADER, makefile_contract_sets, notes, render

RELEASE, NAMESPACE = "my-release", "flink-operator"
APP_VERSION = "1.5.0"
# Value sets that render different objects: the defaults, and every rendering of the Makefile's contract target.
VARIANTS = [(chart, []) for chart in CHARTS] + [
    (next(name for name, path in CHARTS.items() if path == chart), sets) for chart, sets in makefile_contract_sets()
] + [("operator", ["tests.enabled=false"]), ("operator", ["secretName=ssl", "tests.secretForm=keystore"]),
      ("operator", [f"monitoring.{part}.enabled=true" for part in ("serviceMonitor", "podMonitor", "prometheusRule",
                                                                   "grafanaDashboard")])]


def expected_labels(chart: str) -> dict:
    return {"app.kubernetes.io/name": f"flink-k8s-toolbox-{chart}", "app.kubernetes.io/instance": RELEASE,
            "app.kubernetes.io/version": APP_VERSION, "app.kubernetes.io/part-of": "flink-k8s-toolbox",
            "app.kubernetes.io/managed-by": "Helm"}


@pytest.mark.parametrize(("chart", "sets"), VARIANTS, ids=[f"{c}:{','.join(s) or 'defaults'}" for c, s in VARIANTS])
def test_every_object_has_the_recommended_labels(chart, sets):
    objects = render(chart, sets, name=RELEASE, namespace=NAMESPACE)
    assert objects, "the chart rendered nothing"
    for obj in objects:
        where = f"{obj['kind']} {obj['metadata']['name']}"
        labels = obj["metadata"].get("labels") or {}
        assert expected_labels(chart).items() <= labels.items(), f"{where}: {labels}"
        assert labels.get("app.kubernetes.io/component"), f"{where}: no app.kubernetes.io/component"
        template = ((obj.get("spec") or {}).get("template") or {}).get("metadata")
        if template is not None:  # a workload's pods
            assert expected_labels(chart).items() <= (template.get("labels") or {}).items(), f"{where} pods"


def test_the_components_name_what_each_object_serves():
    components = {chart: {(o["kind"], o["metadata"]["name"]): o["metadata"]["labels"]["app.kubernetes.io/component"]
                          for o in render(chart)} for chart in CHARTS}
    assert set(components["crd"].values()) == {"crd"}
    assert components["roles"][("ServiceAccount", "flink-supervisor")] == "supervisor"
    assert components["roles"][("Role", "flink-operator")] == "operator"
    assert components["roles"][("ServiceAccount", "flink-bootstrap")] == "bootstrap"
    assert components["operator"] == {("Deployment", "flink-operator"): "operator",
                                      ("Service", "flink-operator"): "operator",
                                      ("Pod", "flink-operator-test-version"): "test",
                                      ("Pod", "flink-operator-test-control-plane"): "test"}


def test_the_crds_are_kept_on_uninstall():
    crds = render("crd")
    assert [c["kind"] for c in crds] == ["CustomResourceDefinition"] * 3
    for crd in crds:
        assert crd["metadata"]["annotations"] == {"helm.sh/resource-policy": "keep"}, crd["metadata"]


def test_the_raw_crd_templates_stay_yaml_with_expressions_replaced():
    """Tools and tests apply the CRD templates without Helm, replacing every `{{ ... }}` by a word
    (Tests/TestSupport/LocalKubeServer.swift, Tools/localkube/tests/lkhelpers.py, ...): the labels must stay a map."""
    for template in sorted((CHARTS["crd"] / "templates").glob("*.yaml")):
        crd = yaml.load(re.sub(r"\{\{[^}]*\}\}", "test", template.read_text()), Loader=LOADER)
        assert crd["metadata"]["labels"]["app.kubernetes.io/part-of"] == "flink-k8s-toolbox", template
        assert crd["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep", template


@pytest.mark.parametrize(("chart", "sets", "installed", "next_command"), [
    ("crd", [], "flinkdeployments.nextbreakpoint.com (kind FlinkDeployment, short name fd)",
     "helm install flink-k8s-toolbox-roles deploy/helm/flink-k8s-toolbox-roles"),
    ("roles", ["targetNamespace=flink-jobs"], "ServiceAccount flink-supervisor, bound to Role flink-supervisor, in flink-jobs",
     f"--namespace {NAMESPACE} \\\n    --set targetNamespace=flink-jobs --set secretName=flink-operator-ssl"),
    ("roles", ["operator.serviceAccount=ops"], f"ServiceAccount ops in namespace {NAMESPACE}",
     f"--set targetNamespace={NAMESPACE} --set serviceAccount=ops"),
    ("operator", ["targetNamespace=flink-jobs"], "manages FlinkDeployments, FlinkClusters and\nFlinkJobs in namespace flink-jobs",
     f"helm test {RELEASE} --namespace {NAMESPACE}"),
])
def test_notes_say_what_was_installed_and_what_to_run_next(chart, sets, installed, next_command):
    text = notes(chart, sets, name=RELEASE, namespace=NAMESPACE)
    assert installed in text and next_command in text, text


def test_the_operator_notes_leave_out_helm_test_when_the_test_is_disabled():
    assert "helm test" not in notes("operator", ["tests.enabled=false"])
