"""Writes of pods refused as invalid: every 400/422 answer to a create, update or patch by a non-admin user.

Appended to `<state>/refused-writes.jsonl` (one line per refusal), so tests can show that nothing the toolbox's pods
write ever fails validation. The admin's writes (the main port: tests and users with kubectl) are not recorded:
refusing a hostile object from a user is the point of validation.
"""
from __future__ import annotations

import json
import os
import time

from .errors import ApiError

REFUSALS_FILE = "refused-writes.jsonl"
WRITES = ("POST", "PUT", "PATCH")


class Refusals:
    """Records refused writes of non-admin users."""

    def __init__(self, state_dir: str):
        self.path = os.path.join(state_dir, REFUSALS_FILE)

    def record(self, user, method: str, path: str, err: ApiError) -> None:
        """Append the refusal when it is a validation failure (400 or 422) of a non-admin write."""
        if user is None or user.is_admin or method not in WRITES or err.code not in (400, 422):
            return
        entry = {"time": round(time.time(), 3), "user": user.name, "method": method, "path": path,
                 "status": err.code, "message": err.message[:2000]}
        with open(self.path, "a") as handle:
            handle.write(json.dumps(entry, separators=(",", ":")) + "\n")


def read(state_dir) -> list[dict]:
    """The recorded refusals of a localkube state folder."""
    path = os.path.join(str(state_dir), REFUSALS_FILE)
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip()]
