"""localkube's `--container-runtime podman` with real podman: a pod whose image is in podman's storage (a tiny image
of this test, localhost/localkube-podman-test:1, made from localhost/debian:bookworm-slim) runs as a container with
the localkube labels; its output is `kubectl logs`; a mounted Secret and ConfigMap are readable by the pod's
runAsUser on a read-only root; a Service name resolves through the pod's /etc/hosts; deleting the pod stops and
removes the container; an image podman does not have falls back to the process mapping; a SIGKILLed localkube leaves
no container (its watchdog) and the next start removes what a crashed run left. Each failure message ends with
localkube's log."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from podman import REPO, podman

TEST_IMAGE = "localhost/localkube-podman-test:1"
BASE_IMAGE = "localhost/debian:bookworm-slim"
CONTAINERFILE = f"""FROM {BASE_IMAGE}
ENV GREETING=from-image
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo \\"$GREETING\\""]
"""
IMAGE_MAP = {"images": [{"match": "busybox*", "type": "dir", "path": "/", "entrypoint": ["/bin/sh"]}]}


@pytest.fixture(scope="module")
def test_image() -> str:
    """The test image, built (no RUN step: instant, no network) when podman's storage lacks it."""
    if podman("image", "exists", TEST_IMAGE, check=False).returncode != 0:
        assert podman("image", "exists", BASE_IMAGE, check=False).returncode == 0, \
            f"{BASE_IMAGE}: not in podman's storage (make images-deps)"
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "Containerfile").write_text(CONTAINERFILE)
            podman("build", "--pull=never", "-t", TEST_IMAGE, folder, timeout=300)
    return TEST_IMAGE


class Localkube:
    """`python3 -m localkube --container-runtime podman` on a state dir, its log in a file, stopped by pid."""

    def __init__(self, state: Path):
        self.state, self.log = state, state.parent / f"{state.name}.log"
        self.proc: subprocess.Popen | None = None
        self.kubeconfig = state / "kubeconfig"

    def start(self) -> "Localkube":
        image_map = self.state.parent / "images.json"
        image_map.write_text(json.dumps(IMAGE_MAP))
        env = dict(os.environ, PYTHONPATH=str(REPO / "Tools/localkube"))
        offset = len(self.text())
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "localkube", "--state-dir", str(self.state), "--port", "0",
                                          "--container-runtime", "podman", "--image-map", str(image_map),
                                          "--log-level", "INFO", "--exit-with-parent"],
                                         stdout=log, stderr=subprocess.STDOUT, env=env, stdin=subprocess.DEVNULL)
        self.until(lambda: "localkube listening" in self.text()[offset:], 30, "localkube started")
        return self

    def text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def fail(self, message: str):
        raise AssertionError(f"{message}\n--- localkube log ({self.log}):\n{self.text()[-6000:]}")

    def until(self, condition, timeout: float, what: str):
        """Poll a condition (0.2 s) until it is truthy; fail with localkube's log."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if self.proc is not None and self.proc.poll() is not None and "localkube listening" not in self.text():
                self.fail(f"{what}: localkube exited {self.proc.returncode}")
            if time.monotonic() > deadline:
                self.fail(f"{what}: not within {timeout:.0f} s")
            time.sleep(0.2)

    def kubectl(self, *args: str, input: str | None = None, check: bool = True) -> str:
        out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), *args], input=input, capture_output=True,
                             text=True, timeout=60)
        if check and out.returncode != 0:
            self.fail(f"kubectl {' '.join(args)}: {out.stderr}")
        return out.stdout

    def pod(self, name: str) -> dict | None:
        out = self.kubectl("get", "pod", name, "-o", "json", "--ignore-not-found")
        return json.loads(out) if out.strip() else None

    def containers(self, **labels: str) -> list[dict]:
        """podman's containers (also stopped ones) of this state dir, with more label filters."""
        filters = [f"label=localkube.state-dir={os.path.realpath(self.state)}",
                   *(f"label={k.replace('_', '.')}={v}" for k, v in labels.items())]
        out = podman("ps", "--all", "--format", "json", *(a for f in filters for a in ("--filter", f))).stdout
        return json.loads(out or "[]")

    def signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self) -> None:
        """SIGTERM by pid; SIGKILL if it is still there after 30 s."""
        if self.proc is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@pytest.fixture(scope="module")
def lk(test_image):
    folder = Path(tempfile.mkdtemp(prefix="images-test-localkube-podman-"))
    server = Localkube(folder / "state").start()
    try:
        yield server
    finally:
        server.stop()
        left = server.containers()
        for container in left:
            podman("rm", "-f", "--ignore", "-t", "0", container["Id"], check=False)
        subprocess.run(["rm", "-rf", str(folder)], check=False)
        assert not left, f"containers left after localkube stopped: {[c['Names'] for c in left]}\n{server.text()[-4000:]}"


def phase(lk: Localkube, name: str, wanted: str, timeout: float = 60) -> dict:
    return lk.until(lambda: (lambda p: p if p and (p.get("status") or {}).get("phase") == wanted else None)(lk.pod(name)),
                    timeout, f"pod {name} {wanted}")


def ready(pod: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in (pod.get("status") or {}).get("conditions") or [])


WEB_SCRIPT = ('echo "greeting=$GREETING"; id -u; echo "secret=$(cat /etc/secret/password)"; '
              'echo "config=$(cat /etc/config/app.conf)"; echo "kubeconfig=$KUBECONFIG"; '
              'echo "resolved=$(getent hosts websvc.default.svc.cluster.local)"; '
              'touch /etc/probe 2>/dev/null || echo read-only-root; touch /tmp/x && echo tmp-writable; '
              'trap "echo got-sigterm; exit 0" TERM; while true; do sleep 0.2; done')


def test_pod_runs_as_a_podman_container(lk, test_image):
    lk.kubectl("create", "secret", "generic", "web-secret", "--from-literal=password=hunter2")
    lk.kubectl("create", "configmap", "web-config", "--from-literal=app.conf=hello-config")
    lk.kubectl("create", "service", "clusterip", "websvc", "--tcp=80:8080")
    cluster_ip = lk.kubectl("get", "service", "websvc", "-o", "jsonpath={.spec.clusterIP}").strip()
    lk.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"terminationGracePeriodSeconds": 10,
                 "securityContext": {"runAsUser": 10001, "runAsGroup": 10001, "runAsNonRoot": True},
                 "containers": [{"name": "main", "image": "localkube-podman-test:1", "args": [WEB_SCRIPT],
                                 "securityContext": {"readOnlyRootFilesystem": True},
                                 "readinessProbe": {"periodSeconds": 1, "exec": {"command": [
                                     "/bin/sh", "-c", "echo probed >> /tmp/probes; test -f /tmp/ready"]}},
                                 "volumeMounts": [{"name": "secret", "mountPath": "/etc/secret"},
                                                  {"name": "config", "mountPath": "/etc/config"},
                                                  {"name": "tmp", "mountPath": "/tmp"}]}],
                 "volumes": [{"name": "secret", "secret": {"secretName": "web-secret"}},
                             {"name": "config", "configMap": {"name": "web-config"}},
                             {"name": "tmp", "emptyDir": {}}]}}))
    pod = phase(lk, "web", "Running")
    uid = pod["metadata"]["uid"]
    containers = lk.until(lambda: lk.containers(io_kubernetes_pod_uid=uid), 30, "the pod's podman container")
    assert len(containers) == 1 and containers[0]["State"] == "running", containers
    container = containers[0]
    assert container["Image"] == test_image and container["Names"] == [f"lk-{uid}-main-0"], container
    status = lk.until(lambda: ((lk.pod("web").get("status") or {}).get("containerStatuses") or [{}])[0].get(
        "containerID"), 30, "containerID")
    assert status == f"podman://lk-{uid}-main-0"
    logs = lk.until(lambda: (lambda text: text if "tmp-writable" in text else None)(lk.kubectl("logs", "web")), 30,
                    "the container's output in kubectl logs")
    lines = logs.splitlines()
    for expected in ("greeting=from-image", "10001", "secret=hunter2", "config=hello-config",
                     "kubeconfig=/var/run/localkube/kubeconfig", "read-only-root", "tmp-writable"):
        assert expected in lines, f"{expected!r} not in the log:\n{logs}\n{lk.text()[-3000:]}"
    resolved = next(line for line in lines if line.startswith("resolved="))
    assert resolved.split("=", 1)[1].split()[0] == cluster_ip, f"{resolved} (cluster IP {cluster_ip})"

    # The exec readiness probe runs in the container (`podman exec`): it fails until /tmp/ready exists there (the
    # emptyDir, a folder of the pod on the host).
    tmp = lk.state / "pods" / f"default_web_{uid}" / "volumes" / "tmp"
    lk.until(lambda: (tmp / "probes").exists() and len((tmp / "probes").read_text().split()) >= 2, 30, "probes ran")
    assert not ready(lk.pod("web")), "Ready before /tmp/ready exists"
    (tmp / "ready").write_text("")
    lk.until(lambda: ready(lk.pod("web")), 30, "pod web Ready after /tmp/ready appeared")

    # Deletion: SIGTERM reaches the container (its trap prints), which ends well within the grace period (10 s).
    follow = subprocess.Popen(["kubectl", "--kubeconfig", str(lk.kubeconfig), "logs", "-f", "web"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lk.until(lambda: lk.pod("web") is not None, 5, "pod web still there")
        started = time.monotonic()
        lk.kubectl("delete", "pod", "web", "--wait=false")
        lk.until(lambda: lk.pod("web") is None, 30, "pod web removed")
        took = time.monotonic() - started
        followed = follow.communicate(timeout=30)[0]
    finally:
        follow.kill()
    assert "got-sigterm" in followed, f"no got-sigterm in the followed log:\n{followed}\n{lk.text()[-3000:]}"
    assert took < 8, f"deletion took {took:.1f} s (grace period 10 s): SIGTERM did not stop the container"
    lk.until(lambda: not lk.containers(io_kubernetes_pod_uid=uid), 30, "the pod's container removed")
    print(f"pod web ran as podman container {container['Names'][0]} ({test_image}); removed with the pod")


def test_exit_code_and_restart(lk, test_image):
    lk.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fails"},
        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "main", "image": test_image,
                                                               "command": ["/bin/sh", "-c", "echo attempt; exit 3"]}]}}))
    pod = lk.until(lambda: (lambda p: p if p and ((p.get("status") or {}).get("containerStatuses") or [{}])[0].get(
        "restartCount", 0) >= 1 else None)(lk.pod("fails")), 60, "pod fails restarted")
    last = pod["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert last["exitCode"] == 3, last
    assert "attempt" in lk.kubectl("logs", "fails", "--previous")
    lk.kubectl("delete", "pod", "fails", "--wait=false")
    lk.until(lambda: lk.pod("fails") is None, 30, "pod fails removed")
    uid = pod["metadata"]["uid"]
    lk.until(lambda: not lk.containers(io_kubernetes_pod_uid=uid), 30, "no container of pod fails left")


def test_image_not_in_podman_falls_back_to_the_process_mapping(lk):
    assert podman("image", "exists", "busybox:1", check=False).returncode != 0
    lk.kubectl("apply", "-f", "-", input=json.dumps({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "proc"},
        "spec": {"terminationGracePeriodSeconds": 2, "containers": [
            {"name": "main", "image": "busybox:1", "args": ["-c", "echo from-process; exec sleep 300"]}]}}))
    pod = phase(lk, "proc", "Running")
    container_id = lk.until(lambda: ((lk.pod("proc").get("status") or {}).get("containerStatuses") or [{}])[0].get(
        "containerID"), 30, "containerID")
    assert container_id.startswith("localkube://"), container_id
    assert not lk.containers(io_kubernetes_pod_uid=pod["metadata"]["uid"])
    lk.until(lambda: "from-process" in lk.kubectl("logs", "proc"), 30, "the process's output")
    lk.kubectl("delete", "pod", "proc", "--wait=false")
    lk.until(lambda: lk.pod("proc") is None, 30, "pod proc removed")


def test_no_container_outlives_a_killed_localkube(test_image):
    """SIGKILL: the watchdog removes the instance's containers; the next start removes any leftover of the state
    dir (here one made by hand) and runs the pod again."""
    folder = Path(tempfile.mkdtemp(prefix="images-test-localkube-podman-kill-"))
    state = folder / "state"
    server = Localkube(state).start()
    leftover = "images-test-localkube-leftover"
    try:
        server.kubectl("apply", "-f", "-", input=json.dumps({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sleeper"},
            "spec": {"containers": [{"name": "main", "image": test_image, "args": ["exec sleep 300"]}]}}))
        uid = phase(server, "sleeper", "Running")["metadata"]["uid"]
        server.until(lambda: [c for c in server.containers(io_kubernetes_pod_uid=uid) if c["State"] == "running"], 30,
                     "sleeper's container running")
        server.signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
        server.until(lambda: not server.containers(), 30, "the killed localkube's containers removed by its watchdog")
        podman("run", "-d", "--rm", "--name", leftover, "--label",
               f"localkube.state-dir={os.path.realpath(state)}", "--entrypoint", '["sleep"]', test_image, "300")
        server.start()
        assert "removed 1 podman container(s) left by a previous run" in server.text(), server.text()[-3000:]
        assert podman("container", "exists", leftover, check=False).returncode != 0
        server.until(lambda: [c for c in server.containers(io_kubernetes_pod_uid=uid) if c["State"] == "running"], 60,
                     "sleeper's container running again after the restart")
    finally:
        server.stop()
        podman("rm", "-f", "--ignore", "-t", "0", leftover, check=False)
        left = server.containers()
        subprocess.run(["rm", "-rf", str(folder)], check=False)
        assert not left, [c["Names"] for c in left]
