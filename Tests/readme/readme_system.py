"""The system the README describes, for tests that run its commands: started like `make run` (Tools/run-local.sh
with the demo FlinkDeployment, in a temporary RUN_DIR), with the variables the README's quick start exports
(KUBECONFIG, PATH with flinkctl, FLINKCTL_CA_CERT, FLINKCTL_CERT, FLINKCTL_KEY, OPERATOR_HOST, OPERATOR_PORT,
OPERATOR_MONITOR) and localhost:<port> forwarded to the operator's Service by forward.py, as the README tells users.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import forward  # noqa: E402


def start_local(run_dir: Path, **settings: str) -> dict:
    """Starts Tools/run-local.sh detached in `run_dir` with `settings` (RUN_DEMO=..., RUN_INSTALL=...); returns the
    environment that `stop_local` takes."""
    env = dict(os.environ, RUN_DIR=str(run_dir), RUN_DETACH="1", **settings)
    out = subprocess.run([str(REPO / "Tools" / "run-local.sh")], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return env


def stop_local(env: dict) -> None:
    """Stops what `start_local` started (localkube and all its pods)."""
    subprocess.run([str(REPO / "Tools" / "run-local.sh"), "stop"], cwd=REPO, env=env, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """A system with the demo, and the README's variables pointing at it."""
    run_dir = tmp_path_factory.mktemp("readme")
    env = start_local(run_dir, RUN_DEMO="1")
    listener = None
    try:
        kubeconfig = run_dir / "localkube" / "kubeconfig"
        ip = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "-n", "flink-jobs", "get", "svc", "flink-operator",
                             "-o", "jsonpath={.spec.clusterIP}"], capture_output=True, text=True, timeout=60,
                            check=True).stdout.strip()
        listener = forward.start(0, (ip, 4444))
        bin_dir = (REPO / os.environ.get("BIN_DIR", ".build/debug")).resolve()
        secrets = REPO / "secrets"
        yield dict(os.environ, KUBECONFIG=str(kubeconfig), PATH=f"{bin_dir}:{os.environ['PATH']}",
                   FLINKCTL_CA_CERT=str(secrets / "ca_cert.pem"), FLINKCTL_CERT=str(secrets / "operator-cli_cert.pem"),
                   FLINKCTL_KEY=str(secrets / "operator-cli_key.pem"), OPERATOR_HOST="localhost",
                   OPERATOR_PORT=str(listener.getsockname()[1]), OPERATOR_MONITOR=f"{ip}:8080")
    finally:
        if listener is not None:
            listener.close()
        stop_local(env)
