"""The pod `status` written by the kubelet: phase, conditions, addresses and containerStatuses."""
from __future__ import annotations

from .container import stamp


def phase_of(run) -> str:
    """Pending before the start, Succeeded/Failed when every container ended for good, else Running."""
    if not run.started:
        return "Pending"
    crun_list = list(run.containers.values())
    if all(c.proc is None and c.restart_at is None and c.terminated is not None for c in crun_list):
        return "Succeeded" if all(c.terminated["exitCode"] == 0 for c in crun_list) else "Failed"
    return "Running"


def _condition(run, kind: str, ok: bool, reason: str | None = None) -> dict:
    value = "True" if ok else "False"
    previous = run.transitions.get(kind)
    if previous is None or previous[0] != value:
        run.transitions[kind] = (value, stamp())
    out = {"type": kind, "status": value, "lastProbeTime": None, "lastTransitionTime": run.transitions[kind][1]}
    if reason and not ok:
        out["reason"] = reason
    return out


def pod_status(run, pod: dict) -> dict:
    """The whole status of a pod from its runtime state."""
    if run.problem and run.problem[0] == "Unschedulable":
        condition = dict(_condition(run, "PodScheduled", False, "Unschedulable"), message=run.problem[1])
        return {"phase": "Pending", "conditions": [condition],
                "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort")}
    phase = phase_of(run)
    images = {c["name"]: c.get("image", "") for c in pod["spec"].get("containers") or []}
    statuses = []
    for name, crun in run.containers.items():
        status = crun.status(images.get(name, ""))
        if not run.started and run.problem:
            status["state"] = {"waiting": {"reason": run.problem[0], "message": run.problem[1]}}
        statuses.append(status)
    ready = phase == "Running" and all(s["ready"] for s in statuses)
    not_ready = "PodCompleted" if phase in ("Succeeded", "Failed") else "ContainersNotReady"
    conditions = [
        _condition(run, "PodReadyToStartContainers", run.started),
        _condition(run, "Initialized", True),
        _condition(run, "Ready", ready, not_ready),
        _condition(run, "ContainersReady", ready, not_ready),
        _condition(run, "PodScheduled", True),
    ]
    out = {"phase": phase, "conditions": conditions, "hostIP": "127.0.0.1", "hostIPs": [{"ip": "127.0.0.1"}],
           "podIP": run.ip, "podIPs": [{"ip": run.ip}], "startTime": run.start_time,
           "containerStatuses": statuses, "qosClass": (pod.get("status") or {}).get("qosClass", "BestEffort")}
    if not run.started and run.problem:
        out["message"] = run.problem[1]
    return out
