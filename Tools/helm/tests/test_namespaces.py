"""Several namespaces: the operator chart passes `namespaces` / `allNamespaces` as --namespaces / --all-namespaces; the
roles chart gives the operator a Role in the target namespace and each listed one, or a ClusterRole for all namespaces,
and the supervisor and bootstrap accounts in each of those namespaces. Both are refused together."""
from __future__ import annotations

import helm_python
import pytest

from chartkit import CHARTS, render, values


def operator_args(sets: list[str]) -> list[str]:
    deployment = next(o for o in render("operator", sets) if o["kind"] == "Deployment")
    return deployment["spec"]["template"]["spec"]["containers"][0]["args"]


def kinds(objects: list[dict], kind: str) -> list[tuple[str | None, str]]:
    return sorted((o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects if o["kind"] == kind)


def test_operator_args_by_default_name_only_the_target_namespace():
    args = operator_args(["targetNamespace=flink-jobs"])
    assert args[args.index("--namespace") + 1] == "flink-jobs"
    assert "--namespaces" not in args and "--all-namespaces" not in args


def test_operator_args_list_the_namespaces_or_all():
    args = operator_args(["targetNamespace=flink-jobs", "namespaces={team-a,team-b}"])
    assert args[args.index("--namespaces") + 1] == "team-a,team-b"
    assert args[args.index("--namespace") + 1] == "flink-jobs"  # its own: Lease and control plane
    assert "--all-namespaces" in operator_args(["allNamespaces=true"])


def test_podmonitor_selects_the_managed_namespaces():
    def selector(sets):
        monitor = next(o for o in render("operator", ["monitoring.podMonitor.enabled=true"] + sets) if o["kind"] == "PodMonitor")
        return monitor["spec"]["namespaceSelector"]
    assert selector([]) == {"matchNames": ["toolbox"]}
    assert selector(["namespaces={team-a,team-b}"]) == {"matchNames": ["team-a", "team-b"]}
    assert selector(["allNamespaces=true"]) == {"any": True}


def test_roles_default_is_one_role_in_the_target_namespace():
    objects = render("roles", ["targetNamespace=flink-jobs"])
    assert kinds(objects, "Role") == [("flink-jobs", "flink-operator"), ("flink-jobs", "flink-supervisor")]
    assert kinds(objects, "ClusterRole") == []


def test_roles_per_listed_namespace_plus_the_target():
    objects = render("roles", ["targetNamespace=flink-jobs", "namespaces={team-a,flink-jobs,team-b}"])
    namespaces = ["flink-jobs", "team-a", "team-b"]
    assert kinds(objects, "Role") == sorted([(n, "flink-operator") for n in namespaces] + [(n, "flink-supervisor") for n in namespaces])
    assert kinds(objects, "RoleBinding") == kinds(objects, "Role")
    assert kinds(objects, "ServiceAccount") == sorted(
        [("toolbox", "flink-operator")] + [(n, a) for n in namespaces for a in ("flink-supervisor", "flink-bootstrap")])
    for binding in (o for o in objects if o["kind"] == "RoleBinding" and o["metadata"]["name"] == "flink-operator"):
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "flink-operator", "namespace": "toolbox"}]


def test_roles_for_all_namespaces_are_a_cluster_role():
    objects = render("roles", ["allNamespaces=true"])
    assert kinds(objects, "ClusterRole") == [(None, "flink-operator")]
    assert kinds(objects, "ClusterRoleBinding") == [(None, "flink-operator")]
    assert ("toolbox", "flink-operator") not in kinds(objects, "Role")
    cluster_role = next(o for o in objects if o["kind"] == "ClusterRole")
    role = next(o for o in render("roles") if o["kind"] == "Role" and o["metadata"]["name"] == "flink-operator")
    assert cluster_role["rules"] == role["rules"]


@pytest.mark.parametrize("chart", ["operator", "roles"])
@pytest.mark.parametrize("assignment,message", [
    ("namespaces={Team_A}", "at '/namespaces/0'"),
    ("namespaces={a,a}", "at '/namespaces'"),
    ("allNamespaces=yes", "at '/allNamespaces': got string, want boolean"),
])
def test_the_schemas_refuse_bad_namespaces(chart, assignment, message):
    with helm_python.Chart.load(CHARTS[chart]) as loaded, pytest.raises(helm_python.HelmError) as raised:
        loaded.render(values([assignment]), name="release", namespace="toolbox", is_install=True)
    assert message in str(raised.value)


def test_the_operator_schema_refuses_both_forms_together():
    with helm_python.Chart.load(CHARTS["operator"]) as loaded, pytest.raises(helm_python.HelmError) as raised:
        loaded.render(values(["allNamespaces=true", "namespaces={a}"]), name="release", namespace="toolbox", is_install=True)
    assert "/namespaces" in str(raised.value)
