"""schemathesis against the internal APIs of a live system (#16 point 4): a supervisor that supervises a running
cluster with real Flink (port 4445, called with the operator's certificate, the role the contract admits to every
supervisor operation) and a bootstrap that holds its report (port 4446, called with the supervisor's certificate).
Every check is on, server errors included: with Flink running, a 5xx is a bug. Each test has its own FlinkDeployment
on the shared system (see conftest.py)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from conftest import HELD_BOOTSTRAP_IMAGE
from test_teardown_e2e import delete_and_expect_gone, flink_deployment

REPO = Path(__file__).resolve().parents[2]
SECRETS = REPO / "secrets"
CONTRACT = REPO / "openapi/toolbox.yaml"
HOOKS = REPO / "Tests/contract"


def schemathesis(url: str, tag: str, identity: str, report: Path, job: str) -> subprocess.CompletedProcess:
    """One schemathesis run over the operations tagged `tag`, presenting `identity`'s certificate; path parameter
    `jobName` is the running job's (other values only reach the 404 branch). The server's certificate is not checked
    against its address (it names localhost, and the pods have 127.1.x.y addresses): the subject under test is the
    server's answers, not its name."""
    config = report.with_suffix(".toml")
    config.write_text(f'[parameters]\n"path.jobName" = "{job}"\n')
    command = ["schemathesis", "--config-file", str(config), "run", str(CONTRACT), "--url", url, "--tls-verify", "false",
               "--request-cert", str(SECRETS / f"{identity}_cert.pem"),
               "--request-cert-key", str(SECRETS / f"{identity}_key.pem"),
               "--include-tag-regex", f"^{tag}$", "--checks", "all", "--max-examples", "10", "--seed", "1",
               "--workers", "1", "--request-timeout", "30", "--no-color", "--generation-database", "none",
               "--report", "junit", "--report-junit-path", str(report)]
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(HOOKS), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(command, capture_output=True, text=True, timeout=900, env=environment, cwd=report.parent)


def test_supervisor_and_bootstrap_apis_survive_fuzzing(system, tmp_path):
    name = "fuzzed"
    deployment = flink_deployment(system, name)
    job = deployment["spec"]["jobs"][0]["spec"]
    job["bootstrap"]["image"] = HELD_BOOTSTRAP_IMAGE
    job["restart"]["restartTimeout"] = 600
    system.release_report.unlink(missing_ok=True)
    system.kubectl("apply", "-f", "-", input=json.dumps(deployment))
    system.wait_cluster(name, "Started", timeout=240)

    # The bootstrap ran the job in Flink and holds its report: its progress API stays up.
    def held_bootstrap():
        pods = [p for p in system.items("pods", f"role=bootstrap,clusterName={name}")
                if (p.get("status") or {}).get("phase") == "Running"]
        log = system.kubectl("logs", "-l", f"role=bootstrap,clusterName={name}", "--tail", "-1", check=False)
        return pods[0] if pods and re.search(r"holding the report of Flink job", log) else None
    bootstrap = system.wait("the bootstrap holding its report", held_bootstrap, timeout=300)
    supervisor = system.running_pods("supervisor", name)[0]
    try:
        # The bootstrap first: a fuzzed report the supervisor accepts (a failure, say) ends the held bootstrap.
        bootstrap_run = schemathesis(f"https://{bootstrap['status']['podIP']}:4446", "bootstrap", "supervisor",
                                     tmp_path / "bootstrap.xml", "counter")
        supervisor_run = schemathesis(f"https://{supervisor['status']['podIP']}:4445", "supervisor", "operator-api",
                                      tmp_path / "supervisor.xml", "counter")
    finally:
        system.release_report.touch()
    for label, run in (("bootstrap", bootstrap_run), ("supervisor", supervisor_run)):
        summary = "\n".join(run.stdout.splitlines()[-40:])
        assert run.returncode == 0, f"schemathesis found issues in the {label} API:\n{summary}\n{run.stderr[-2000:]}"
        print(f"--- {label} API\n{summary}")
    # Whatever the fuzzed reports did to the job, nothing is stuck: the deployment still goes away completely.
    delete_and_expect_gone(system, "fd", name, name)
    system.release_report.unlink(missing_ok=True)
