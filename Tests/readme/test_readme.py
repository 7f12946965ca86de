"""The README's examples, run: every ```bash block whose first line is `# readme-test`, in README order, against a
fresh system started like `make run` (Tools/run-local.sh with the demo FlinkDeployment, in a temporary RUN_DIR).

The blocks see the variables the README's quick start exports (KUBECONFIG, PATH with flinkctl, FLINKCTL_CA_CERT,
FLINKCTL_CERT, FLINKCTL_KEY, OPERATOR_HOST, OPERATOR_PORT, OPERATOR_MONITOR), with localhost:<port> forwarded to the
operator's Service by Tests/readme/forward.py, as the README tells users to do.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
MARKER = "# readme-test"
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
VARIABLES = ("KUBECONFIG", "FLINKCTL_CA_CERT", "FLINKCTL_CERT", "FLINKCTL_KEY", "OPERATOR_HOST", "OPERATOR_PORT",
             "OPERATOR_MONITOR")
# Key output of some blocks, found by a snippet of their text: (snippet, expected output).
EXPECTED = [
    ("get fd,fc,fj", "Started"),
    ("/version", "flink-k8s-toolbox"),
    ("{.type}={.status}", "Ready=True"),
    ("$API/clusters |", "demo"),
    ("flinkctl clusters list", "demo"),
    ("requested-action=STOP", "file:"),
    ("make example-jobs", "examples/jobs/flink-jobs.jar"),
    ("get deployment supervisor-demo", "flink-k8s-toolbox-flinkctl:1.5.0: supervisor run"),
    ("role=bootstrap,clusterName=demo", "demo/jobs:latest: bootstrap run"),
    ("/jobs/overview", "computeaverage RUNNING"),
    ("SAVEPOINT:.status.savepointPath", "flink-toolbox-demo/savepoints/savepoint-"),
]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from readme_system import environment  # noqa: E402,F401  (the fixture)


def blocks() -> list[str]:
    """The runnable examples, in README order."""
    return [body for body in BLOCK.findall(README.read_text()) if body.startswith(MARKER + "\n")]


def block_id(body: str) -> str:
    line = next((l for l in body.splitlines()[1:] if l.strip()), "")
    return re.sub(r"[^A-Za-z0-9]+", "-", line)[:50].strip("-")


def test_readme_has_examples_and_explains_their_variables():
    """The marked blocks exist, and every variable they use is exported by the README's quick start."""
    found = blocks()
    assert len(found) >= 5, "README lost its runnable examples"
    text = README.read_text()
    for name in VARIABLES:
        if any(f"${name}" in body for body in found):
            assert re.search(rf"export [^\n]*\b{name}=", text), f"README uses ${name} but never exports it"


@pytest.mark.parametrize("body", blocks(), ids=block_id)
def test_readme_example(body, environment):
    """Each example exits 0 (and prints its key output) on the system the README describes."""
    out = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=REPO, env=environment, capture_output=True,
                         text=True, timeout=300)
    print(f"--- {block_id(body)}\n{out.stdout}")
    assert out.returncode == 0, f"example failed (rc {out.returncode}):\n{body}\nstdout:\n{out.stdout[-3000:]}\n" \
                                f"stderr:\n{out.stderr[-3000:]}"
    for snippet, expected in EXPECTED:
        if snippet in body:
            assert expected in out.stdout, f"expected {expected!r} in the output of:\n{body}\ngot:\n{out.stdout[-3000:]}"
