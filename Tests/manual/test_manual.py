"""The original's manual, run: every command of Tests/manual/commands.txt (copied verbatim from the manuals), with the
substitutions of the README's table "The manual's commands here" and nothing else, against a system started like
`make run` (the demo FlinkDeployment). Each command's outcome is checked: exit status, and for the control plane the
envelope it answers.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
README = REPO / "README.md"
COMMANDS = HERE / "commands.txt"
OUTCOMES = ("OK", "NOTFOUND", "EXIT0", "RUNS")

sys.path.insert(0, str(REPO / "Tests" / "readme"))
from readme_system import environment  # noqa: E402,F401  (the fixture)


def substitutions() -> list[tuple[str, str]]:
    """(manual, here) pairs of the README's table, in table order."""
    text = README.read_text()
    table = text[text.index("<!-- manual-substitutions:start -->"):text.index("<!-- manual-substitutions:end -->")]
    pairs = []
    for row in table.splitlines():
        cells = re.findall(r"`([^`]*)`", row.split("|")[1] if row.count("|") > 3 else "")
        here = re.findall(r"`([^`]*)`", row.split("|")[2]) if row.count("|") > 3 else []
        if cells and here:
            pairs.append((cells[0], here[0]))
    return pairs


def commands() -> list[tuple[str, str]]:
    """(outcome, command) of every line of commands.txt, in file order."""
    out = []
    for line in COMMANDS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            outcome, command = line.split(" ", 1)
            assert outcome in OUTCOMES, f"unknown outcome {outcome!r} in: {line}"
            out.append((outcome, command))
    return out


def localized(command: str) -> str:
    for manual, here in substitutions():
        command = command.replace(manual, here)
    return command


def command_id(entry: tuple[str, str]) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", entry[1].replace("docker run --rm -it nextbreakpoint/flinkctl:1.4.4-beta", "flinkctl"))[:70]


def test_the_table_is_read_and_every_line_is_known():
    pairs = dict(substitutions())
    assert pairs.get("docker run --rm -it nextbreakpoint/flinkctl:1.4.4-beta") == "flinkctl"
    assert len(commands()) >= 75, "commands.txt lost the manual's commands"


def envelope(stdout: str) -> dict:
    """The control plane's answer: the envelope curl prints, or the JSON flinkctl | jq prints."""
    text = stdout.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


@pytest.fixture(scope="module")
def demo_running(environment):
    """The manual's commands start where its tutorial ends: the demo's jobs run."""
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        out = subprocess.run(["kubectl", "-n", "flink-jobs", "get", "fj", "-o", "jsonpath={.items[*].status.jobStatus}"],
                             env=environment, capture_output=True, text=True, timeout=60)
        if out.stdout.split() == ["RUNNING", "RUNNING"]:
            return environment
        time.sleep(1)
    pytest.fail(f"the demo's jobs did not reach RUNNING: {out.stdout} {out.stderr}")


@pytest.mark.parametrize("entry", commands(), ids=command_id)
def test_manual_command(entry, demo_running):
    environment = demo_running
    outcome, manual = entry
    command = localized(manual)
    if outcome == "RUNS":
        process = subprocess.Popen(["bash", "-c", command], cwd=HERE, env=environment, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        running = process.poll() is None
        if running:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
        detail = f"{command}\nexit {process.returncode}\nstdout:\n{stdout[-2000:]}\nstderr:\n{stderr[-3000:]}"
        if not running:  # ended by itself: for want of what the command names, never a usage error
            assert process.returncode != 64 and "Error: " not in stderr.split("\n", 1)[0], detail
            assert "/your-job-jar.jar" in stderr, detail
        return
    out = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=HERE, env=environment, capture_output=True,
                         text=True, timeout=120)
    detail = f"{manual}\nran: {command}\nexit {out.returncode}\nstdout:\n{out.stdout[-2000:]}\nstderr:\n{out.stderr[-2000:]}"
    assert out.returncode == 0, detail
    if outcome == "OK" and command.startswith("curl"):
        assert envelope(out.stdout).get("status") == "OK", detail
    if outcome == "OK" and command.startswith("flinkctl"):
        assert out.stdout.strip(), detail
    if outcome == "NOTFOUND":
        assert envelope(out.stdout).get("reason") == "NotFound", detail


def test_rbac_after_the_manual_commands(demo_running):
    """After every command above (this test comes last in the file): no request of the operator or a supervisor was
    denied, and each grant of the roles chart that rbac_audit.ALLOWLIST says this suite needs was needed here."""
    sys.path.insert(0, str(REPO / "Tests" / "e2e"))
    import rbac_audit
    entries = rbac_audit.audit(Path(demo_running["KUBECONFIG"]).parent)
    assert entries, "no RBAC decision recorded: is RBAC on (localkube --rbac, the default with --runtime)?"
    refused = rbac_audit.denied(entries)
    assert not refused, f"denied (403):\n{rbac_audit.describe(refused)}"
    result = rbac_audit.minimality(entries, rbac_audit.rendered_roles())
    unproven = [a for a in result["allowlisted"] if a["provenBy"] == rbac_audit.MANUAL]
    assert not unproven, "the allowlist says the manual's commands need these grants, but none did:\n" + \
        rbac_audit.roles_text(unproven)
