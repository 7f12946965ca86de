"""End to end: hostile custom resources are refused by the API server with the field named (the chart's CRDs, the real
kubectl, localkube's structural-schema and CEL validation), and a FlinkDeployment at exactly the name limits runs
(its bootstrap Job's name, 126 characters in full, is shortened with a hash). test_rbac_e2e (runs last) then shows that
localkube refused none of the toolbox's writes over the whole run (refused-writes.jsonl)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import NS
from rbac_audit import refusals
from test_teardown_e2e import delete_and_expect_gone, flink_deployment

REPO = Path(__file__).resolve().parents[2]
# examples/invalid/<name>.yaml -> what the API server's refusal must say
INVALID = {
    "bad-annotation-key": 'spec.cluster.taskManager.annotations: Invalid value: "object": every annotation key',
    "bad-enum": 'spec.cluster.runtime.pullPolicy: Unsupported value: "Sometimes"',
    "bad-service-account": 'spec.cluster.jobManager.serviceAccount: Invalid value: "Flink_Admin"',
    "bad-type": "spec.cluster.taskManagers: Invalid value",
    "huge-string": "spec.jobs[0].spec.bootstrap.className: Too long: may not be longer than 1024",
    "job-name-too-long": "spec.jobs[0].name: Too long: may not be longer than 63",
    "missing-required": "spec.cluster.runtime.image: Required value",
    "unknown-field": 'unknown field "spec.cluster.jobManager.serviceType"',
}
CLUSTER_NAME = 52  # the CEL rule of the FlinkDeployment CRD (openapi/toolbox.yaml)


def apply(system, text: str) -> subprocess.CompletedProcess:
    return subprocess.run(["kubectl", "--kubeconfig", str(system.kubeconfig), "-n", NS, "apply", "-f", "-"],
                          input=text, capture_output=True, text=True, timeout=60)


def test_every_invalid_example_is_listed():
    assert {p.stem for p in (REPO / "examples" / "invalid").glob("*.yaml")} == set(INVALID)


@pytest.mark.parametrize("example", sorted(INVALID))
def test_invalid_example_is_refused_naming_the_field(system, example):
    out = apply(system, (REPO / "examples" / "invalid" / f"{example}.yaml").read_text())
    assert out.returncode != 0, f"{example} was accepted: {out.stdout}"
    assert INVALID[example] in out.stderr, out.stderr
    assert system.get("fd", "demo") is None


@pytest.mark.parametrize("name, field", [
    ("../etc", 'invalid resource name "../etc": [may not contain \'/\']'),  # client-go refuses it before sending
    ("etc..x", "metadata.name: Invalid value"), ("Upper", "metadata.name: Invalid value"),
    ("a" * 254, "metadata.name: Invalid value"),
    ("d" * 53, "metadata.name must be at most 52 characters"),
])
def test_hostile_names_are_refused(system, name, field):
    resource = flink_deployment(system, "hostile")
    resource["metadata"]["name"] = name
    out = apply(system, json.dumps(resource))
    assert out.returncode != 0 and field in out.stderr, out.stderr


def test_wrong_types_and_huge_values_are_refused(system):
    resource = flink_deployment(system, "hostile")
    resource["spec"]["cluster"]["taskManager"]["taskSlots"] = "two"
    resource["spec"]["jobs"][0]["spec"]["restart"] = ["Always"]
    resource["spec"]["cluster"]["runtime"]["image"] = "x" * 100_000
    out = apply(system, json.dumps(resource))
    assert out.returncode != 0
    for field in ("spec.cluster.taskManager.taskSlots: Invalid value", "spec.jobs[0].spec.restart: Invalid value",
                  "spec.cluster.runtime.image: Too long"):
        assert field in out.stderr, out.stderr
    resource = flink_deployment(system, "hostile")
    resource["spec"]["cluster"]["jobManager"]["args"] = ["x" * 1024 * 1024] * 4
    out = apply(system, json.dumps(resource))
    assert out.returncode != 0 and "Request entity too large" in out.stderr, out.stderr
    assert system.get("fd", "hostile") is None


def test_deployment_at_the_name_limits_runs_and_goes(system):
    """The longest names the CRD admits (a 52-character deployment, a 63-character job): every object the operator and
    the supervisor derive is created and valid; the bootstrap Job's name is shortened with a hash (ResourceNames)."""
    job = "j" * 63
    name = "limit-" + "d" * (CLUSTER_NAME - len("limit-"))
    resource = flink_deployment(system, name)
    resource["spec"]["jobs"][0]["name"] = job
    assert apply(system, json.dumps(resource)).returncode == 0
    over = json.loads(json.dumps(resource))
    over["metadata"]["name"] = name + "d"
    refused = apply(system, json.dumps(over))
    assert refused.returncode != 0 and "must be at most 52 characters" in refused.stderr, refused.stderr
    system.wait_job(f"{name}-{job}", "Started", timeout=240, jobStatus="RUNNING")
    assert not [e for e in refusals.read(system.state) if name in e["path"] or name in e["message"]]
    delete_and_expect_gone(system, "fd", name, name)
