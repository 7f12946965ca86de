"""The all-in-one image and the manual's job image in the default image map (no processes started): what argv a
supervisor or bootstrap container of those images gets, and where /flink-jobs.jar resolves."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from localkube.images import REPO, ImageMap  # noqa: E402
from localkube.launch import _docker_argv, toolbox_argv  # noqa: E402
from localkube.podfs import PathMap  # noqa: E402

BIN = str((REPO / ".build" / "debug").resolve())  # as the image map resolves it (a symbolic link once built)


def argv(reference: str, args: list[str]) -> list[str]:
    image = ImageMap().resolve(reference)
    return toolbox_argv(_docker_argv({"args": args}, image), image, "10.1.0.7")


def test_all_in_one_images_run_flinkctl_which_runs_the_server():
    """ENTRYPOINT flinkctl + the toolbox's `supervisor run ...` / `bootstrap run ...`, as the image would."""
    for reference in ("flink-k8s-toolbox-flinkctl:1.5.0", "registry.example/flink-k8s-toolbox-flinkctl:1.5.0",
                      "demo/jobs:latest"):
        assert ImageMap().resolve(reference).type == "toolbox"
        assert argv(reference, ["supervisor", "run", "--cluster-name", "demo"]) == [
            os.path.join(BIN, "flinkctl"), "supervisor", "run", "--cluster-name", "demo", "--bind-address", "10.1.0.7"]
    assert argv("demo/jobs:latest", ["bootstrap", "run", "--bind-address=0.0.0.0"]) == [
        os.path.join(BIN, "flinkctl"), "bootstrap", "run", "--bind-address=0.0.0.0"]


def test_single_executable_images_run_the_executable_named_first():
    """The other toolbox images have no entry point here: the first argument names the executable."""
    assert argv("flink-k8s-toolbox-supervisor:1.5.0", ["supervisor", "run"]) == [
        os.path.join(BIN, "supervisor"), "run", "--bind-address", "10.1.0.7"]
    assert argv("flink-k8s-toolbox-bootstrap:1.5.0", ["run"]) == [
        os.path.join(BIN, "bootstrap"), "run", "--bind-address", "10.1.0.7"]
    assert argv("nextbreakpoint/flinkctl:1.4.4-beta", ["flinkctl", "operator", "run"]) == [
        os.path.join(BIN, "operator"), "run", "--bind-address", "10.1.0.7"]


def test_the_job_image_holds_the_example_jar_at_the_manual_path():
    """demo/jobs:* is examples/jobs/Dockerfile's image: /flink-jobs.jar is examples/jobs/flink-jobs.jar."""
    image = ImageMap().resolve("demo/jobs:latest")
    paths = PathMap({}, image.paths)
    assert paths.rewrite("/flink-jobs.jar") == str(REPO / "examples" / "jobs" / "flink-jobs.jar")
    # realpath on both sides: .cache may be a symlink (a git worktree sharing the main checkout's)
    assert os.path.realpath(paths.rewrite("/opt/jobs/toolbox-test-jobs.jar")) == \
        os.path.realpath(REPO / ".cache/flink/jobs-2.3.0/toolbox-test-jobs.jar")
