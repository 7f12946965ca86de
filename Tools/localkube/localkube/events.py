"""events.k8s.io/v1 Events share storage with core/v1 Events, as in Kubernetes: field conversion both ways."""
from __future__ import annotations

import copy

EVENTS_GROUP = "events.k8s.io"
# events.k8s.io/v1 field -> core/v1 field
RENAMES = {"regarding": "involvedObject", "note": "message", "reportingController": "reportingComponent",
           "deprecatedSource": "source", "deprecatedFirstTimestamp": "firstTimestamp",
           "deprecatedLastTimestamp": "lastTimestamp", "deprecatedCount": "count"}
BACK = {v: k for k, v in RENAMES.items()}


def is_new_events(rt) -> bool:
    """Whether `rt` is events.k8s.io Event (stored as core/v1 Event)."""
    return rt.group == EVENTS_GROUP and rt.plural == "events"


def to_core(event: dict) -> dict:
    """Convert an events.k8s.io/v1 Event to its core/v1 storage form."""
    out = {}
    for key, value in event.items():
        out[RENAMES.get(key, key)] = copy.deepcopy(value)
    out.setdefault("involvedObject", {})
    out.setdefault("source", {})
    out["apiVersion"], out["kind"] = "v1", "Event"
    return out


def from_core(event: dict) -> dict:
    """Convert a stored core/v1 Event to events.k8s.io/v1."""
    out = {}
    for key, value in event.items():
        if key in ("source", "involvedObject") and value == {}:
            continue
        out[BACK.get(key, key)] = copy.deepcopy(value)
    out["apiVersion"], out["kind"] = "events.k8s.io/v1", "Event"
    return out


def core_field_selector(selector: str | None) -> str | None:
    """Rewrite events.k8s.io field selector paths to the core/v1 field names."""
    if not selector:
        return selector
    for new, old in RENAMES.items():
        selector = selector.replace(new + ".", old + ".").replace(new + "=", old + "=").replace(new + "!", old + "!")
    return selector
