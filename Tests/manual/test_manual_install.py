"""The original's manual, installing: every command of Tests/manual/install-commands.txt (the manuals' install,
upgrade and uninstall sections, verbatim) with the substitutions of the README's table and nothing else, in order,
on a fresh localkube: the manual's PKCS#12 keystore Secret, the three charts installed by the real Helm engine, and
flinkctl reaching the operator over mutual TLS with the manual's keystore options.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
INSTALL_COMMANDS = HERE / "install-commands.txt"

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "Tests" / "readme"))
import forward  # noqa: E402
from readme_system import start_local, stop_local  # noqa: E402
from test_manual import localized  # noqa: E402


def entries() -> list[tuple[str, str]]:
    """(outcome, command) of every line, in file order."""
    out = []
    for line in INSTALL_COMMANDS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            outcome, _, command = line.partition(" ")
            assert outcome in ("OK", "EXIT0", "READY"), f"unknown outcome {outcome!r} in: {line}"
            out.append((outcome, command))
    return out


class Cluster:
    """A fresh localkube with nothing installed, and the manual's working directory."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.work = run_dir / "work"
        self.work.mkdir()
        shutil.copy(REPO / "secrets.sh", self.work / "secrets.sh")
        (self.work / "deploy").symlink_to(REPO / "deploy")
        (self.work / "schemas").mkdir()  # the manual writes its schema copies into an existing folder
        self.listener = None
        bin_dir = (REPO / os.environ.get("BIN_DIR", ".build/debug")).resolve()
        self.env = dict(os.environ, KUBECONFIG=str(run_dir / "localkube" / "kubeconfig"),
                        PATH=f"{REPO / 'Tools' / 'helm'}:{bin_dir}:{os.environ['PATH']}", OPERATOR_HOST="localhost",
                        OPERATOR_PORT="0")

    def kubectl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["kubectl", *args], env=self.env, capture_output=True, text=True, timeout=60)

    def wait_operator(self, timeout: float = 180) -> None:
        """The operator Deployment's pods are all updated and ready; localhost:$OPERATOR_PORT reaches its Service."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            out = self.kubectl("-n", "flink-operator", "get", "deployment", "flink-operator", "-o", "json")
            if out.returncode == 0:
                deployment = json.loads(out.stdout)
                status, wanted = deployment.get("status") or {}, deployment["spec"].get("replicas", 1)
                last = json.dumps(status)
                if (status.get("observedGeneration") == deployment["metadata"].get("generation")
                        and status.get("updatedReplicas", 0) == wanted == status.get("readyReplicas", 0)
                        and status.get("replicas", 0) == wanted):
                    break
            time.sleep(0.5)
        else:
            pytest.fail(f"the operator did not become ready: {last}\n{self.logs()}")
        ip = self.kubectl("-n", "flink-operator", "get", "svc", "flink-operator", "-o",
                          "jsonpath={.spec.clusterIP}").stdout.strip()
        if self.listener is None:
            self.listener = forward.start(0, (ip, 4444))
            self.env["OPERATOR_PORT"] = str(self.listener.getsockname()[1])

    def logs(self) -> str:
        parts = []
        for args in (("get", "all,secrets", "-A"), ("-n", "flink-operator", "logs", "-l", "app=flink-operator",
                                                      "--tail=60"), ("get", "events", "-A")):
            out = self.kubectl(*args)
            parts.append(f"$ kubectl {' '.join(args)}\n{out.stdout[-4000:]}{out.stderr[-1000:]}")
        log = self.run_dir / "localkube.log"
        if log.exists():
            parts.append("localkube log (tail):\n" + "\n".join(log.read_text(errors="replace").splitlines()[-80:]))
        return "\n".join(parts)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("manual-install")
    env = start_local(run_dir, RUN_INSTALL="0")
    system = Cluster(run_dir)
    try:
        yield system
    finally:
        if system.listener is not None:
            system.listener.close()
        stop_local(env)


def test_the_manual_installs_upgrades_and_removes_the_toolbox(cluster):
    """One test: the commands depend on each other, in order; the first failure names its command."""
    for number, (outcome, manual) in enumerate(entries(), start=1):
        if outcome == "READY":
            cluster.wait_operator()
            continue
        command = localized(manual)
        out = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cluster.work, env=cluster.env,
                             capture_output=True, text=True, timeout=300)
        detail = (f"command {number}: {manual}\nran: {command}\nexit {out.returncode}\nstdout:\n{out.stdout[-2000:]}\n"
                  f"stderr:\n{out.stderr[-2000:]}\n{cluster.logs()}")
        assert out.returncode == 0, detail
        if outcome == "OK":
            assert out.stdout.strip() and out.stdout.strip() != "null", detail
    # Everything the manual installed is gone with its uninstall commands, but the CRDs: they carry
    # helm.sh/resource-policy: keep, so `helm uninstall flink-k8s-toolbox-crd` leaves them (and the second
    # `helm install flink-k8s-toolbox-crd` above took them over again).
    left = cluster.kubectl("get", "crd,namespaces", "-o", "name").stdout.split()
    assert not [name for name in left if name.endswith("/flink-operator")], left
    assert sorted(name for name in left if "nextbreakpoint" in name) == [
        f"customresourcedefinition.apiextensions.k8s.io/{plural}.nextbreakpoint.com"
        for plural in ("flinkclusters", "flinkdeployments", "flinkjobs")], left


def test_keystore_secrets_serve_supervisors_and_bootstraps(cluster):
    """Beyond the manual: the same keystore Secret in the jobs namespace (the README says to create it there, for the
    supervisors' mutual TLS) is read by the supervisor and its bootstrap Jobs as well: the demo's jobs run."""
    secret = ["create", "secret", "generic", "flink-operator-ssl",
              "--from-file=keystore.jks=secrets/keystore-operator-api.jks",
              "--from-file=truststore.jks=secrets/truststore-operator-api.jks",
              "--from-literal=keystore-secret=keystore-password", "--from-literal=truststore-secret=truststore-password"]
    steps = [["kubectl", "create", "namespace", "flink-operator"], ["kubectl", "create", "namespace", "flink-jobs"],
             ["kubectl", "-n", "flink-operator", *secret], ["kubectl", "-n", "flink-jobs", *secret],
             ["helm", "install", "flink-k8s-toolbox-crd", "deploy/helm/flink-k8s-toolbox-crd"],
             ["helm", "install", "flink-k8s-toolbox-roles", "deploy/helm/flink-k8s-toolbox-roles", "--namespace",
              "flink-operator", "--set", "targetNamespace=flink-jobs"],
             ["helm", "install", "flink-k8s-toolbox-operator", "deploy/helm/flink-k8s-toolbox-operator", "--namespace",
              "flink-operator", "--set", "targetNamespace=flink-jobs", "--set", "secretName=flink-operator-ssl"]]
    for step in steps:
        out = subprocess.run(step, cwd=cluster.work, env=cluster.env, capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, f"{step}: {out.stdout}{out.stderr}\n{cluster.logs()}"
    shared = cluster.run_dir / "localkube" / "shared"
    demo = (REPO / "Tools" / "localkube" / "demo" / "demo.yaml").read_text().replace("__SHARED__", str(shared))
    out = subprocess.run(["kubectl", "-n", "flink-jobs", "apply", "-f", "-"], input=demo, env=cluster.env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    deadline = time.monotonic() + 400
    states = ""
    while time.monotonic() < deadline:
        states = cluster.kubectl("-n", "flink-jobs", "get", "fj", "-o", "jsonpath={.items[*].status.jobStatus}").stdout
        if states.split() == ["RUNNING", "RUNNING"]:
            break
        time.sleep(1)
    else:
        pytest.fail(f"the demo's jobs did not run with keystore TLS: {states}\n{cluster.logs()}\n" +
                    cluster.kubectl("-n", "flink-jobs", "logs", "-l", "role=supervisor", "--tail=80").stdout)
    log = cluster.kubectl("-n", "flink-jobs", "logs", "-l", "role=supervisor", "--tail=-1").stdout
    # localkube runs the pod as a process, so the mounted Secret's path in the log is a host path.
    assert "tls=keystore " in log and "keystore.jks, truststore " in log, log[-3000:]
