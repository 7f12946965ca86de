"""One real scenario: the operator image, as a podman container on the host network, manages the demo FlinkDeployment
(Tools/localkube/demo/demo.yaml: real Flink 2.3.0, two jobs) on localkube until its cluster and jobs are Started.

localkube runs with `--container-runtime podman` (`make run`'s Tools/run-local.sh with LOCALKUBE_CONTAINER_RUNTIME=podman,
in a temporary folder): the supervisor and bootstrap pods run FROM THEIR IMAGES as podman containers (the test sees
them by localkube's labels, and their pods' containerIDs are podman://), while the Flink pods (flink:2.3.0, not in
podman's storage) stay processes of the image map. The chart's operator Deployment (its pod a podman container of the
operator image too) is scaled to 0 and the test's container takes its place with the operator chart's arguments,
localkube's kubeconfig and the operator-api TLS files."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from podman import REPO, Container, image, logs, podman, version, wait_for

NS = "flink-jobs"
JOBS = REPO / ".cache" / "flink" / "jobs-2.3.0"


@pytest.fixture(scope="module")
def localkube():
    if not (JOBS / "toolbox-test-jobs.jar").exists():
        pytest.fail(f"{JOBS}: no test jobs (make flink-deps)")
    for name in ("operator", "supervisor", "bootstrap"):
        assert podman("image", "exists", image(name), check=False).returncode == 0, f"{image(name)}: not built (make images)"
    run = Path(tempfile.mkdtemp(prefix="images-test-localkube-"))
    env = dict(os.environ, RUN_DIR=str(run), RUN_DETACH="1", RUN_DEMO="0", LOCALKUBE_CONTAINER_RUNTIME="podman")
    out = subprocess.run([str(REPO / "Tools/run-local.sh")], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:] + localkube_log(run)
    try:
        yield run
    finally:
        subprocess.run([str(REPO / "Tools/run-local.sh"), "stop"], cwd=REPO, env=env, capture_output=True, timeout=120)
        deadline = time.monotonic() + 30   # (a SIGKILLed localkube's watchdog removes them just after)
        while (left := containers(run)) and time.monotonic() < deadline:
            time.sleep(0.5)
        for container in left:
            podman("rm", "-f", "--ignore", "-t", "0", container["Id"], check=False)
        shutil.rmtree(run, ignore_errors=True)
        assert not left, f"podman containers left after localkube stopped: {[c['Names'] for c in left]}"


def localkube_log(run: Path) -> str:
    path = run / "localkube.log"
    return f"\n--- localkube log ({path}):\n" + (path.read_text()[-8000:] if path.exists() else "(none)")


def containers(run: Path) -> list[dict]:
    """podman's containers (also stopped ones) of the localkube of `run`, by localkube's state-dir label."""
    label = f"label=localkube.state-dir={os.path.realpath(run / 'localkube')}"
    return json.loads(podman("ps", "--all", "--format", "json", "--filter", label).stdout or "[]")


def kubectl(run: Path, *args: str, input: str | None = None) -> str:
    out = subprocess.run(["kubectl", "--kubeconfig", str(run / "localkube/kubeconfig"), "-n", NS, *args], input=input,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"kubectl {' '.join(args)}: {out.stderr}" + localkube_log(run)
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
    seen: dict[str, set] = {}   # image -> names of the pods' podman containers seen

    def watching(condition):
        """The condition, after noting the pods' podman containers (the bootstrap's live only seconds)."""
        def check():
            for found in containers(run):
                seen.setdefault(found["Image"], set()).add((found["Labels"] or {}).get("io.kubernetes.pod.name"))
            return condition()
        return check
    try:
        wait_for(lambda: "monitoring listening on port" in logs(container.name), 60, "operator listening", container.name)
        demo = (REPO / "Tools/localkube/demo/demo.yaml").read_text().replace("__SHARED__", str(run / "localkube/shared"))
        kubectl(run, "apply", "-f", "-", input=demo)
        try:
            wait_for(watching(lambda: status(run, "fc", "demo") == "Started"), 300, "FlinkCluster demo Started",
                     container.name)
            for job in ("demo-computeaverage", "demo-computemaximum"):
                wait_for(watching(lambda: status(run, "fj", job) == "Started"), 300, f"FlinkJob {job} Started",
                         container.name)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\npodman containers seen: {seen}{localkube_log(run)}") from None
        # The supervisor and the bootstrap ran from their images, as podman containers of this localkube.
        for name in ("supervisor", "bootstrap"):
            assert seen.get(image(name)), f"no podman container of {image(name)} seen: {seen}" + localkube_log(run)
        pods = json.loads(kubectl(run, "get", "pods", "-o", "json"))["items"]
        supervisors = [p for p in pods if any(c["image"].endswith(f"-supervisor:{version()}") for c in p["spec"]["containers"])]
        assert supervisors, "no supervisor pod"
        for pod in supervisors:
            ids = [s.get("containerID", "") for s in pod["status"].get("containerStatuses") or []]
            assert ids and all(i.startswith("podman://lk-") for i in ids), f"{pod['metadata']['name']}: {ids}"
        flink = [p for p in pods if any(c["image"].startswith("flink:") for c in p["spec"]["containers"])]
        assert flink and all(s.get("containerID", "").startswith("localkube://") for p in flink
                             for s in p["status"].get("containerStatuses") or []), "the Flink pods are not processes"
        print(f"operator container: demo Started ({', '.join(kubectl(run, 'get', 'fd,fc,fj', '-o', 'name').split())}); "
              f"podman containers: {({k: sorted(v) for k, v in seen.items()})}")
    finally:
        container.remove()
