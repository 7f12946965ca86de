"""The roles chart against what the toolbox asked for: localkube enforces RBAC on its secure port (the port every pod
uses, with its service account's token) and appends each distinct decision to `<state>/authz-audit.jsonl`.

- sufficient: no request of a pod was denied;
- minimal: every rule of every Role the chart renders, split into single (apiGroup, resource, verb) grants, is the
  only grant that allowed at least one recorded request, so removing it would make that request fail; or it is in
  ALLOWLIST with the reason it is needed anyway.

Shared by Tests/e2e/test_rbac_e2e.py (sufficient and minimal over the e2e run) and Tests/chaos/chaos.py (sufficient).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tools" / "localkube"))
from localkube import refusals  # noqa: E402,F401  (writes refused as invalid, for the same suites)
from localkube.rbac import Attributes, rule_allows  # noqa: E402

NS = "flink-jobs"
# (service account, apiGroup, resource, verb) -> (the suite whose run shows it is needed, or "", and why the grant stays
# although no e2e request needed it). Tests/manual/test_manual.py checks that its run needed each grant it is named for.
MANUAL = "Tests/manual"
_OP = ("flink-operator", "nextbreakpoint.com")
_ROUTES = "the control plane's routes (ControlPlaneService+Commands.swift) that the e2e suite does not call; " \
          "the manual's commands (Tests/manual/commands.txt) do"
ALLOWLIST: dict[tuple, tuple[str, str]] = {
    # localkube does not implement the OwnerReferencesPermissionEnforcement admission plugin (OpenShift enables it):
    # there, setting blockOwnerDeletion on the FlinkClusters/FlinkJobs a FlinkDeployment owns needs this verb.
    (*_OP, "flinkdeployments/finalizers", "update"):
        ("", "OwnerReferencesPermissionEnforcement (not in localkube) checks it when blockOwnerDeletion is set"),
    # POST /deployments/<name> and DELETE /deployments/<name>.
    (*_OP, "flinkdeployments", "create"): (MANUAL, "POST /deployments/<name>: " + _ROUTES),
    (*_OP, "flinkdeployments", "delete"): (MANUAL, "DELETE /deployments/<name>: " + _ROUTES),
    # PUT /deployments|clusters|clusters/<c>/jobs/<name>: replaceSpec reads the object, then replaces it.
    (*_OP, "flinkdeployments", "get"): (MANUAL, "PUT /deployments/<name> (replaceSpec): " + _ROUTES),
    (*_OP, "flinkdeployments", "update"): (MANUAL, "PUT /deployments/<name> (replaceSpec): " + _ROUTES),
    (*_OP, "flinkclusters", "get"): (MANUAL, "PUT /clusters/<name> (replaceSpec): " + _ROUTES),
    (*_OP, "flinkclusters", "update"): (MANUAL, "PUT /clusters/<name> (replaceSpec): " + _ROUTES),
    (*_OP, "flinkjobs", "get"): (MANUAL, "PUT /clusters/<c>/jobs/<name> (replaceSpec): " + _ROUTES),
    (*_OP, "flinkjobs", "update"): (MANUAL, "PUT /clusters/<c>/jobs/<name> (replaceSpec): " + _ROUTES),
    # PUT /clusters/<name>/scale and /clusters/<c>/jobs/<name>/scale: merge patch of the scale subresource.
    (*_OP, "flinkclusters/scale", "patch"): (MANUAL, "PUT /clusters/<name>/scale: " + _ROUTES),
    (*_OP, "flinkjobs/scale", "patch"): (MANUAL, "PUT /clusters/<c>/jobs/<name>/scale: " + _ROUTES),
    # The operator replaces a supervisor Deployment whose desired form changed (OperatorController+Execute.swift,
    # replaceDeployment): the manual's PUT /deployments/demo with another spec does it; no e2e test does.
    ("flink-operator", "apps", "deployments", "update"):
        (MANUAL, "replaceDeployment after PUT /deployments/<name> changed the supervisor's form; " + _ROUTES),
}


def audit(state_dir: Path) -> list[dict]:
    """The recorded decisions (empty when RBAC was off)."""
    path = Path(state_dir) / "authz-audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def denied(entries: list[dict]) -> list[dict]:
    """Every denied request (any pod: the toolbox's service accounts, a `default` one, or none)."""
    return [e for e in entries if not e["allowed"]]


def rendered_roles(namespace: str = NS) -> dict[str, list[tuple[str, dict]]]:
    """Service account name -> (Role name, rule) of each rule bound to it, from the rendered roles chart."""
    text = subprocess.run([sys.executable, str(REPO / "Tools" / "helm" / "render.py"),
                           str(REPO / "deploy" / "helm" / "flink-k8s-toolbox-roles"), "--name",
                           "flink-k8s-toolbox-roles", "--namespace", namespace, "--set",
                           f"targetNamespace={namespace}"], capture_output=True, text=True, check=True).stdout
    docs = [d for d in yaml.safe_load_all(text) if d]
    roles = {d["metadata"]["name"]: d.get("rules") or [] for d in docs if d["kind"] in ("Role", "ClusterRole")}
    out: dict[str, list[tuple[str, dict]]] = {}
    for binding in (d for d in docs if d["kind"] in ("RoleBinding", "ClusterRoleBinding")):
        for subject in binding.get("subjects") or []:
            if subject["kind"] == "ServiceAccount":
                name = binding["roleRef"]["name"]
                out.setdefault(subject["name"], []).extend((name, r) for r in roles.get(name, []))
    return out


def grants(rule: dict) -> list[tuple[str, str, str]]:
    """A rule split into single (apiGroup, resource, verb) grants."""
    return [(g, r, v) for g in rule.get("apiGroups") or [] for r in rule.get("resources") or []
            for v in rule.get("verbs") or []]


def _attrs(entry: dict) -> Attributes:
    return Attributes(entry["verb"], entry["group"], entry["resource"], entry["subresource"], entry["namespace"],
                      entry["name"], entry.get("path", ""))


def _grant_rule(grant: tuple, names: list | None) -> dict:
    return {"apiGroups": [grant[0]], "resources": [grant[1]], "verbs": [grant[2]],
            **({"resourceNames": names} if names else {})}


def minimality(entries: list[dict], roles: dict[str, list[tuple[str, dict]]], namespace: str = NS) -> dict:
    """For each grant of each bound rule: the recorded requests only it allowed. Returns
    {"unused": [...], "allowlisted": [...], "evidence": {key: count}}."""
    unused, allowlisted, evidence = [], [], {}
    for account, rules in sorted(roles.items()):
        user = f"system:serviceaccount:{namespace}:{account}"
        requests = [_attrs(e) for e in entries if e["user"] == user and e["allowed"] and not e.get("path")]
        all_grants = [(role, g, rule.get("resourceNames")) for role, rule in rules for g in grants(rule)]
        for index, (role, grant, names) in enumerate(all_grants):
            others = [_grant_rule(g, n) for i, (_, g, n) in enumerate(all_grants) if i != index]
            only_this = [a for a in requests if rule_allows(_grant_rule(grant, names), a)
                         and not any(rule_allows(o, a) for o in others)]
            key = (account, *grant)
            evidence["/".join(key)] = len(only_this)
            if not only_this:
                record = {"serviceAccount": account, "role": role, "apiGroup": grant[0], "resource": grant[1],
                          "verb": grant[2]}
                if key in ALLOWLIST:
                    allowlisted.append({**record, "provenBy": ALLOWLIST[key][0], "why": ALLOWLIST[key][1]})
                else:
                    unused.append(record)
    return {"unused": unused, "allowlisted": allowlisted, "evidence": evidence}


def describe(entries: list[dict]) -> str:
    """One line a request."""
    return "\n".join(f"  {e['user']} {e['verb']} {e['group'] or 'core'}/{e['resource']}"
                     f"{'/' + e['subresource'] if e['subresource'] else ''} ns={e['namespace']} name={e['name']}"
                     f"{' path=' + e['path'] if e.get('path') else ''}" for e in entries)


def roles_text(items: list[dict]) -> str:
    """One line a grant."""
    return "\n".join(f"  Role {i['role']} (service account {i['serviceAccount']}): apiGroups [{i['apiGroup']}] "
                     f"resources [{i['resource']}] verbs [{i['verb']}]" for i in items)


if __name__ == "__main__":  # python3 Tests/e2e/rbac_audit.py <localkube state dir>: the report of a run
    found = audit(Path(sys.argv[1]))
    result = minimality(found, rendered_roles())
    print(json.dumps(result, indent=1))
    print("denied:\n" + describe(denied(found)))
