"""The operator chart's `helm test` pods (templates/tests/): test hooks that reach the operator through its Service,
GET /version with curl and `flinkctl deployments list` over the control plane with the TLS material of each Secret
form; one container each (`helm test --logs` reads one log per pod); restricted like the toolbox's pods and valid for
Kubernetes 1.32 (strict)."""
from __future__ import annotations

import subprocess
import sys

import kubernetes_validate
import pytest

from chartkit import HELM_DIR, REPO, pod_security, render

TLS_DIR = "/etc/flink-toolbox/tls"


def test_pods(sets: list[str] = ()) -> dict:
    """The rendered Pods by name (the chart renders no other Pod)."""
    return {o["metadata"]["name"]: o for o in render("operator", sets) if o["kind"] == "Pod"}


test_pods.__test__ = False  # a helper, not a test


def container(sets: list[str], pod: str, name: str = "flink-operator") -> dict:
    """The only container of test pod `<name>-test-<pod>`."""
    (only,) = test_pods(sets)[f"{name}-test-{pod}"]["spec"]["containers"]
    return only


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


VARIANTS = [[], ["secretName=flink-operator-ssl"], ["secretName=ssl", "tests.secretForm=keystore"],
            ["secretName=ssl", "tests.secretName=reader-ssl"], ["image.registry=registry.example/team"]]


@pytest.mark.parametrize("sets", VARIANTS, ids=[",".join(s) or "defaults" for s in VARIANTS])
def test_the_pods_are_restricted_and_valid(sets):
    pods = test_pods(sets)
    assert sorted(pods) == ["flink-operator-test-control-plane", "flink-operator-test-version"]
    for pod in pods.values():
        assert pod_security.problems(pod) == []
        kubernetes_validate.validate(pod, "1.32.0", strict=True)
        assert len(pod["spec"]["containers"]) == 1, "helm test --logs reads the log of single-container pods only"


def test_they_are_test_hooks_that_the_service_never_selects():
    service = next(o for o in render("operator") if o["kind"] == "Service")
    for pod in test_pods().values():
        assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
        assert pod["spec"]["restartPolicy"] == "Never" and pod["spec"]["automountServiceAccountToken"] is False
        assert not service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()


def test_without_tls_they_call_the_service_over_plain_http():
    sets = ["name=ops", "controlPort=5555", "monitorPort=9090"]
    version, control = container(sets, "version", "ops"), container(sets, "control-plane", "ops")
    assert version["command"] == ["curl"] and version["args"][-1] == "http://ops:9090/version"
    assert "--fail" in version["args"]
    assert control["args"][:2] == ["deployments", "list"]
    assert option(control["args"], "--host") == "ops" and option(control["args"], "--port") == "5555"
    assert "--insecure-http" in control["args"] and "volumeMounts" not in control
    assert "volumes" not in test_pods(sets)["ops-test-control-plane"]["spec"]


def test_with_a_pem_secret_flinkctl_presents_that_certificate():
    sets = ["secretName=flink-operator-ssl"]
    control = container(sets, "control-plane")
    assert "--insecure-http" not in control["args"]
    assert [option(control["args"], o) for o in ("--cert", "--key", "--ca-cert")] == [
        f"{TLS_DIR}/tls.crt", f"{TLS_DIR}/tls.key", f"{TLS_DIR}/ca.crt"]
    assert control["volumeMounts"] == [{"name": "tls", "mountPath": TLS_DIR, "readOnly": True}]
    assert test_pods(sets)["flink-operator-test-control-plane"]["spec"]["volumes"] == [
        {"name": "tls", "secret": {"secretName": "flink-operator-ssl"}}]


def test_secret_form_auto_is_pem_when_helm_cannot_read_the_secret():
    """`helm template` has no cluster: lookup finds nothing (installed, the hook reads the Secret: Tests/helm)."""
    assert test_pods(["secretName=ssl"]) == test_pods(["secretName=ssl", "tests.secretForm=pem"])


def test_with_a_keystore_secret_flinkctl_presents_the_keystore_and_its_passwords():
    sets = ["secretName=ssl", "tests.secretForm=keystore", "keystore.pathKey=api.p12", "keystore.secretKey=api-password"]
    control = container(sets, "control-plane")
    assert option(control["args"], "--keystore-path") == f"{TLS_DIR}/keystore.jks"
    assert option(control["args"], "--keystore-secret") == "$(KEYSTORE_SECRET)"
    assert option(control["args"], "--truststore-secret") == "$(TRUSTSTORE_SECRET)"
    assert {e["name"]: e["valueFrom"]["secretKeyRef"] for e in control["env"]} == {
        "KEYSTORE_SECRET": {"name": "ssl", "key": "api-password"},
        "TRUSTSTORE_SECRET": {"name": "ssl", "key": "truststore-secret"}}
    volume = test_pods(sets)["flink-operator-test-control-plane"]["spec"]["volumes"][0]
    assert {i["key"]: i["path"] for i in volume["secret"]["items"]} == {
        "api.p12": "keystore.jks", "api-password": "keystore-secret", "truststore.jks": "truststore.jks",
        "truststore-secret": "truststore-secret"}


def test_tests_secret_name_replaces_the_operators_secret():
    pod = test_pods(["secretName=ssl", "tests.secretName=reader-ssl"])["flink-operator-test-control-plane"]
    assert pod["spec"]["volumes"][0]["secret"]["secretName"] == "reader-ssl"


def test_the_flinkctl_image_comes_from_the_toolbox_registry():
    control = container(["image.registry=registry.example/team", "tests.image.tag=dev"], "control-plane")
    assert control["image"] == "registry.example/team/flink-k8s-toolbox-flinkctl:dev"
    assert container([], "control-plane")["image"] == "flink-k8s-toolbox-flinkctl:1.5.0"
    assert container(["tests.curlImage.repository=mirror.example/curl"], "version")["image"] == \
        "mirror.example/curl:8.11.1"


def test_tests_enabled_false_renders_no_pod():
    assert test_pods(["tests.enabled=false"]) == {}


@pytest.mark.parametrize(("option_given", "pods"), [([], 2), (["--skip-tests"], 0)])
def test_render_py_skip_tests_leaves_the_hooks_out(option_given, pods):
    out = subprocess.run([sys.executable, str(HELM_DIR / "render.py"), "deploy/helm/flink-k8s-toolbox-operator",
                          *option_given], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.count("\nkind: Pod\n") == pods and out.stdout.count("\nkind: Deployment\n") == 1
