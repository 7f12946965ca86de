"""Fault injection rules and request statistics (the /localkube/v1 admin API)."""
from __future__ import annotations

import itertools
import re

from .errors import ApiError, bad_request

VERB_BY_METHOD = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


class FaultRule:
    """One rule: which requests it matches, how many times, and what it does."""

    def __init__(self, rule_id: int, spec: dict):
        if not isinstance(spec, dict):
            raise bad_request("a fault rule must be a JSON object")
        self.id = rule_id
        self.method = spec.get("method")
        self.path = spec.get("path") or ".*"
        try:
            self.regex = re.compile(self.path)
        except re.error as err:
            raise bad_request(f"invalid path regex: {err}")
        self.watch = spec.get("watch")
        self.times = int(spec.get("times", 1))
        self.action = spec.get("action") or {}
        if not any(k in self.action for k in ("status", "delayMs", "dropWatchAfterEvents")):
            raise bad_request("action must have status, delayMs or dropWatchAfterEvents")
        self.hits = 0

    def matches(self, method: str, path: str, watch: bool) -> bool:
        """Whether this rule applies to a request (and has uses left)."""
        if self.times and self.hits >= self.times:
            return False
        if self.method and self.method.upper() != method.upper():
            return False
        if self.watch is not None and bool(self.watch) != watch:
            return False
        if "dropWatchAfterEvents" in self.action and not watch:
            return False
        return bool(self.regex.search(path))

    def describe(self) -> dict:
        """JSON form for GET /localkube/v1/faults."""
        return {"id": self.id, "method": self.method, "path": self.path, "watch": self.watch,
                "times": self.times, "action": self.action, "hits": self.hits}


class Faults:
    """The active fault rules."""

    def __init__(self):
        self.rules: dict[int, FaultRule] = {}
        self.ids = itertools.count(1)

    def add(self, spec: dict) -> FaultRule:
        """Register a rule."""
        rule = FaultRule(next(self.ids), spec)
        self.rules[rule.id] = rule
        return rule

    def take(self, method: str, path: str, watch: bool) -> FaultRule | None:
        """The first matching rule, counting the hit."""
        for rule in self.rules.values():
            if rule.matches(method, path, watch):
                rule.hits += 1
                return rule
        return None

    def error_for(self, rule: FaultRule) -> ApiError:
        """The injected error of a status rule."""
        code = int(rule.action["status"])
        return ApiError(code, rule.action.get("message") or f"injected fault (rule {rule.id})")


class Stats:
    """Counts of requests by verb and resource."""

    def __init__(self):
        self.requests: dict[str, dict[str, int]] = {}

    def count(self, verb: str, resource: str) -> None:
        """Count one request."""
        by_resource = self.requests.setdefault(verb, {})
        by_resource[resource] = by_resource.get(resource, 0) + 1

    def reset(self) -> None:
        """Forget all counts."""
        self.requests = {}


def verb_of(method: str, has_name: bool, watch: bool) -> str:
    """The Kubernetes verb of a resource request."""
    if watch:
        return "watch"
    if method == "GET":
        return "get" if has_name else "list"
    if method == "DELETE" and not has_name:
        return "deletecollection"
    return VERB_BY_METHOD.get(method, method.lower())
