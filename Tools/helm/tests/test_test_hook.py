"""The operator chart's `helm test` pod (templates/tests/control-plane.yaml): a test hook that reaches the operator
through its Service, GET /version with curl and `flinkctl deployments list` over the control plane with the TLS
material of each Secret form; restricted like the toolbox's pods and valid for Kubernetes 1.32 (strict)."""
from __future__ import annotations

import subprocess
import sys

import kubernetes_validate
import pytest

from chartkit import HELM_DIR, REPO, pod_security, render

TLS_DIR = "/etc/flink-toolbox/tls"


def test_pod(sets: list[str] = ()) -> dict | None:
    pods = [o for o in render("operator", sets) if o["kind"] == "Pod"]
    assert len(pods) <= 1, pods
    return pods[0] if pods else None


test_pod.__test__ = False  # a helper, not a test


def containers(pod: dict) -> dict:
    return {c["name"]: c for c in pod["spec"]["containers"]}


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


VARIANTS = [[], ["secretName=flink-operator-ssl"], ["secretName=ssl", "tests.secretForm=keystore"],
            ["secretName=ssl", "tests.secretName=reader-ssl"], ["image.registry=registry.example/team"]]


@pytest.mark.parametrize("sets", VARIANTS, ids=[",".join(s) or "defaults" for s in VARIANTS])
def test_the_pod_is_restricted_and_valid(sets):
    pod = test_pod(sets)
    assert pod_security.problems(pod) == []
    kubernetes_validate.validate(pod, "1.32.0", strict=True)


def test_it_is_a_test_hook_that_the_service_never_selects():
    pod = test_pod()
    service = next(o for o in render("operator") if o["kind"] == "Service")
    assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert pod["spec"]["restartPolicy"] == "Never" and pod["spec"]["automountServiceAccountToken"] is False
    assert not service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()


def test_without_tls_it_calls_the_service_over_plain_http():
    pod = test_pod(["name=ops", "controlPort=5555", "monitorPort=9090"])
    version, control = containers(pod)["version"], containers(pod)["control-plane"]
    assert version["command"] == ["curl"] and version["args"][-1] == "http://ops:9090/version"
    assert "--fail" in version["args"]
    assert control["args"][:2] == ["deployments", "list"]
    assert option(control["args"], "--host") == "ops" and option(control["args"], "--port") == "5555"
    assert "--insecure-http" in control["args"] and "volumes" not in pod["spec"]


def test_with_a_pem_secret_it_presents_that_certificate():
    pod = test_pod(["secretName=flink-operator-ssl"])
    control = containers(pod)["control-plane"]
    assert "--insecure-http" not in control["args"]
    assert [option(control["args"], o) for o in ("--cert", "--key", "--ca-cert")] == [
        f"{TLS_DIR}/tls.crt", f"{TLS_DIR}/tls.key", f"{TLS_DIR}/ca.crt"]
    assert control["volumeMounts"] == [{"name": "tls", "mountPath": TLS_DIR, "readOnly": True}]
    assert pod["spec"]["volumes"] == [{"name": "tls", "secret": {"secretName": "flink-operator-ssl"}}]


def test_secret_form_auto_is_pem_when_helm_cannot_read_the_secret():
    """`helm template` has no cluster: lookup finds nothing (the installed hook reads the Secret, Tests/helm)."""
    assert test_pod(["secretName=ssl"]) == test_pod(["secretName=ssl", "tests.secretForm=pem"])


def test_with_a_keystore_secret_it_presents_the_keystore_and_its_passwords():
    pod = test_pod(["secretName=ssl", "tests.secretForm=keystore", "keystore.pathKey=api.p12",
                    "keystore.secretKey=api-password"])
    control = containers(pod)["control-plane"]
    assert option(control["args"], "--keystore-path") == f"{TLS_DIR}/keystore.jks"
    assert option(control["args"], "--keystore-secret") == "$(KEYSTORE_SECRET)"
    assert option(control["args"], "--truststore-secret") == "$(TRUSTSTORE_SECRET)"
    assert {e["name"]: e["valueFrom"]["secretKeyRef"] for e in control["env"]} == {
        "KEYSTORE_SECRET": {"name": "ssl", "key": "api-password"},
        "TRUSTSTORE_SECRET": {"name": "ssl", "key": "truststore-secret"}}
    items = {i["key"]: i["path"] for i in pod["spec"]["volumes"][0]["secret"]["items"]}
    assert items == {"api.p12": "keystore.jks", "api-password": "keystore-secret", "truststore.jks": "truststore.jks",
                     "truststore-secret": "truststore-secret"}


def test_tests_secret_name_replaces_the_operators_secret():
    pod = test_pod(["secretName=ssl", "tests.secretName=reader-ssl"])
    assert pod["spec"]["volumes"][0]["secret"]["secretName"] == "reader-ssl"


def test_the_flinkctl_image_comes_from_the_toolbox_registry():
    control = containers(test_pod(["image.registry=registry.example/team", "tests.image.tag=dev"]))["control-plane"]
    assert control["image"] == "registry.example/team/flink-k8s-toolbox-flinkctl:dev"
    assert containers(test_pod())["control-plane"]["image"] == "flink-k8s-toolbox-flinkctl:1.5.0"


def test_tests_enabled_false_renders_no_pod():
    assert test_pod(["tests.enabled=false"]) is None


@pytest.mark.parametrize(("option_given", "pods"), [([], 1), (["--skip-tests"], 0)])
def test_render_py_skip_tests_leaves_the_hook_out(option_given, pods):
    out = subprocess.run([sys.executable, str(HELM_DIR / "render.py"), "deploy/helm/flink-k8s-toolbox-operator",
                          *option_given], cwd=REPO, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.count("\nkind: Pod\n") == pods and out.stdout.count("\nkind: Deployment\n") == 1
