"""The charts installed on localkube by the real Helm engine (Tools/helm/helm, as the README's install commands).

`helm test` of the operator chart: its test pods run as local processes, curl (the host's, through an image map entry
for curlimages/curl) and flinkctl (the all-in-one image: .build/debug), reaching the operator through its Service;
with the PEM Secret, then after `helm upgrade` to the manual's keystore Secret (secretForm auto: the hooks rendered at
upgrade read the Secret's form), and failing while the operator is down. `helm uninstall` of the CRD chart leaves the
CRDs and the custom resources (helm.sh/resource-policy: keep), and installing it again takes them over.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "readme"))
from readme_system import start_local, stop_local  # noqa: E402

OPERATOR = "flink-k8s-toolbox-operator"
NAMESPACE, TARGET = "flink-operator", "flink-jobs"
IMAGE_MAP = "images:\n  - match: \"curlimages/curl:*\"\n    type: dir\n    path: /\n    entrypoint: [curl]\n"


class System:
    """localkube with nothing installed, Tools/helm/helm on the PATH, and certificates of secrets.sh."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.secrets = run_dir / "secrets"
        self.env = dict(os.environ, KUBECONFIG=str(run_dir / "localkube" / "kubeconfig"), SECRETS_DIR=str(self.secrets),
                        PATH=f"{REPO / 'Tools' / 'helm'}:{os.environ['PATH']}")

    def run(self, *command: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout)

    def ok(self, *command: str) -> str:
        out = self.run(*command)
        assert out.returncode == 0, f"{' '.join(command)}: exit {out.returncode}\n{out.stdout}{out.stderr}"
        return out.stdout

    def secret(self, name: str, *sources: str) -> None:
        self.ok("kubectl", "-n", NAMESPACE, "create", "secret", "generic", name, *sources)

    def operator_ready(self, timeout: float = 180) -> None:
        """The operator Deployment's pods are all of the current generation and ready."""
        deadline, status = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            deployment = json.loads(self.ok("kubectl", "-n", NAMESPACE, "get", "deployment", "flink-operator",
                                            "-o", "json"))
            status, wanted = deployment.get("status") or {}, deployment["spec"]["replicas"]
            if (status.get("observedGeneration") == deployment["metadata"]["generation"]
                    and status.get("updatedReplicas", 0) == status.get("readyReplicas", 0) == wanted
                    and status.get("replicas", 0) == wanted):
                return
            time.sleep(0.5)
        pytest.fail(f"the operator did not become ready: {status}\n{self.logs()}")

    def logs(self) -> str:
        parts = [self.run("kubectl", "get", "pods,events", "-A").stdout[-4000:],
                 self.run("kubectl", "-n", NAMESPACE, "logs", "-l", "app=flink-operator", "--tail=40").stdout]
        log = self.run_dir / "localkube.log"
        if log.exists():
            parts.append("\n".join(log.read_text(errors="replace").splitlines()[-40:]))
        return "\n".join(parts)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("helm-test")
    image_map = run_dir / "images.yaml"
    image_map.write_text(IMAGE_MAP)
    env = start_local(run_dir, RUN_INSTALL="0", LOCALKUBE_IMAGE_MAP=str(image_map))
    try:
        yield System(run_dir)
    finally:
        stop_local(env)


@pytest.fixture(scope="module")
def installed(system):
    """The README's install: PEM Secret, then the crd, roles and operator charts."""
    s = system.secrets
    system.ok("bash", "secrets.sh", "flink-operator", "key-password", "keystore-password", "truststore-password")
    for namespace in (NAMESPACE, TARGET):
        system.ok("kubectl", "create", "namespace", namespace)
    system.secret("flink-operator-ssl", f"--from-file=tls.crt={s}/operator-api_cert.pem",
                  f"--from-file=tls.key={s}/operator-api_key.pem", f"--from-file=ca.crt={s}/ca_cert.pem")
    system.ok("helm", "install", "flink-k8s-toolbox-crd", "deploy/helm/flink-k8s-toolbox-crd")
    system.ok("helm", "install", "flink-k8s-toolbox-roles", "deploy/helm/flink-k8s-toolbox-roles", "--namespace",
              NAMESPACE, "--set", f"targetNamespace={TARGET}")
    system.ok("helm", "install", OPERATOR, f"deploy/helm/{OPERATOR}", "--namespace", NAMESPACE, "--set",
              f"targetNamespace={TARGET}", "--set", "secretName=flink-operator-ssl")
    system.operator_ready()
    return system


def helm_test(system: System) -> subprocess.CompletedProcess:
    return system.run("helm", "test", OPERATOR, "--namespace", NAMESPACE, "--timeout", "120s", "--logs")


def test_helm_test_passes_with_the_pem_secret(installed):
    out = helm_test(installed)
    assert out.returncode == 0, f"{out.stdout}{out.stderr}\n{installed.logs()}"
    assert "TEST SUITE: passed" in out.stdout
    assert '"name":"flink-k8s-toolbox"' in out.stdout.replace(" ", ""), out.stdout  # /version, printed by curl
    assert '"status":"OK"' in out.stdout.replace(" ", ""), out.stdout  # the control plane's envelope, by flinkctl


def test_helm_test_fails_while_the_operator_is_down(installed):
    installed.ok("kubectl", "-n", NAMESPACE, "scale", "deployment", "flink-operator", "--replicas=0")
    try:
        installed.operator_ready()
        out = helm_test(installed)
        assert out.returncode == 1, f"{out.stdout}{out.stderr}"
    finally:
        installed.ok("kubectl", "-n", NAMESPACE, "scale", "deployment", "flink-operator", "--replicas=1")
        installed.operator_ready()


def test_helm_test_passes_with_the_manuals_keystore_secret_after_upgrade(installed):
    s = installed.secrets
    installed.secret("flink-operator-keystore", f"--from-file=keystore.jks={s}/keystore-operator-api.jks",
                     f"--from-file=truststore.jks={s}/truststore-operator-api.jks",
                     "--from-literal=keystore-secret=keystore-password",
                     "--from-literal=truststore-secret=truststore-password")
    installed.ok("helm", "upgrade", OPERATOR, f"deploy/helm/{OPERATOR}", "--namespace", NAMESPACE, "--set",
                 f"targetNamespace={TARGET}", "--set", "secretName=flink-operator-keystore")
    installed.operator_ready()
    out = helm_test(installed)
    assert out.returncode == 0, f"{out.stdout}{out.stderr}\n{installed.logs()}"
    assert '"status":"OK"' in out.stdout.replace(" ", ""), out.stdout


def test_uninstalling_the_crd_chart_keeps_the_crds_and_the_resources(installed):
    # In a namespace the operator does not manage: the FlinkDeployment is only stored.
    installed.ok("kubectl", "-n", "default", "apply", "-f", "examples/manual-1.4.4/deployment.yaml")
    installed.ok("helm", "uninstall", "flink-k8s-toolbox-crd")
    assert installed.ok("kubectl", "get", "crd", "-o", "name").split() == [
        f"customresourcedefinition.apiextensions.k8s.io/{plural}.nextbreakpoint.com"
        for plural in ("flinkclusters", "flinkdeployments", "flinkjobs")]
    assert installed.ok("kubectl", "-n", "default", "get", "fd", "-o", "name").split() == [
        "flinkdeployment.nextbreakpoint.com/demo"]
    installed.ok("helm", "install", "flink-k8s-toolbox-crd", "deploy/helm/flink-k8s-toolbox-crd")
    labels = json.loads(installed.ok("kubectl", "get", "crd", "flinkjobs.nextbreakpoint.com", "-o",
                                     "jsonpath={.metadata.labels}"))
    assert labels["app.kubernetes.io/instance"] == "flink-k8s-toolbox-crd", labels
