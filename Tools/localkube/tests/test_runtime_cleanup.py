"""Nothing leaks: stopping localkube stops every process and listener; a crash or restart leaves nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

from runtimehelpers import alive, container_pid, listeners, pod, pod_path, ready, start_runtime, wait_for, wait_phase

SERVER = [sys.executable, "-c", "import http.server, os; http.server.ThreadingHTTPServer("
          "(os.environ['LOCALKUBE_POD_IP'], 8000), http.server.SimpleHTTPRequestHandler).serve_forever()"]


def _workloads(api) -> tuple[set, set]:
    """A listening pod behind a Service and a 2-replica Deployment; returns (pids, listeners)."""
    api.post(pod_path("default"), pod("web", SERVER, image="python", container={
        "ports": [{"containerPort": 8000}], "readinessProbe": {"tcpSocket": {"port": 8000}, "periodSeconds": 1}}))
    svc = api.post("/api/v1/namespaces/default/services", {"metadata": {"name": "web"}, "spec": {
        "selector": {"app": "web"}, "ports": [{"port": 8080, "targetPort": 8000}]}}).json
    api.post("/apis/apps/v1/namespaces/default/deployments", {"metadata": {"name": "d"}, "spec": {
        "replicas": 2, "selector": {"matchLabels": {"app": "d"}}, "template": {"metadata": {"labels": {"app": "d"}},
        "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["/bin/sh", "-c", "sleep 600"]}]}}}})
    web = wait_for(lambda: (lambda p: p if ready(p) else None)(api.get(pod_path("default", "web")).json), 20)
    pods = wait_for(lambda: (lambda items: items if len(items) == 2 and all(ready(p) for p in items) else None)(
        api.get(pod_path("default") + "?labelSelector=app%3Dd").json["items"]), 20)
    pids = {container_pid(p) for p in pods + [web]}
    ports = {f"{web['status']['podIP']}:8000", f"{svc['spec']['clusterIP']}:8080"}
    wait_for(lambda: ports <= listeners())
    return pids, ports


def test_stop_leaves_no_process_or_listener(tmp_path):
    lk = start_runtime(tmp_path / "state")
    try:
        pids, ports = _workloads(lk.client())
        assert all(alive(pid) for pid in pids)
    finally:
        assert lk.stop() == 0
    assert not [pid for pid in pids if alive(pid)]
    assert not ports & listeners()
    assert not list((tmp_path / "state" / "pods").glob("*/*.pid"))


def test_crash_and_restart(tmp_path):
    state = tmp_path / "state"
    lk = start_runtime(state)
    api = lk.client()
    api.post(pod_path("default"), pod("sleeper", ["/bin/sh", "-c", "echo started; exec sleep 600"]))
    first = container_pid(wait_phase(api, "default", "sleeper", "Running"))
    lk.proc.send_signal(signal.SIGKILL)  # a crash: no cleanup code runs
    lk.proc.wait()
    lk.stop()
    wait_for(lambda: not alive(first), 5)  # PR_SET_PDEATHSIG
    # A process recorded in a pid file of the state dir (as a crashed run leaves them) is killed at start.
    stray = subprocess.Popen(["sleep", "600"], start_new_session=True)
    stat = open(f"/proc/{stray.pid}/stat").read().rsplit(")", 1)[1].split()[19]
    leftover = state / "pods" / "default_gone_0000"
    leftover.mkdir(parents=True)
    (leftover / "c.pid").write_text(f"{stray.pid} {stat}\n")
    lk = start_runtime(state)
    try:
        assert stray.wait(timeout=5) == -signal.SIGKILL
        assert not (leftover / "c.pid").exists()
        api = lk.client()
        again = wait_for(lambda: (lambda p: p if ready(p) and container_pid(p) != first else None)(
            api.get(pod_path("default", "sleeper")).json), 15)
        assert alive(container_pid(again))
    finally:
        assert lk.stop() == 0
    assert not alive(container_pid(again))
    assert os.path.exists(state / "state.db")


def test_exit_with_parent(tmp_path):
    """With --exit-with-parent, localkube stops by itself once whoever started it is gone (a killed test run)."""
    state = tmp_path / "state"
    start = ("import subprocess, sys; child = subprocess.Popen([sys.executable, '-m', 'localkube', '--state-dir', "
             "sys.argv[1], '--port', '0', '--exit-with-parent'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
             "print(child.pid, flush=True); child.wait()")
    parent = subprocess.Popen([sys.executable, "-c", start, str(state)], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.join(os.path.dirname(__file__), ".."))
    child = int(parent.stdout.readline())
    try:
        wait_for(lambda: (state / "kubeconfig").exists(), 30)  # serving
        assert alive(child)
        parent.kill()
        parent.wait()
        wait_for(lambda: not alive(child), 30)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
