"""RBAC on the secure port: service-account tokens per pod, Role/ClusterRole rules through bindings, 403 Status,
SelfSubjectAccessReview (kubectl auth can-i) and the decision audit file."""
from __future__ import annotations

import json
import os
import ssl
import tempfile
from pathlib import Path

import pytest
import yaml

from conftest import Kubectl
from lkhelpers import Client
from localkube import refusals
from localkube.identity import ANONYMOUS_USER, Tokens, User, service_account_user
from localkube.rbac import Attributes, Authorizer, attributes_of, forbidden, rule_allows
from localkube.store import Store
from localkube.watch import Hub
from runtimehelpers import pod, pod_path, start_runtime, wait_for, wait_phase

G = "rbac.authorization.k8s.io"
SA = service_account_user("app", "robot")


# ---- the rules, without a server --------------------------------------------------------
@pytest.mark.parametrize("rule,attrs,expected", [
    ({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, Attributes("get", "", "pods", "", "n", "p"), True),
    ({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, Attributes("list", "", "pods", "", "n"), False),
    ({"apiGroups": ["apps"], "resources": ["pods"], "verbs": ["get"]}, Attributes("get", "", "pods", "", "n"), False),
    ({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, Attributes("delete", "x.io", "y", "", "n", "z"), True),
    ({"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, Attributes("get", "", "pods", "log", "n", "p"),
     False),
    ({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}, Attributes("get", "", "pods", "log", "n", "p"),
     True),
    ({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}, Attributes("get", "", "pods", "", "n", "p"),
     False),
    ({"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["patch"]},
     Attributes("patch", "apps", "deployments", "scale", "n", "d"), True),
    ({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"], "verbs": ["get"]},
     Attributes("get", "", "configmaps", "", "n", "a"), True),
    ({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"], "verbs": ["get"]},
     Attributes("get", "", "configmaps", "", "n", "b"), False),
    ({"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["a"], "verbs": ["list"]},
     Attributes("list", "", "configmaps", "", "n"), False),
    ({"nonResourceURLs": ["/metrics"], "verbs": ["get"]}, Attributes("get", path="/metrics"), True),
    ({"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}, Attributes("get", path="/logs/a/b"), True),
    ({"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}, Attributes("post", path="/logs/a"), False),
    ({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, Attributes("get", path="/metrics"), False),
])
def test_rule_matching(rule, attrs, expected):
    assert rule_allows(rule, attrs) is expected


@pytest.mark.parametrize("method,path,query,expected", [
    ("GET", "/api/v1/namespaces/n/pods", {}, Attributes("list", "", "pods", "", "n")),
    ("GET", "/api/v1/namespaces/n/pods", {"watch": "true"}, Attributes("watch", "", "pods", "", "n")),
    ("GET", "/api/v1/watch/namespaces/n/pods/p", {}, Attributes("watch", "", "pods", "", "n", "p")),
    ("GET", "/api/v1/namespaces/n/pods/p/log", {}, Attributes("get", "", "pods", "log", "n", "p")),
    ("PUT", "/apis/x.io/v1/namespaces/n/fcs/a/status", {}, Attributes("update", "x.io", "fcs", "status", "n", "a")),
    ("PATCH", "/apis/apps/v1/namespaces/n/deployments/d/scale", {},
     Attributes("patch", "apps", "deployments", "scale", "n", "d")),
    ("DELETE", "/api/v1/namespaces/n/pods", {}, Attributes("deletecollection", "", "pods", "", "n")),
    ("DELETE", "/api/v1/namespaces/n", {}, Attributes("delete", "", "namespaces", "", "n", "n")),
    ("POST", "/api/v1/namespaces", {}, Attributes("create", "", "namespaces")),
    ("GET", "/apis/apps/v1", {}, Attributes("get", path="/apis/apps/v1")),
    ("GET", "/version", {}, Attributes("get", path="/version")),
])
def test_request_attributes(method, path, query, expected):
    assert attributes_of(method, path, query) == expected


@pytest.fixture
def store(tmp_path):
    db = Store(str(tmp_path / "state.db"), Hub(100))
    yield db
    db.close()


def _put(store, plural, obj):
    store.put((G, plural), obj)


def test_bindings_namespaced_cluster_groups_and_audit(store, tmp_path):
    auth = Authorizer(store, str(tmp_path))
    get_pods = Attributes("get", "", "pods", "", "app", "p")
    assert not auth.allowed(SA, get_pods)
    _put(store, "roles", {"metadata": {"name": "r", "namespace": "app"},
                          "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]})
    _put(store, "rolebindings", {"metadata": {"name": "b", "namespace": "app"},
                                 "roleRef": {"kind": "Role", "name": "r", "apiGroup": G},
                                 "subjects": [{"kind": "ServiceAccount", "name": "robot"}]})
    assert auth.allowed(SA, get_pods)
    assert not auth.allowed(SA, Attributes("get", "", "pods", "", "other", "p"))  # a Role is of its namespace
    assert not auth.allowed(service_account_user("app", "other"), get_pods)
    # A ClusterRole bound by a RoleBinding grants in that namespace only; by a ClusterRoleBinding, everywhere.
    _put(store, "clusterroles", {"metadata": {"name": "cr"},
                                 "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["list"]}]})
    _put(store, "rolebindings", {"metadata": {"name": "b2", "namespace": "app"},
                                 "roleRef": {"kind": "ClusterRole", "name": "cr", "apiGroup": G},
                                 "subjects": [{"kind": "Group", "name": "system:serviceaccounts:app"}]})
    deployments = Attributes("list", "apps", "deployments", "", "app")
    assert auth.allowed(SA, deployments) and not auth.allowed(SA, Attributes("list", "apps", "deployments", "", "x"))
    _put(store, "clusterrolebindings", {"metadata": {"name": "cb"},
                                        "roleRef": {"kind": "ClusterRole", "name": "cr", "apiGroup": G},
                                        "subjects": [{"kind": "User", "name": SA.name}]})
    assert auth.allowed(SA, Attributes("list", "apps", "deployments", "", "x"))
    assert auth.allowed(SA, Attributes("list", "apps", "deployments"))  # cluster scope
    store.remove((G, "clusterrolebindings"), "", "cb")
    assert not auth.allowed(SA, Attributes("list", "apps", "deployments", "", "x"))
    # Defaults: discovery for the authenticated, /version for everyone, nothing else for anonymous.
    assert auth.allowed(SA, Attributes("get", path="/apis/apps/v1"))
    assert not auth.allowed(ANONYMOUS_USER, Attributes("get", path="/apis"))
    assert auth.allowed(ANONYMOUS_USER, Attributes("get", path="/version"))
    assert auth.allowed(User("admin", ("system:masters",)), Attributes("delete", "", "nodes", "", "", "n"))
    auth.authorize(SA, get_pods)
    auth.authorize(SA, get_pods)  # recorded once
    with pytest.raises(Exception):
        auth.authorize(SA, Attributes("delete", "", "pods", "", "app", "p"))
    lines = [json.loads(line) for line in open(tmp_path / "authz-audit.jsonl")]
    assert [(x["verb"], x["allowed"]) for x in lines] == [("get", True), ("delete", False)]
    assert lines[0]["user"] == "system:serviceaccount:app:robot" and lines[0]["namespace"] == "app"


def test_forbidden_status_shape():
    status = forbidden(SA, Attributes("patch", "apps", "deployments", "scale", "app", "d")).status()
    assert status == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'deployments.apps "d" is forbidden: User "system:serviceaccount:app:robot" cannot patch '
                   'resource "deployments/scale" in API group "apps" in the namespace "app"',
        "reason": "Forbidden", "details": {"name": "d", "group": "apps", "kind": "deployments"}, "code": 403}
    assert forbidden(ANONYMOUS_USER, Attributes("list", "", "namespaces")).message == \
        'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" ' \
        'at the cluster scope'
    assert forbidden(SA, Attributes("get", path="/metrics")).message == \
        'forbidden: User "system:serviceaccount:app:robot" cannot get path "/metrics"'


def test_tokens_survive_restart_and_reject_forgeries(tmp_path):
    token = Tokens(str(tmp_path)).issue("app", "robot")
    assert Tokens(str(tmp_path)).verify(token) == ("app", "robot")
    assert Tokens(str(tmp_path)).verify(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert Tokens(tempfile.mkdtemp(dir=tmp_path)).verify(token) is None


# ---- a running localkube ----------------------------------------------------------------
@pytest.fixture(scope="module")
def lk(tmp_path_factory):
    server = start_runtime(tmp_path_factory.mktemp("rbac") / "state")
    yield server
    assert server.stop() == 0


def _secure(lk, token=None) -> Client:
    url = (lk.state_dir / "secure-url").read_text().strip()
    return Client(url, token=token, context=ssl.create_default_context(cafile=str(lk.state_dir / "ca.crt")))


def _setup_namespace(api, ns):
    assert api.post("/api/v1/namespaces", {"metadata": {"name": ns}}).status == 201
    for name, extra in (("robot", {}), ("quiet", {"automountServiceAccountToken": False})):
        assert api.post(f"/api/v1/namespaces/{ns}/serviceaccounts", {"metadata": {"name": name}, **extra}).status == 201
    assert api.post(f"/apis/{G}/v1/namespaces/{ns}/roles", {
        "metadata": {"name": "reader"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                  {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["mine"], "verbs": ["get"]}]
    }).status == 201
    assert api.post(f"/apis/{G}/v1/namespaces/{ns}/rolebindings", {
        "metadata": {"name": "reader"}, "roleRef": {"apiGroup": G, "kind": "Role", "name": "reader"},
        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": ns}]}).status == 201


def test_secure_port_authenticates_and_authorizes(lk):
    api, ns = lk.client(), "rbac-api"
    _setup_namespace(api, ns)
    token = Tokens(str(lk.state_dir)).issue(ns, "robot")
    robot, anonymous = _secure(lk, token), _secure(lk)
    assert api.get(f"/api/v1/namespaces/{ns}/secrets").status == 200  # the main port stays the admin's
    assert robot.get(f"/api/v1/namespaces/{ns}/pods").status == 200
    assert robot.get("/apis").status == 200 and robot.get("/version").status == 200
    denied = robot.get(f"/api/v1/namespaces/{ns}/secrets")
    assert denied.status == 403 and denied.json["reason"] == "Forbidden"
    assert denied.json["message"] == (f'secrets is forbidden: User "system:serviceaccount:{ns}:robot" cannot list '
                                      f'resource "secrets" in API group "" in the namespace "{ns}"')
    assert robot.delete(f"/api/v1/namespaces/{ns}/pods/x").status == 403
    assert robot.get(f"/api/v1/namespaces/{ns}/configmaps/mine").status == 404  # allowed, then not found
    assert robot.get(f"/api/v1/namespaces/{ns}/configmaps/theirs").status == 403
    assert robot.get(f"/api/v1/namespaces/{ns}/pods/x/log").status == 404
    assert robot.get("/localkube/v1/stats").status == 403
    anon = anonymous.get(f"/api/v1/namespaces/{ns}/pods")
    assert anon.status == 403 and 'User "system:anonymous" cannot list' in anon.json["message"]
    assert anonymous.get("/apis").status == 403 and anonymous.get("/version").status == 200
    assert _secure(lk, "lksa.Zm9vOmJhcg.0000").get("/api").status == 401
    # The admin's client certificate is system:masters.
    admin = ssl.create_default_context(cafile=str(lk.state_dir / "ca.crt"))
    admin.load_cert_chain(str(lk.state_dir / "client.crt"), str(lk.state_dir / "client.key"))
    assert Client(_secure(lk).url, context=admin).get(f"/api/v1/namespaces/{ns}/secrets").status == 200
    audit = [json.loads(line) for line in open(lk.state_dir / "authz-audit.jsonl")]
    mine = [a for a in audit if a["user"] == f"system:serviceaccount:{ns}:robot"]
    assert {"verb": "list", "resource": "secrets", "allowed": False} in \
        [{k: a[k] for k in ("verb", "resource", "allowed")} for a in mine]


def test_refused_writes_of_pods_are_recorded(lk):
    """A pod's write that fails validation is in refused-writes.jsonl; the admin's (a user's) are not."""
    api, ns = lk.client(), "rbac-refusals"
    _setup_namespace(api, ns)
    assert api.post(f"/apis/{G}/v1/namespaces/{ns}/roles", {
        "metadata": {"name": "writer"}, "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]}]
    }).status == 201
    assert api.post(f"/apis/{G}/v1/namespaces/{ns}/rolebindings", {
        "metadata": {"name": "writer"}, "roleRef": {"apiGroup": G, "kind": "Role", "name": "writer"},
        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": ns}]}).status == 201
    robot = _secure(lk, Tokens(str(lk.state_dir)).issue(ns, "robot"))
    assert api.post(f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "Admin_Bad"}}).status == 422
    assert robot.post(f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "fine"}}).status == 201
    refused = robot.post(f"/api/v1/namespaces/{ns}/configmaps", {"metadata": {"name": "Robot_Bad"}})
    assert refused.status == 422
    entries = [e for e in refusals.read(lk.state_dir) if f"/namespaces/{ns}/" in e["path"]]
    assert [(e["user"], e["method"], e["status"]) for e in entries] == \
        [(f"system:serviceaccount:{ns}:robot", "POST", 422)], entries
    assert "Robot_Bad" in entries[0]["message"]


def test_pods_get_their_service_account(lk, tmp_path):
    api, ns = lk.client(), "rbac-pods"
    _setup_namespace(api, ns)
    for name, sa in (("with-token", "robot"), ("without-token", "quiet")):
        spec = pod(name, ["sh", "-c", 'cat "$0"; sleep 600', "/var/run/secrets/kubernetes.io/serviceaccount/namespace"],
                   serviceAccountName=sa)
        assert api.post(pod_path(ns), spec).status == 201
    running = {n: wait_phase(api, ns, n, "Running") for n in ("with-token", "without-token")}
    pods_dir = lk.state_dir / "pods"
    dirs = {n: pods_dir / f"{ns}_{n}_{p['metadata']['uid']}" for n, p in running.items()}
    sa_dir = dirs["with-token"] / "serviceaccount"
    assert (sa_dir / "namespace").read_text() == ns
    assert Tokens(str(lk.state_dir)).verify((sa_dir / "token").read_text()) == (ns, "robot")
    assert (sa_dir / "ca.crt").read_bytes() == (lk.state_dir / "ca.crt").read_bytes()
    assert not (dirs["without-token"] / "serviceaccount").exists()
    config = yaml.safe_load((dirs["without-token"] / "kubeconfig").read_text())
    assert config["users"][0]["user"] == {}
    pid = int(running["with-token"]["status"]["containerStatuses"][0]["containerID"].split("://")[1])
    environ = dict(e.split("=", 1) for e in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in e)
    assert environ["KUBECONFIG"] == str(dirs["with-token"] / "kubeconfig")
    # The mount path is mapped into the pod's folder: the pod printed its namespace from it.
    wait_for(lambda: ns in api.get(pod_path(ns, "with-token") + "/log").raw.decode(), 20)
    # kubectl as the pod: allowed, forbidden with the real message, and `auth can-i`.
    kubectl = Kubectl(str(dirs["with-token"] / "kubeconfig"), str(tmp_path / "cache"))
    assert "with-token" in kubectl("get", "pods").stdout
    out = kubectl("get", "secrets", check=False)
    assert out.returncode != 0 and (f'Error from server (Forbidden): secrets is forbidden: User '
                                    f'"system:serviceaccount:{ns}:robot" cannot list resource "secrets" in API group '
                                    f'"" in the namespace "{ns}"') in out.stderr
    assert kubectl("auth", "can-i", "list", "pods").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "delete", "pods", check=False).stdout.strip() == "no"
    assert kubectl("auth", "can-i", "get", "configmaps/mine").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "get", "configmaps/theirs", check=False).stdout.strip() == "no"
    for name in running:
        api.delete(pod_path(ns, name), {"gracePeriodSeconds": 0})


def test_rbac_off(tmp_path):
    server = start_runtime(tmp_path / "state", "--no-rbac")
    try:
        assert not (tmp_path / "state" / "secure-url").exists()
    finally:
        assert server.stop() == 0
