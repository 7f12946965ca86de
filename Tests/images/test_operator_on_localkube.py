"""One real scenario: the operator image, as a podman container on the host network, manages the demo FlinkDeployment
(Tools/localkube/demo/demo.yaml: real Flink 2.3.0, two jobs) on localkube until its cluster and jobs are Started.

localkube runs the other pods as processes (`make run`'s Tools/run-local.sh, in a temporary folder): the supervisor
and bootstrap images are mapped to the executables of the flinkctl image (copied out of it with `podman cp`), so
everything the toolbox runs comes from the images. The chart's operator Deployment is scaled to 0 and the container
takes its place with the operator chart's arguments, localkube's kubeconfig and the operator-api TLS files."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from podman import REPO, Container, image, logs, podman, wait_for

NS = "flink-jobs"
JOBS = REPO / ".cache" / "flink" / "jobs-2.3.0"


def copy_executables(target: Path) -> None:
    name = "images-test-copy-executables"
    podman("rm", "-f", "--ignore", name)
    podman("create", "--name", name, image("flinkctl"))
    try:
        podman("cp", f"{name}:/usr/local/bin/.", str(target))
    finally:
        podman("rm", "-f", "--ignore", name, check=False)


@pytest.fixture(scope="module")
def localkube():
    if not (JOBS / "toolbox-test-jobs.jar").exists():
        pytest.fail(f"{JOBS}: no test jobs (make flink-deps)")
    run = Path(tempfile.mkdtemp(prefix="images-test-localkube-"))
    binaries = run / "bin"
    binaries.mkdir()
    copy_executables(binaries)
    paths = {"/opt/jobs": str(JOBS)}
    (run / "images.json").write_text(json.dumps({"images": [
        {"match": "flink:*", "type": "flink", "version": "2.3.0"},
        *({"match": f"*flink-k8s-toolbox-{n}:*", "type": "toolbox", "path": str(binaries), "paths": paths}
          for n in ("operator", "supervisor", "bootstrap")),
        {"match": "*flink-k8s-toolbox-flinkctl:*", "type": "toolbox", "path": str(binaries), "paths": paths,
         "entrypoint": ["flinkctl"]}]}))
    env = dict(__import__("os").environ, RUN_DIR=str(run), RUN_DETACH="1", RUN_DEMO="0", BIN_DIR=str(binaries),
               LOCALKUBE_IMAGE_MAP=str(run / "images.json"))
    out = subprocess.run([str(REPO / "Tools/run-local.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    try:
        yield run
    finally:
        subprocess.run([str(REPO / "Tools/run-local.sh"), "stop"], cwd=REPO, env=env, capture_output=True, timeout=120)
        shutil.rmtree(run, ignore_errors=True)


def kubectl(run: Path, *args: str, input: str | None = None) -> str:
    out = subprocess.run(["kubectl", "--kubeconfig", str(run / "localkube/kubeconfig"), "-n", NS, *args], input=input,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"kubectl {' '.join(args)}: {out.stderr}"
    return out.stdout


def status(run: Path, kind: str, name: str) -> str | None:
    found = json.loads(kubectl(run, "get", kind, "-o", "json"))["items"]
    return next(((o.get("status") or {}).get("supervisorStatus") for o in found if o["metadata"]["name"] == name), None)


def test_operator_container_runs_the_demo(localkube):
    run = localkube
    kubectl(run, "scale", "deployment/flink-operator", "--replicas=0")
    wait_for(lambda: not json.loads(kubectl(run, "get", "pods", "-l", "app=flink-operator", "-o", "json"))["items"], 60,
             "the chart's operator pod gone")
    tls = run / "tls"
    tls.mkdir()
    for source, target in (("operator-api_cert.pem", "tls.crt"), ("operator-api_key.pem", "tls.key"), ("ca_cert.pem", "ca.crt")):
        shutil.copy(REPO / "secrets" / source, tls / target)
        (tls / target).chmod(0o644)
    (run / "localkube/kubeconfig").chmod(0o644)
    container = Container("images-test-operator-localkube", [
        "--read-only", "--network", "host", "-v", f"{run / 'localkube/kubeconfig'}:/config/kubeconfig:ro",
        "-v", f"{tls}:/etc/flink-toolbox/tls:ro", image("operator"), "run", "--namespace", NS,
        "--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0", "--kube-config", "/config/kubeconfig",
        "--identity", "images-test", "--supervisor-tls-secret", "flink-supervisor-ssl",
        "--bootstrap-tls-secret", "flink-bootstrap-ssl", "--tls-dir", "/etc/flink-toolbox/tls"])
    try:
        wait_for(lambda: "monitoring listening on port" in logs(container.name), 60, "operator listening", container.name)
        demo = (REPO / "Tools/localkube/demo/demo.yaml").read_text().replace("__SHARED__", str(run / "localkube/shared"))
        kubectl(run, "apply", "-f", "-", input=demo)
        wait_for(lambda: status(run, "fc", "demo") == "Started", 300, "FlinkCluster demo Started", container.name)
        for job in ("demo-computeaverage", "demo-computemaximum"):
            wait_for(lambda: status(run, "fj", job) == "Started", 300, f"FlinkJob {job} Started", container.name)
        print(f"operator container: demo Started ({', '.join(kubectl(run, 'get', 'fd,fc,fj', '-o', 'name').split())})")
    finally:
        container.remove()
