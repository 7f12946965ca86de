"""Checks that every pod a rendered chart runs is restricted the way the toolbox's own pods are (PodSecurityTests):
non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, a read-only root filesystem.

python3 Tools/helm/pod_security.py RENDERED.yaml...  (exit 1 naming each pod and setting that falls short)"""
import sys

import yaml

WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "Pod"}


def pod_spec(document: dict) -> dict:
    spec = document.get("spec") or {}
    return spec if document["kind"] == "Pod" else (spec.get("template") or {}).get("spec") or {}


def problems(document: dict) -> list[str]:
    name = f"{document['kind']} {document['metadata']['name']}"
    pod = pod_spec(document)
    pod_context = pod.get("securityContext") or {}
    found = []
    for container in (pod.get("initContainers") or []) + (pod.get("containers") or []):
        # A container's own securityContext wins over the pod's for the fields both have.
        context = {**pod_context, **(container.get("securityContext") or {})}
        where = f"{name} container {container['name']}"
        if context.get("runAsNonRoot") is not True:
            found.append(f"{where}: runAsNonRoot is not true")
        if context.get("runAsUser") == 0:
            found.append(f"{where}: runAsUser 0")
        if context.get("allowPrivilegeEscalation") is not False:
            found.append(f"{where}: allowPrivilegeEscalation is not false")
        if "ALL" not in ((context.get("capabilities") or {}).get("drop") or []):
            found.append(f"{where}: capabilities do not drop ALL")
        if (context.get("capabilities") or {}).get("add"):
            found.append(f"{where}: adds capabilities")
        if (context.get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
            found.append(f"{where}: no RuntimeDefault seccomp profile")
        if context.get("readOnlyRootFilesystem") is not True:
            found.append(f"{where}: the root filesystem is writable")
    return found


def main(paths: list[str]) -> int:
    checked, found = 0, []
    for path in paths:
        with open(path) as file:
            for document in yaml.safe_load_all(file):
                if document and document.get("kind") in WORKLOADS:
                    checked += 1
                    found += problems(document)
    for problem in found:
        print(problem, file=sys.stderr)
    if checked == 0:
        print("no workload found in " + " ".join(paths), file=sys.stderr)
        return 1
    print(f"pod security: {checked} workload(s) checked, {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
