"""Fixtures: a localkube server shared by a module, fresh servers per test, kubectl with its own cache."""
from __future__ import annotations

import os
import subprocess

import sys

import pytest

from lkhelpers import LOCALKUBE_DIR, Client, LocalKube, crd_objects

sys.path.insert(0, str(LOCALKUBE_DIR))  # the unit tests import the localkube package


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A localkube (1 s bookmarks, small watch cache) with the three CRDs registered, for one test module."""
    lk = LocalKube(tmp_path_factory.mktemp("state"), "--bookmark-interval", "1", "--watch-cache-size", "50")
    lk.start()
    client = lk.client()
    for crd in crd_objects():
        resp = client.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
        assert resp.status == 201, resp
    yield lk
    assert lk.stop() == 0


@pytest.fixture
def fresh(tmp_path):
    """Start localkube servers for one test (each stopped in teardown)."""
    started = []

    def start(*args, state_dir=None):
        lk = LocalKube(state_dir or tmp_path / f"state{len(started)}", *args).start()
        started.append(lk)
        return lk
    yield start
    for lk in started:
        lk.stop()


@pytest.fixture
def api(server) -> Client:
    """Plain HTTP client of the module server."""
    return server.client()


@pytest.fixture
def namespace(api, request) -> str:
    """A namespace for one test."""
    name = "t-" + request.node.name.lower().replace("_", "-")[:50].strip("-")
    resp = api.post("/api/v1/namespaces", {"metadata": {"name": name}})
    assert resp.status == 201, resp
    return name


class Kubectl:
    """Runs the real kubectl against a server with a private discovery cache."""

    def __init__(self, kubeconfig: str, cache_dir: str):
        self.kubeconfig, self.cache_dir = kubeconfig, cache_dir

    def __call__(self, *args, input: str | None = None, check: bool = True, timeout: float = 60):
        """Run kubectl; returns the CompletedProcess (AssertionError with output if check fails)."""
        cmd = ["kubectl", "--kubeconfig", self.kubeconfig, "--cache-dir", self.cache_dir, *args]
        proc = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout, env=self.env())
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
        return proc

    def popen(self, *args) -> subprocess.Popen:
        """Start kubectl in the background (caller stops it by PID)."""
        cmd = ["kubectl", "--kubeconfig", self.kubeconfig, "--cache-dir", self.cache_dir, *args]
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env())

    def env(self) -> dict:
        """Environment with a private HOME (nothing is written to the real ~/.kube)."""
        return dict(os.environ, HOME=self.cache_dir, KUBECACHEDIR=self.cache_dir)


@pytest.fixture(scope="module")
def kubectl(server, tmp_path_factory) -> Kubectl:
    """kubectl bound to the module server."""
    return Kubectl(server.kubeconfig, str(tmp_path_factory.mktemp("kubecache")))
