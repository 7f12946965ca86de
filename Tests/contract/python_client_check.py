"""Generates a Python client from openapi/toolbox.yaml (openapi-python-client) and drives a running operator with it:
list, create, scale and delete a FlinkDeployment over mutual TLS.

python3 Tests/contract/python_client_check.py --url https://localhost:PORT --ca CA --cert CERT --key KEY --spec SPEC.json
"""
import argparse
import json
import pathlib
import ssl
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def generate(directory):
    """Generate the client package into `directory` and make it importable."""
    subprocess.run(["openapi-python-client", "generate", "--path", str(REPO / "openapi/toolbox.yaml"),
                    "--output-path", str(directory), "--overwrite"], check=True, capture_output=True)
    sys.path.insert(0, str(directory))


def wait_for(what, condition, seconds=15):
    """Poll `condition` until it holds."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    parser = argparse.ArgumentParser()
    for option in ("--url", "--ca", "--cert", "--key", "--spec"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        generate(pathlib.Path(directory) / "client")
        from flink_kubernetes_toolbox_client import Client
        from flink_kubernetes_toolbox_client.api.control_plane import (create_deployment, delete_deployment,
                                                                        get_cluster_status, list_deployments,
                                                                        scale_cluster)
        from flink_kubernetes_toolbox_client.models import ClusterScaleRequest, FlinkDeploymentSpec

        context = ssl.create_default_context(cafile=args.ca)
        context.load_cert_chain(args.cert, args.key)
        client = Client(base_url=args.url, verify_ssl=context)

        def names():
            answer = list_deployments.sync_detailed(client=client)
            assert answer.status_code == 200, answer.content
            return json.loads(answer.parsed.output)

        spec = FlinkDeploymentSpec.from_dict(json.loads(pathlib.Path(args.spec).read_text()))
        created = create_deployment.sync_detailed("pyclient", client=client, body=spec)
        assert created.status_code == 200, created.content
        wait_for("the deployment in the list", lambda: "pyclient" in names())
        wait_for("its cluster", lambda: get_cluster_status.sync_detailed("pyclient", client=client).status_code == 200)
        scaled = scale_cluster.sync_detailed("pyclient", client=client, body=ClusterScaleRequest(task_managers=3))
        assert scaled.status_code == 200, scaled.content
        deleted = delete_deployment.sync_detailed("pyclient", client=client)
        assert deleted.status_code == 200, deleted.content
        wait_for("the deployment to go", lambda: "pyclient" not in names(), seconds=30)
        missing = get_cluster_status.sync_detailed("does-not-exist", client=client)
        assert missing.status_code == 404 and missing.parsed.reason.value == "NotFound", missing.content
    print("generated Python client: list, create, scale, delete OK")


if __name__ == "__main__":
    main()
