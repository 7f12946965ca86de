"""The four images of deploy/docker, built by `make images` with podman, run as real containers: a read-only root
filesystem, the Dockerfile's non-root USER, no Swift runtime library among the libraries the image's own dynamic loader
resolves, no shell, /version answers (servers), SIGTERM stops them within 5 s, each records the Swift packages'
versions its build resolved (the same as the machine's), and each is under the size budget.
Run by `make images-test` (podman's settings from Tools/docker/images.sh env)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from podman import REPO, Container, MountedImage, image, logs, podman, state, version, wait_for

SERVERS = ("operator", "supervisor", "bootstrap")
UID = 10001  # USER of every Dockerfile
STOP_SECONDS = 5.0
SIZE_BUDGET_MB = 150  # issue #18: each image under 150 MB
LOADER = "/lib64/ld-linux-x86-64.so.2"  # glibc's dynamic loader: `--list` is what ldd prints
RESOLVED = "/usr/local/share/flink-k8s-toolbox/Package.resolved"


def executables(name: str) -> list[str]:
    return ["flinkctl", *SERVERS] if name == "flinkctl" else [name]


@pytest.fixture(scope="module")
def scratch():
    """Files the servers read (a kubeconfig whose API server refuses, an empty JAR), mounted read-only at /config."""
    with tempfile.TemporaryDirectory(prefix="images-test-") as folder:
        path = Path(folder)
        path.chmod(0o755)
        (path / "kubeconfig").write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
            "clusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:9\n    insecure-skip-tls-verify: true\n"
            "users:\n- name: u\n  user:\n    token: images-test\n"
            "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n")
        (path / "job.jar").write_bytes(b"")
        for child in path.iterdir():
            child.chmod(0o644)
        yield path


def server_options(server: str) -> tuple[list[str], int]:
    """The options each server requires (every peer refuses: port 9 on loopback) and its exit code after SIGTERM: the
    bootstrap is a one-shot task that fails here, so it exits 1 (what a Kubernetes Job needs)."""
    listen = ["--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0"]
    kube = ["--kube-config", "/config/kubeconfig"]
    refused = "http://127.0.0.1:9"
    return {
        "operator": ([*listen, "--namespace", "images-test", *kube], 0),
        "supervisor": ([*listen, "--namespace", "images-test", "--cluster-name", "x", *kube], 0),
        "bootstrap": ([*listen, "--cluster-name", "x", "--job-name", "j", "--jar-path", "/config/job.jar", "--class-name",
                       "Main", "--jobmanager-url", refused, "--supervisor-url", refused, "--attempts", "1",
                       "--retry-delay", "0"], 1),
    }[server]


@pytest.mark.parametrize("name", ["flinkctl", *SERVERS])
def test_no_swift_runtime_library_and_packages_recorded(name):
    for executable in executables(name):
        result = podman("run", "--rm", "--read-only", "--network", "none", "--entrypoint", LOADER, image(name),
                        "--list", f"/usr/local/bin/{executable}")
        assert "libswift" not in result.stdout, f"{name}: {executable} links the Swift runtime:\n{result.stdout}"
        assert "not found" not in result.stdout, f"{name}: {executable} misses a library:\n{result.stdout}"
        assert "libstdc++" in result.stdout, f"{name}: {executable}: unexpected loader output:\n{result.stdout}"
    with MountedImage(image(name)) as root:
        pins = json.loads((root / RESOLVED.lstrip("/")).read_text())
    assert host_pins() == {pin["identity"]: pin["state"] for pin in pins["pins"]}, "the image resolved other versions"


@pytest.mark.parametrize("name", ["flinkctl", *SERVERS])
def test_no_shell_and_size_within_budget(name):
    """The runtime base is distroless: no shell to exec into, and the executable is most of the image."""
    shell = podman("run", "--rm", "--network", "none", "--entrypoint", "/bin/sh", image(name), "-c", "true", check=False)
    assert shell.returncode != 0, f"{name}: /bin/sh runs in the image"
    size = int(podman("image", "inspect", "--format", "{{.Size}}", image(name)).stdout) / 1e6
    print(f"{image(name)}: {size:.1f} MB")
    assert size < SIZE_BUDGET_MB, f"{name}: {size:.1f} MB, over the budget of {SIZE_BUDGET_MB} MB"


def test_all_in_one_image_is_one_executable():
    """flinkctl, operator, supervisor and bootstrap of the all-in-one image are links to one flink-k8s-toolbox."""
    with MountedImage(image("flinkctl")) as root:
        bin_dir = root / "usr/local/bin"
        assert (bin_dir / "flink-k8s-toolbox").is_file() and not (bin_dir / "flink-k8s-toolbox").is_symlink()
        for program in executables("flinkctl"):
            assert os.readlink(bin_dir / program) == "flink-k8s-toolbox", f"{program} is not a link to flink-k8s-toolbox"
    for program in SERVERS:  # each link runs its own program
        result = podman("run", "--rm", "--read-only", "--network", "none", "--entrypoint", f"/usr/local/bin/{program}",
                        image("flinkctl"), "--help")
        assert f"usage: {program}" in result.stdout.lower(), result.stdout


def host_pins() -> dict:
    """The machine's own resolution of Package.swift (`swift package resolve` makes Package.resolved if missing)."""
    resolved = REPO / "Package.resolved"
    if not resolved.exists():
        subprocess.run(["swift", "package", "resolve"], cwd=REPO, check=True, capture_output=True, timeout=600)
    return {pin["identity"]: pin["state"] for pin in json.loads(resolved.read_text())["pins"]}


def test_flinkctl_runs_its_command_line():
    result = podman("run", "--rm", "--read-only", "--network", "none", image("flinkctl"), "--version")
    assert result.stdout.strip() == version()
    podman("run", "--rm", "--read-only", "--network", "none", image("flinkctl"))  # CMD --help exits 0
    for server in SERVERS:
        usage = podman("run", "--rm", "--read-only", "--network", "none", image("flinkctl"), server, "run", "--help")
        assert server in usage.stdout.lower(), usage.stdout


@pytest.mark.parametrize("name,server", [(s, s) for s in SERVERS] + [("flinkctl", s) for s in SERVERS])
def test_server_as_non_root_on_read_only_root(name, server, scratch):
    """The image serves (its CMD `run`, or the all-in-one's `<server> run`), /version answers with its component, the
    process runs as UID 10001, and SIGTERM ends it within 5 s."""
    options, expected_exit = server_options(server)
    command = ["run"] if name == server else [server, "run"]
    container = Container(f"images-test-{name}-{server}", [
        "--read-only", "--network", "host", "-v", f"{scratch}:/config:ro", image(name), *command, *options])
    try:
        match = wait_for(lambda: re.search(r"monitoring listening on port (\d+)", logs(container.name)), 60,
                         f"{name}: {server} listening", container.name)
        uids = re.search(r"^Uid:\s+(.*)$", Path(f"/proc/{container.host_pid()}/status").read_text(), re.M).group(1)
        assert set(uids.split()) == {str(UID)}, f"{name}: {server} runs with UIDs {uids}"
        with urllib.request.urlopen(f"http://127.0.0.1:{match.group(1)}/version", timeout=10) as answer:
            document = json.loads(answer.read())
        assert document == {**document, "name": "flink-k8s-toolbox", "version": version(), "component": server}, document
        podman("kill", "--signal", "TERM", container.name)
        started = time.monotonic()
        wait_for(lambda: not container.running(), STOP_SECONDS, f"{name}: {server} stopping after SIGTERM", container.name)
        took = time.monotonic() - started
        code = state(container.name)["ExitCode"]
        assert code == expected_exit, f"{name}: {server} exited {code} after SIGTERM:\n{logs(container.name)[-4000:]}"
        print(f"{name}: {server} /version {document['version']}, SIGTERM -> exit {code} in {took:.1f} s")
    finally:
        container.remove()
