"""Helpers for the localkube tests: start/stop a server process, plain HTTP calls, kubectl and watches."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

LOCALKUBE_DIR = Path(__file__).resolve().parents[1]
REPO = LOCALKUBE_DIR.parents[1]
CRD_DIR = REPO / "deploy" / "helm" / "flink-k8s-toolbox-crd" / "templates"
LINE = re.compile(r"^localkube listening on (https?://127\.0\.0\.1:\d+) kubeconfig=(\S+)$")


class LocalKube:
    """A localkube server process started for a test (stopped by PID in teardown)."""

    def __init__(self, state_dir: Path, *args: str):
        self.state_dir = Path(state_dir)
        self.args = list(args)
        self.proc = None
        self.url = self.kubeconfig = None

    def start(self, timeout: float = 20.0) -> "LocalKube":
        """Start the server and wait for its announcement line."""
        env = dict(os.environ, PYTHONPATH=str(LOCALKUBE_DIR))
        self.proc = subprocess.Popen([sys.executable, "-m", "localkube", "--state-dir", str(self.state_dir),
                                      "--port", "0", "--exit-with-parent", *self.args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env, text=True)
        deadline = time.time() + timeout
        line = self.proc.stdout.readline().strip()
        match = LINE.match(line)
        if not match or time.time() > deadline:
            self.stop()
            raise RuntimeError(f"localkube did not start: {line!r} {self.proc.stderr.read()!r}")
        self.url, self.kubeconfig = match.group(1), match.group(2)
        return self

    def network(self) -> dict:
        """The loopback ranges this instance took (`<state>/network.json`: index, pods, services)."""
        return json.loads((self.state_dir / "network.json").read_text())

    def stop(self) -> int | None:
        """SIGTERM the server (SIGKILL if it does not exit) and return its exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        code, self.proc = self.proc.returncode, None
        return code

    def client(self, **kw) -> "Client":
        """A plain HTTP client of this server."""
        return Client(self.url, **kw)


class Response:
    """Status code, decoded JSON body (or text) and headers of one answer."""

    def __init__(self, status: int, body: bytes, headers):
        self.status, self.headers, self.raw = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"Response({self.status}, {self.raw[:300]!r})"


class Client:
    """urllib-based requests to localkube."""

    def __init__(self, url: str, token: str | None = None, context: ssl.SSLContext | None = None):
        self.url, self.token, self.context = url, token, context

    def request(self, method: str, path: str, body=None, ctype: str = "application/json",
                headers: dict | None = None) -> Response:
        """Send a request; `body` (if not bytes) is sent as JSON."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", ctype)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=30, context=self.context) as resp:
                return Response(resp.status, resp.read(), resp.headers)
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read(), err.headers)

    def get(self, path, **kw):
        """GET."""
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        """POST."""
        return self.request("POST", path, body, **kw)

    def put(self, path, body, **kw):
        """PUT."""
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body, ptype="merge", **kw):
        """PATCH with merge/json/strategic/apply content type."""
        ctype = {"merge": "application/merge-patch+json", "json": "application/json-patch+json",
                 "strategic": "application/strategic-merge-patch+json",
                 "apply": "application/apply-patch+yaml"}[ptype]
        return self.request("PATCH", path, body, ctype=ctype, **kw)

    def delete(self, path, body=None, **kw):
        """DELETE (with optional DeleteOptions body)."""
        return self.request("DELETE", path, body, **kw)

    def watch(self, path: str, timeout: float = 10.0) -> "WatchReader":
        """Open a watch stream."""
        return WatchReader(self, path, timeout)


class WatchReader:
    """Reads newline-delimited watch events from a streaming response."""

    def __init__(self, client: Client, path: str, timeout: float):
        host = client.url.split("://", 1)[1]
        if client.url.startswith("https"):
            self.conn = http.client.HTTPSConnection(host, timeout=timeout, context=client.context)
        else:
            self.conn = http.client.HTTPConnection(host, timeout=timeout)
        headers = {"Authorization": f"Bearer {client.token}"} if client.token else {}
        self.conn.request("GET", path, headers=headers)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status

    def next(self) -> dict | None:
        """The next event, or None when the stream ended."""
        line = self.resp.readline()
        return json.loads(line) if line.strip() else None

    def events(self, count: int, skip_bookmarks: bool = True) -> list[dict]:
        """Read `count` events (BOOKMARKs skipped unless asked)."""
        out = []
        while len(out) < count:
            event = self.next()
            if event is None:
                break
            if skip_bookmarks and event["type"] == "BOOKMARK":
                continue
            out.append(event)
        return out

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def crd_texts() -> list[str]:
    """The three generated CRD yamls with the Helm label expressions substituted."""
    return [re.sub(r"\{\{.*?\}\}", "x", p.read_text()) for p in sorted(CRD_DIR.glob("*.yaml"))]


def crd_objects() -> list[dict]:
    """The three CRDs as objects."""
    import yaml
    return [yaml.safe_load(t) for t in crd_texts()]


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until predicate() is truthy; return its value (AssertionError on timeout)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


FC_SPEC = {"taskManagers": 1, "runtime": {"image": "apache/flink:1.12.1"},
           "jobManager": {"serviceMode": "ClusterIP"}, "taskManager": {"taskSlots": 2},
           "supervisor": {"image": "nextbreakpoint/flinkctl:1.4.4-beta"}}
FJ_SPEC = {"jobParallelism": 1,
           "bootstrap": {"image": "demo/jobs:latest", "className": "com.example.Main", "jarPath": "/job.jar"},
           "savepoint": {"savepointMode": "Automatic", "savepointInterval": 600,
                         "savepointTargetPath": "s3p://bucket/savepoints"},
           "restart": {"restartPolicy": "Always"}}


def flink_cluster(name: str, **spec) -> dict:
    """A small valid FlinkCluster."""
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkCluster", "metadata": {"name": name},
            "spec": {**json.loads(json.dumps(FC_SPEC)), **spec}}


def flink_job(name: str, **spec) -> dict:
    """A small valid FlinkJob."""
    return {"apiVersion": "nextbreakpoint.com/v1", "kind": "FlinkJob", "metadata": {"name": name},
            "spec": {**json.loads(json.dumps(FJ_SPEC)), **spec}}
