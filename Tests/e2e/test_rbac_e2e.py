"""The roles chart is sufficient and minimal for what the e2e run made the toolbox do (runs last: conftest moves it).

localkube enforces RBAC on the port the pods use: the operator, supervisors and bootstraps each call the API with
their own service account's token (`flink-operator`, `flink-supervisor`; the tutorial's bootstraps run as
`flink-bootstrap`, which mounts no token, the others as `default`). Every distinct decision is in the audit file.
"""
from __future__ import annotations

import json

from rbac_audit import audit, denied, describe, minimality, refusals, rendered_roles, roles_text


def test_roles_chart_is_sufficient_and_minimal(system):
    entries = audit(system.state)
    assert entries, "no RBAC decision recorded: is RBAC on (localkube --rbac, the default with --runtime)?"
    users = {e["user"] for e in entries}
    assert {"system:serviceaccount:flink-jobs:flink-operator",
            "system:serviceaccount:flink-jobs:flink-supervisor"} <= users, users
    refused = denied(entries)
    assert not refused, f"the roles chart is not sufficient: these requests were denied (403):\n{describe(refused)}"
    result = minimality(entries, rendered_roles())
    (system.run_dir / "rbac-minimality.json").write_text(json.dumps(result, indent=1))
    assert not result["unused"], (
        "the roles chart is not minimal: removing any of these grants would deny no recorded request (remove it, "
        "or add it to rbac_audit.ALLOWLIST with the reason it is needed):\n" + roles_text(result["unused"]))


def test_nothing_the_toolbox_wrote_was_refused_as_invalid(system):
    """Every object the operator, supervisors and bootstraps wrote over the whole e2e run passed validation: localkube
    records each 400/422 answer to a pod's create/update/patch (Tools/localkube/localkube/refusals.py)."""
    refused = refusals.read(system.state)
    assert not refused, "the toolbox wrote objects the API server refused:\n" + "\n".join(
        f'{e["user"]} {e["method"]} {e["path"]}: {e["status"]} {e["message"]}' for e in refused)
