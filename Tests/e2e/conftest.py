"""The whole system on this machine: localkube running pods as processes, the operator as a pod (mutual TLS),
supervisors and bootstrap Jobs created by the toolbox, real Flink from PyPI (2.3.0, or E2E_FLINK_VERSION: the image
`flink:<version>` runs that distribution and the bootstrap uploads the test jobs built against it). Set up by
`Tools/run-local.sh` (what `make run` runs) in a temporary folder, without the demo."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NS = "flink-jobs"
# A bootstrap image whose process holds its report (after the run Flink accepted) until RELEASE_REPORT exists in the
# run folder: the built bootstrap with BOOTSTRAP_HOLD_REPORT_UNTIL set (see Services/bootstrap/BootstrapCommand.swift).
HELD_BOOTSTRAP_IMAGE = "flink-k8s-toolbox-bootstrap:held"
RELEASE_REPORT = "release-report"
FLINK_VERSION = os.environ.get("E2E_FLINK_VERSION", "2.3.0")


class System:
    """kubectl against the running system, and polling helpers."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir
        self.state = run_dir / "localkube"
        self.kubeconfig = self.state / "kubeconfig"
        self.shared = self.state / "shared"
        self.release_report = run_dir / RELEASE_REPORT

    def kubectl(self, *args: str, input: str | None = None, check: bool = True) -> str:
        out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, *args], input=input,
                             capture_output=True, text=True, timeout=60)
        if check and out.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def get(self, kind: str, name: str) -> dict | None:
        out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, "get", kind, name, "-o", "json"],
                             capture_output=True, text=True, timeout=60)
        return json.loads(out.stdout) if out.returncode == 0 else None

    def items(self, kind: str, selector: str | None = None) -> list[dict]:
        args = ["get", kind, "-o", "json"] + (["-l", selector] if selector else [])
        return json.loads(self.kubectl(*args))["items"]

    def status(self, kind: str, name: str) -> dict:
        return (self.get(kind, name) or {}).get("status") or {}

    def wait(self, what: str, predicate, timeout: float = 180, interval: float = 0.5):
        """Polls `predicate` until it returns a truthy value; fails with the last value and the supervisor's log."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = predicate()
            except (AssertionError, KeyError, TypeError, ValueError) as error:
                last = error
            else:
                if last:
                    return last
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last}\n{self.diagnostics()}")

    def wait_job(self, name: str, state: str, timeout: float = 180, **fields) -> dict:
        def check():
            status = self.status("fj", name)
            ok = status.get("supervisorStatus") == state and all(status.get(k) == v for k, v in fields.items())
            return status if ok else None
        return self.wait(f"FlinkJob {name} {state} {fields}", check, timeout)

    def wait_cluster(self, name: str, state: str, timeout: float = 180) -> dict:
        return self.wait(f"FlinkCluster {name} {state}",
                         lambda: (lambda s: s if s.get("supervisorStatus") == state else None)(self.status("fc", name)),
                         timeout)

    def annotate(self, kind: str, name: str, action: str, without_savepoint: bool = False):
        self.kubectl("annotate", "--overwrite", kind, name,
                     f"operator.nextbreakpoint.com/requested-action={action}",
                     f"operator.nextbreakpoint.com/without-savepoint={'true' if without_savepoint else 'false'}",
                     f"operator.nextbreakpoint.com/action-timestamp={int(time.time() * 1000)}")

    def running_pods(self, role: str, cluster: str) -> list[dict]:
        return [p for p in self.items("pods", f"role={role},clusterName={cluster}")
                if not p["metadata"].get("deletionTimestamp") and p.get("status", {}).get("phase") == "Running"]

    def diagnostics(self) -> str:
        out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, "get", "fd,fc,fj,pods,jobs", "-o", "wide"],
                             capture_output=True, text=True, timeout=60).stdout
        logs = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, "logs", "-l", "role=supervisor",
                               "--tail", "40"], capture_output=True, text=True, timeout=60).stdout
        return f"{out}\nsupervisor log:\n{logs}"


    def failure_logs(self) -> str:
        """What explains a failure: the resources, the operator's log, every supervisor's log and localkube's."""
        def run(*args: str) -> str:
            out = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), "-n", NS, *args],
                                 capture_output=True, text=True, timeout=60)
            return out.stdout + out.stderr
        parts = [("resources", run("get", "fd,fc,fj,deployments,pods,jobs,services", "-o", "wide")),
                 ("operator log", run("logs", "-l", "app=flink-operator", "--tail", "300", "--prefix"))]
        for pod in json.loads(run("get", "pods", "-l", "role=supervisor", "-o", "json") or "{}").get("items", []):
            name = pod["metadata"]["name"]
            parts.append((f"supervisor log {name}", run("logs", name, "--tail", "200")))
        localkube = self.run_dir / "localkube.log"
        if localkube.exists():
            parts.append(("localkube log (tail)", "\n".join(localkube.read_text(errors="replace").splitlines()[-150:])))
        return "\n".join(f"----- {title} -----\n{text}" for title, text in parts)


_SYSTEM: list[System] = []


def pytest_collection_modifyitems(session, config, items):
    """test_rbac_e2e.py judges the RBAC decisions of every other test: it runs last."""
    items.sort(key=lambda item: item.fspath.basename == "test_rbac_e2e.py")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing e2e test carries the logs that explain it (operator, supervisors, localkube)."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _SYSTEM:
        try:
            report.sections.append(("system logs", _SYSTEM[0].failure_logs()))
        except Exception as error:  # the logs are a help, never a second failure
            report.sections.append(("system logs", f"could not collect logs: {error}"))


@pytest.fixture(scope="session")
def system(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("e2e")
    image_map = run_dir / "images.json"
    jobs = str(REPO / ".cache" / "flink" / f"jobs-{FLINK_VERSION}")
    image_map.write_text(json.dumps({"images": [
        {"match": "flink:*", "type": "flink", "version": FLINK_VERSION},
        {"match": HELD_BOOTSTRAP_IMAGE, "type": "toolbox", "path": str(REPO / ".build" / "debug"),
         "paths": {"/opt/jobs": jobs}, "env": {"BOOTSTRAP_HOLD_REPORT_UNTIL": str(run_dir / RELEASE_REPORT)}},
        {"match": "*flink-k8s-toolbox-bootstrap:*", "type": "toolbox", "path": str(REPO / ".build" / "debug"),
         "paths": {"/opt/jobs": jobs}}]}))
    env = dict(os.environ, RUN_DIR=str(run_dir), RUN_DETACH="1", RUN_DEMO="0", LOCALKUBE_IMAGE_MAP=str(image_map))
    out = subprocess.run([str(REPO / "Tools" / "run-local.sh")], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    _SYSTEM.append(System(run_dir))
    try:
        yield _SYSTEM[0]
    finally:
        _SYSTEM.clear()
        subprocess.run([str(REPO / "Tools" / "run-local.sh"), "stop"], cwd=REPO, env=env, capture_output=True, timeout=120)
