"""Minimal Deployment and Job controllers.

Deployments own their pods directly (no ReplicaSets): pods are `<deploy>-<hash>-<rand5>` with the
`pod-template-hash` label and a controller ownerReference to the Deployment. Every strategy behaves as
Recreate: when the template changes, the old pods are deleted and the new ones created once they are gone.
Jobs run `parallelism` pods at a time until `completions` succeeded; failed pods (and, with OnFailure,
container restarts) count against `backoffLimit`; `ttlSecondsAfterFinished` deletes a finished Job.
"""
from __future__ import annotations

import copy
import hashlib
import json
import logging
import random
import string
import time

from .container import stamp
from .decode import WriteOptions
from .deletion import delete
from .errors import ApiError
from .network import POD_KEY, pod_ready

log = logging.getLogger("localkube.workloads")
DEPLOY_KEY, JOB_KEY = ("apps", "deployments"), ("batch", "jobs")


def _rand(n: int = 5) -> str:
    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(n))


def template_hash(template: dict) -> str:
    """A short stable hash of a pod template (the `pod-template-hash` label)."""
    text = json.dumps(template, sort_keys=True, separators=(",", ":"))
    digest = int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)
    chars = string.digits + string.ascii_lowercase
    out = ""
    while digest and len(out) < 10:
        digest, rem = divmod(digest, len(chars))
        out += chars[rem]
    return out


def owner_ref(obj: dict, api_version: str, kind: str) -> dict:
    """A controller ownerReference to `obj`."""
    return {"apiVersion": api_version, "kind": kind, "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


class Workloads:
    """Reconciles Deployments and Jobs against their pods."""

    def __init__(self, api):
        self.api = api
        self.pod_rt = api.registry.by_key(POD_KEY)
        self.job_failures: dict[str, float] = {}

    def sync(self) -> None:
        """One pass over every Deployment and Job."""
        owned: dict[str, list] = {}
        for pod in self.api.store.items(POD_KEY):
            for ref in pod["metadata"].get("ownerReferences") or []:
                if ref.get("controller"):
                    owned.setdefault(ref.get("uid"), []).append(pod)
        for key, fn in ((DEPLOY_KEY, self._deployment), (JOB_KEY, self._job)):
            for obj in list(self.api.store.items(key)):
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    fn(obj, owned.get(obj["metadata"]["uid"], []))
                except ApiError as err:
                    if err.code not in (404, 409):
                        log.warning("%s %s: %s", key[1], obj["metadata"]["name"], err.message)

    # ---- helpers -------------------------------------------------------------------------
    def _create_pod(self, owner: dict, ref: dict, name: str, labels: dict) -> None:
        template = copy.deepcopy(owner["spec"].get("template") or {})
        meta = template.get("metadata") or {}
        meta = {"name": name, "labels": {**(meta.get("labels") or {}), **labels},
                "annotations": meta.get("annotations") or {}, "ownerReferences": [ref]}
        if not meta["annotations"]:
            meta.pop("annotations")
        self.api.create(self.pod_rt, owner["metadata"]["namespace"],
                        {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": template.get("spec") or {}},
                        WriteOptions("Ignore"))

    def _delete_pod(self, pod: dict) -> None:
        if not pod["metadata"].get("deletionTimestamp"):
            delete(self.api, self.pod_rt, pod["metadata"]["namespace"], pod["metadata"]["name"], {})

    def _write_status(self, key: tuple, obj: dict, status: dict) -> None:
        if obj.get("status") == status:
            return
        existing = self.api.store.get(key, obj["metadata"]["namespace"], obj["metadata"]["name"])
        if existing is not None:
            self.api.replace(self.api.registry.by_key(key), existing, dict(existing, status=status),
                             WriteOptions("Ignore"), "status")

    # ---- Deployments ---------------------------------------------------------------------
    def _deployment(self, dep: dict, pods: list[dict]) -> None:
        spec = dep["spec"]
        want = int(spec.get("replicas", 1))
        current_hash = template_hash(spec.get("template") or {})
        alive = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
        old = [p for p in pods if p["metadata"].get("labels", {}).get("pod-template-hash") != current_hash]
        for pod in alive:
            finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            if pod in old or finished:
                self._delete_pod(pod)
        current = [p for p in alive if p not in old and
                   (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        if not old:
            current.sort(key=lambda p: p["metadata"].get("creationTimestamp", ""))
            for pod in current[want:]:
                self._delete_pod(pod)
            current = current[:want]
            name = dep["metadata"]["name"]
            for _ in range(want - len(current)):
                self._create_pod(dep, owner_ref(dep, "apps/v1", "Deployment"), f"{name}-{current_hash}-{_rand()}",
                                 {"pod-template-hash": current_hash})
        self._deployment_status(dep, alive, current, want)

    def _deployment_status(self, dep: dict, alive: list, current: list, want: int) -> None:
        ready = [p for p in current if pod_ready(p)]
        previous = {c["type"]: c for c in (dep.get("status") or {}).get("conditions") or []}

        def condition(kind: str, ok: bool, reason: str, message: str) -> dict:
            value = "True" if ok else "False"
            old = previous.get(kind)
            changed = old is None or old.get("status") != value
            return {"type": kind, "status": value, "reason": reason, "message": message,
                    "lastUpdateTime": stamp() if changed else old.get("lastUpdateTime"),
                    "lastTransitionTime": stamp() if changed else old.get("lastTransitionTime")}
        name = dep["metadata"]["name"]
        status = {"observedGeneration": dep["metadata"].get("generation", 1), "replicas": len(alive),
                  "updatedReplicas": len(current), "readyReplicas": len(ready), "availableReplicas": len(ready),
                  "conditions": [
                      condition("Available", len(ready) >= want, "MinimumReplicasAvailable" if len(ready) >= want
                                else "MinimumReplicasUnavailable", "Deployment has minimum availability."
                                if len(ready) >= want else "Deployment does not have minimum availability."),
                      condition("Progressing", True, "NewReplicaSetAvailable",
                                f'Deployment "{name}" has successfully progressed.')]}
        if len(alive) - len(ready) > 0:
            status["unavailableReplicas"] = len(alive) - len(ready)
        for key in ("readyReplicas", "availableReplicas", "updatedReplicas", "replicas"):
            if not status[key]:
                status.pop(key)
        self._write_status(DEPLOY_KEY, dep, status)

    # ---- Jobs ----------------------------------------------------------------------------
    def _job(self, job: dict, pods: list[dict]) -> None:
        spec, status = job["spec"], copy.deepcopy(job.get("status") or {})
        if self._job_finished(job, status, pods):
            return
        phases = [(p.get("status") or {}).get("phase") for p in pods]
        succeeded = phases.count("Succeeded")
        failed = phases.count("Failed")
        if (spec["template"].get("spec") or {}).get("restartPolicy") == "OnFailure":
            failed += sum(c.get("restartCount", 0) for p in pods
                          for c in (p.get("status") or {}).get("containerStatuses") or [])
        active = [p for p in pods if not p["metadata"].get("deletionTimestamp") and
                  (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        status.setdefault("startTime", stamp())
        status.update({"active": len(active), "succeeded": succeeded, "failed": failed,
                       "ready": sum(1 for p in active if pod_ready(p)), "terminating": 0})
        completions = int(spec.get("completions") or 1)
        if succeeded >= completions:
            self._finish(job, status, active, "Complete", "CompletionsReached", "Reached expected number of succeeded pods")
        elif failed > int(spec.get("backoffLimit", 6)):
            self._finish(job, status, active, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
        else:
            uid = job["metadata"]["uid"]
            if failed and self.job_failures.get(uid, (0, 0))[0] != failed:
                self.job_failures[uid] = (failed, time.monotonic() + min(0.5 * 2 ** (failed - 1), 10))
            ready_at = self.job_failures.get(uid, (0, 0))[1]
            missing = min(int(spec.get("parallelism", 1)), completions - succeeded) - len(active)
            if missing > 0 and time.monotonic() >= ready_at and not spec.get("suspend"):
                for _ in range(missing):
                    self._create_pod(job, owner_ref(job, "batch/v1", "Job"), f"{job['metadata']['name']}-{_rand()}",
                                     {})
        self._write_status(JOB_KEY, job, {k: v for k, v in status.items() if v or k in ("startTime",)})

    def _finish(self, job: dict, status: dict, active: list, kind: str, reason: str, message: str) -> None:
        for pod in active:
            self._delete_pod(pod)
        now = stamp()
        first = "SuccessCriteriaMet" if kind == "Complete" else "FailureTarget"
        status["conditions"] = [
            {"type": first, "status": "True", "reason": reason, "message": message,
             "lastProbeTime": now, "lastTransitionTime": now},
            {"type": kind, "status": "True", "reason": reason, "message": message,
             "lastProbeTime": now, "lastTransitionTime": now}]
        status["active"] = 0
        if kind == "Complete":
            status["completionTime"] = now

    def _job_finished(self, job: dict, status: dict, pods: list) -> bool:
        """A finished Job only waits for its TTL."""
        done = next((c for c in status.get("conditions") or [] if c.get("type") in ("Complete", "Failed")
                     and c.get("status") == "True"), None)
        if done is None:
            return False
        ttl = job["spec"].get("ttlSecondsAfterFinished")
        if ttl is not None:
            from datetime import datetime, timezone
            finished = datetime.strptime(done["lastTransitionTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            if (datetime.now(timezone.utc) - finished).total_seconds() >= float(ttl):
                delete(self.api, self.api.registry.by_key(JOB_KEY), job["metadata"]["namespace"],
                       job["metadata"]["name"], {"propagationPolicy": "Background"})
        return True
