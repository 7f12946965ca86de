"""`--container-runtime podman` without podman: the image references tried, the command line a container gets (ENTRYPOINT
/CMD, toolbox binding, volumes, hosts file, kubeconfig, env, securityContext, labels), and the option's parsing.
Tests/images/test_localkube_podman.py runs real containers where podman exists."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from localkube import podmanrun
from localkube.__main__ import parse_args
from localkube.identity import SA_MOUNT
from localkube.images import ImageMap, build_image
from localkube.launch import Context
from localkube.podfs import MissingRef, materialise_volumes
from lkhelpers import wait_for
from runtimehelpers import alive, pod, pod_path, ready, start_runtime, wait_phase


def test_references_tried():
    assert podmanrun.candidates("flink:2.3.0") == ["flink:2.3.0", "localhost/flink:2.3.0"]
    assert podmanrun.candidates("team/app:1") == ["team/app:1", "localhost/team/app:1"]
    for ref in ("localhost/x:1", "quay.io/a/b:2", "registry:5000/c:3"):
        assert podmanrun.candidates(ref) == [ref]
    assert podmanrun.candidates("") == []


def test_option_parsing():
    assert parse_args(["--state-dir", "d"]).container_runtime == "process"
    assert parse_args(["--state-dir", "d", "--container-runtime", "podman"]).container_runtime == "podman"
    with pytest.raises(SystemExit):
        parse_args(["--state-dir", "d", "--container-runtime", "docker"])


def image(entrypoint=(), cmd=(), user="", reference="flink-k8s-toolbox-supervisor:1.5.0", mapped=True):
    resolved = ImageMap().resolve(reference) if mapped else None
    return podmanrun.PodmanImage(f"localhost/{reference}", "sha256:abc", list(entrypoint), list(cmd), user, resolved)


def test_entrypoint_and_cmd_semantics():
    img = image(["/bin/sh", "-c"], ["echo hi"], mapped=False)
    env = {"A": "x", "LOCALKUBE_POD_IP": "127.1.0.9"}
    assert podmanrun.effective_command({"name": "c"}, img, env) == ["/bin/sh", "-c", "echo hi"]
    assert podmanrun.effective_command({"name": "c", "args": ["echo $(A)"]}, img, env) == ["/bin/sh", "-c", "echo x"]
    # a command replaces the ENTRYPOINT and drops the image's CMD
    assert podmanrun.effective_command({"name": "c", "command": ["/bin/true"]}, img, env) == ["/bin/true"]
    assert podmanrun.effective_command({"name": "c", "command": ["/bin/echo"], "args": ["a"]}, img, env) == \
        ["/bin/echo", "a"]
    with pytest.raises(ValueError):
        podmanrun.effective_command({"name": "c"}, image(mapped=False), env)


def test_toolbox_images_bind_to_the_pod_ip():
    env = {"LOCALKUBE_POD_IP": "127.1.0.9"}
    supervisor = image(["/usr/local/bin/supervisor"], ["run"])
    assert podmanrun.effective_command({"name": "c", "args": ["supervisor", "run", "--port", "4445"]}, supervisor,
                                       env) == ["/usr/local/bin/supervisor", "supervisor", "run", "--port", "4445",
                                                "--bind-address", "127.1.0.9"]
    assert podmanrun.effective_command({"name": "c"}, supervisor, env)[-2:] == ["--bind-address", "127.1.0.9"]
    given = {"name": "c", "args": ["run", "--bind-address=0.0.0.0"]}
    assert podmanrun.effective_command(given, supervisor, env) == ["/usr/local/bin/supervisor", "run",
                                                                   "--bind-address=0.0.0.0"]
    flinkctl = image(["flinkctl"], ["--help"], reference="flink-k8s-toolbox-flinkctl:1.5.0")
    assert podmanrun.effective_command({"name": "c", "args": ["bootstrap", "run"]}, flinkctl, env) == \
        ["flinkctl", "bootstrap", "run", "--bind-address", "127.1.0.9"]
    assert podmanrun.effective_command({"name": "c", "args": ["--version"]}, flinkctl, env) == ["flinkctl", "--version"]
    # not a toolbox image: untouched
    other = image(["/usr/local/bin/supervisor"], ["run"], reference="other:1", mapped=False)
    assert podmanrun.effective_command({"name": "c"}, other, env) == ["/usr/local/bin/supervisor", "run"]


def test_security_context():
    pod = {"spec": {"securityContext": {"runAsUser": 1000, "supplementalGroups": [5], "fsGroup": 7}}}
    spec = {"name": "c", "securityContext": {"runAsGroup": 2000, "readOnlyRootFilesystem": True,
                                            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}
    assert podmanrun.security_options(pod, spec, image(user="10001:10001")) == [
        "--user", "1000:2000", "--group-add", "5", "--group-add", "7", "--read-only",
        "--security-opt", "no-new-privileges", "--cap-drop", "ALL"]
    # runAsGroup alone keeps the image's user
    assert podmanrun.security_options({"spec": {}}, {"name": "c", "securityContext": {"runAsGroup": 3}},
                                      image(user="app")) == ["--user", "app:3"]
    assert podmanrun.security_options({"spec": {}}, {"name": "c"}, image()) == []
    with pytest.raises(ValueError, match="runAsNonRoot"):
        podmanrun.security_options({"spec": {}}, {"name": "c", "securityContext": {"runAsNonRoot": True}}, image())
    assert podmanrun.security_options({"spec": {}}, {"name": "c", "securityContext": {"runAsNonRoot": True}},
                                      image(user="10001")) == []


class FakeStore:
    def __init__(self, objects):
        self.objects = objects

    def peek(self, key, ns, name):
        return self.objects.get((key[1], ns, name))


def test_command_line_of_a_pod_container(tmp_path):
    pod_dir, shared = tmp_path / "pods" / "ns_p_u1", tmp_path / "shared"
    pod_dir.mkdir(parents=True)
    hosts = pod_dir / "hosts"
    hosts.write_text("127.0.0.1 localhost\n")
    sa_dir = pod_dir / "serviceaccount"
    sa_dir.mkdir()
    for name in ("token", "ca.crt", "namespace"):
        (sa_dir / name).write_text(name)
        (sa_dir / name).chmod(0o600)
    ca = tmp_path / "ca.crt"
    ca.write_text("CA")
    kubeconfig = pod_dir / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({
        "clusters": [{"name": "l", "cluster": {"server": "https://127.0.0.1:1", "certificate-authority": str(ca)}}],
        "users": [{"name": "u", "user": {"tokenFile": str(sa_dir / "token")}}]}))
    store = FakeStore({("secrets", "ns", "s"): {"data": {"password": "aHVudGVyMg=="}},
                       ("configmaps", "ns", "c"): {"data": {"a.conf": "x"}}})
    pod = {"metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
           "spec": {"terminationGracePeriodSeconds": 7,
                    "volumes": [{"name": "s", "secret": {"secretName": "s", "defaultMode": 0o640}},
                                {"name": "c", "configMap": {"name": "c"}}, {"name": "t", "emptyDir": {}}]},
           "status": {"podIP": "127.1.0.9"}}
    spec = {"name": "main", "args": ["supervisor", "run"], "workingDir": "/w",
            "env": [{"name": "MULTI", "value": "a\nb"}],
            "volumeMounts": [{"name": "s", "mountPath": "/etc/secret"}, {"name": "t", "mountPath": "/tmp"},
                             {"name": "c", "mountPath": "/etc/a.conf", "subPath": "a.conf"},
                             {"name": "t", "mountPath": "/data", "readOnly": True}]}
    volumes = materialise_volumes(store, pod, str(pod_dir))
    ctx = Context(pod, str(pod_dir), "127.1.0.9", str(hosts), str(kubeconfig), str(shared))
    runner = podmanrun.Podman(str(tmp_path))
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    supervisor = image(["/usr/local/bin/supervisor"], ["run"])
    supervisor.mapped = build_image(supervisor.reference, {"match": "*", "type": "toolbox", "path": "bin", "paths": {
        "/opt/jobs": "jobs", "/opt/missing": "missing"}}, tmp_path)
    argv, name = runner.command(ctx, spec, supervisor,
                                {"MULTI": "a\nb", "ONE": "1"}, volumes, str(sa_dir), 2)
    assert name == "lk-u1-main-2"
    assert argv[:3] == [podmanrun.executable(), "run", "--rm"]
    for option in ("--pull=never", "--sig-proxy=true"):
        assert option in argv
    pairs = list(zip(argv, argv[1:]))
    for pair in (("--network", "host"), ("--name", name), ("--hostname", "p"), ("--stop-timeout", "7"),
                 ("--workdir", "/w"), ("--env", "MULTI=a\nb"), ("--entrypoint", '["/usr/local/bin/supervisor"]'),
                 ("--label", f"localkube.state-dir={os.path.realpath(tmp_path)}"),
                 ("--label", f"localkube.instance={runner.instance}"), ("--label", "io.kubernetes.pod.uid=u1"),
                 ("--label", "io.kubernetes.container.name=main")):
        assert pair in pairs, pair
    assert argv[-5:] == ["localhost/flink-k8s-toolbox-supervisor:1.5.0", "supervisor", "run", "--bind-address",
                         "127.1.0.9"]
    mounts = {v.split(":")[1]: v for k, v in pairs if k == "--volume"}
    vol = pod_dir / "volumes"
    assert mounts["/etc/hosts"] == f"{hosts}:/etc/hosts:ro"
    assert mounts["/etc/secret"] == f"{vol / 's'}:/etc/secret:ro"
    assert mounts["/etc/a.conf"] == f"{vol / 'c' / 'a.conf'}:/etc/a.conf:ro"
    assert mounts["/tmp"] == f"{vol / 't'}:/tmp"
    assert mounts["/data"] == f"{vol / 't'}:/data:ro"
    assert mounts[str(shared)] == f"{shared}:{shared}"
    assert mounts["/opt/jobs"] == f"{jobs}:/opt/jobs:ro" and "/opt/missing" not in mounts
    stage = pod_dir / "main" / "podman"
    assert mounts[SA_MOUNT] == f"{stage / 'serviceaccount'}:{SA_MOUNT}:ro"
    assert mounts["/var/run/localkube"] == f"{stage / 'config'}:/var/run/localkube:ro"
    # kubelet's modes: emptyDir 0777, Secret files defaultMode, ConfigMap files 0644, service-account copies 0644
    assert stat.S_IMODE((vol / "t").stat().st_mode) == 0o777
    assert stat.S_IMODE((vol / "s" / "password").stat().st_mode) == 0o640
    assert stat.S_IMODE((vol / "c" / "a.conf").stat().st_mode) == 0o644
    assert stat.S_IMODE((stage / "serviceaccount" / "token").stat().st_mode) == 0o644
    assert stat.S_IMODE((sa_dir / "token").stat().st_mode) == 0o600
    # the kubeconfig names container paths
    config = yaml.safe_load((stage / "config" / "kubeconfig").read_text())
    assert config["users"][0]["user"]["tokenFile"] == f"{SA_MOUNT}/token"
    ca_path = config["clusters"][0]["cluster"]["certificate-authority"]
    assert ca_path.startswith("/var/run/localkube/")
    assert (stage / "config" / os.path.basename(ca_path)).read_text() == "CA"
    # env: single-line values in a 0600 file (not on the command line), KUBECONFIG the mounted kubeconfig
    env_file = dict(pairs)["--env-file"]
    assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
    lines = open(env_file).read().splitlines()
    assert "KUBECONFIG=/var/run/localkube/kubeconfig" in lines and "ONE=1" in lines
    assert "LOCALKUBE_POD_IP=127.1.0.9" in lines and not any(line.startswith("MULTI=") for line in lines)
    assert json.loads(dict(pairs)["--entrypoint"]) == ["/usr/local/bin/supervisor"]


def test_without_service_account_the_kubeconfig_files_are_copied(tmp_path):
    pod_dir = tmp_path / "pod"
    pod_dir.mkdir()
    (pod_dir / "hosts").write_text("")
    cert = tmp_path / "client.crt"
    cert.write_text("CERT")
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(yaml.safe_dump({"users": [{"name": "u", "user": {"client-certificate": "client.crt"}}]}))
    pod = {"metadata": {"name": "p", "namespace": "ns", "uid": "u2"}, "spec": {}}
    ctx = Context(pod, str(pod_dir), "127.1.0.2", str(pod_dir / "hosts"), str(kubeconfig), "")
    argv, _ = podmanrun.Podman(str(tmp_path)).command(ctx, {"name": "c"}, image(["/bin/sh"], mapped=False), {}, {},
                                                       None, 0)
    assert not any(v.endswith(f":{SA_MOUNT}:ro") for v in argv)
    config = yaml.safe_load((pod_dir / "c" / "podman" / "config" / "kubeconfig").read_text())
    path = config["users"][0]["user"]["client-certificate"]
    assert (pod_dir / "c" / "podman" / "config" / os.path.basename(path)).read_text() == "CERT"


def test_a_missing_volume_is_a_missing_ref(tmp_path):
    with pytest.raises(MissingRef):
        podmanrun.volume_mounts({"spec": {}}, {"name": "c", "volumeMounts": [{"name": "v", "mountPath": "/v"}]}, {})


# ---- the kubelet with a stand-in podman (tests/fakepodman.py) ------------------------------------------------------
FAKE = Path(__file__).resolve().parent / "fakepodman.py"


def fake_records(folder: Path) -> dict[str, dict]:
    out = {}
    for path in folder.glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except ValueError:
            continue
        out[record["labels"].get("io.kubernetes.pod.name", record["name"])] = record
    return out


def test_kubelet_runs_podman_images_with_podman_and_others_as_processes(tmp_path, monkeypatch):
    """Through the stand-in: the pod of an image podman has (fake:1 -> localhost/fake:1) runs `podman run` with the
    labels, host network and hosts file; the other pod is a process; deletion stops and removes the container; a
    SIGKILLed localkube's watchdog removes its containers; a start removes the state dir's leftovers."""
    folder, state = tmp_path / "fake", tmp_path / "state"
    monkeypatch.setenv("LOCALKUBE_PODMAN", str(FAKE))
    monkeypatch.setenv("FAKE_PODMAN_DIR", str(folder))
    monkeypatch.setenv("FAKE_PODMAN_IMAGES", "localhost/fake:1")
    script = 'echo "ip=$LOCALKUBE_POD_IP kc=$KUBECONFIG"; exec sleep 300'
    lk = start_runtime(state, "--container-runtime", "podman")
    leftover = None
    try:
        api = lk.client()
        probed = tmp_path / "probed"
        probe = {"periodSeconds": 1, "exec": {"command": ["/bin/sh", "-c", f"echo x >> {probed}; false"]}}
        assert api.post(pod_path("default"), pod("boxed", ["/bin/sh", "-c", script], image="fake:1",
                                                 container={"readinessProbe": probe})).status == 201
        assert api.post(pod_path("default"), pod("proc", ["/bin/sh", "-c", "echo process; exec sleep 300"])).status == 201
        boxed = wait_phase(api, "default", "boxed", "Running")
        wait_phase(api, "default", "proc", "Running")
        record = wait_for(lambda: fake_records(folder).get("boxed"), 20)
        uid = boxed["metadata"]["uid"]
        assert record["name"] == f"lk-{uid}-c-0" and record["image"] == "localhost/fake:1"
        assert record["labels"]["localkube.state-dir"] == os.path.realpath(state)
        assert record["labels"]["io.kubernetes.pod.uid"] == uid and record["labels"]["localkube.instance"]
        assert record["options"]["--network"] == ["host"] and "--rm" in record["options"]
        assert f"{state}/pods/default_boxed_{uid}/hosts:/etc/hosts:ro" in record["options"]["--volume"]
        assert "proc" not in fake_records(folder)
        ids = {name: wait_for(lambda: (api.get(pod_path("default", name)).json["status"].get(
            "containerStatuses") or [{}])[0].get("containerID"), 20) for name in ("boxed", "proc")}
        assert ids["boxed"] == f"podman://lk-{uid}-c-0" and ids["proc"].startswith("localkube://")
        # its exec probe runs through `podman exec` (and fails: not Ready), where a process's always succeeds
        wait_for(lambda: probed.exists() and len(probed.read_text().split()) >= 2, 20)
        assert not ready(api.get(pod_path("default", "boxed")).json)
        ip = boxed["status"]["podIP"]
        wait_for(lambda: f"ip={ip} kc=/var/run/localkube/kubeconfig" in api.get(
            pod_path("default", "boxed") + "/log").raw.decode(), 20)

        assert api.delete(pod_path("default", "boxed")).status == 200
        wait_for(lambda: api.get(pod_path("default", "boxed")).status == 404, 20)
        wait_for(lambda: "boxed" not in fake_records(folder) and not alive(record["pid"]), 20)

        assert api.post(pod_path("default"), pod("again", ["/bin/sh", "-c", script], image="fake:1")).status == 201
        again = wait_for(lambda: fake_records(folder).get("again"), 20)
        lk.proc.kill()   # SIGKILL: no clean stop, the watchdog removes the container
        lk.proc.wait()
        wait_for(lambda: "again" not in fake_records(folder) and not alive(again["pid"]), 20)
        lk.stop()

        leftover = subprocess.Popen(["sleep", "300"])
        (folder / "left.json").write_text(json.dumps({"name": "left", "pid": leftover.pid, "labels": {
            "localkube.state-dir": os.path.realpath(state)}}))
        lk = start_runtime(state, "--container-runtime", "podman")
        assert leftover.wait(timeout=20) == -9 and not (folder / "left.json").exists()
        wait_for(lambda: fake_records(folder).get("again"), 20)   # the pod runs again
    finally:
        lk.stop()
        if leftover is not None and leftover.poll() is None:
            leftover.kill()
    wait_for(lambda: not fake_records(folder), 20)
