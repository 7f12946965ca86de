"""Object metadata helpers: timestamps, names, uids and ObjectMeta validation."""
from __future__ import annotations

import datetime
import json
import random
import re
import uuid

from .errors import cause

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"
ANNOTATIONS_LIMIT = 262144


def now() -> str:
    """The current time as Kubernetes writes it (RFC 3339, seconds, UTC)."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str | None) -> datetime.datetime | None:
    """Parse an RFC 3339 timestamp (None if absent or malformed)."""
    if not text:
        return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def new_uid() -> str:
    """A fresh object uid."""
    return str(uuid.uuid4())


def generate_name(prefix: str) -> str:
    """`generateName` + 5 random characters, like the real apiserver."""
    return prefix[:58] + "".join(random.choice(NAME_CHARS) for _ in range(5))


def _name_message(kind: str) -> str:
    if kind == "label":
        return ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
    if kind == "dns1035":
        return ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
    return ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
            "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
            "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")


def name_causes(name: str, kind: str = "subdomain") -> list[dict]:
    """Causes for an invalid metadata.name (`kind`: subdomain, label or dns1035)."""
    limit = 253 if kind == "subdomain" else 63
    pattern = {"subdomain": DNS1123_SUBDOMAIN, "label": DNS1123_LABEL, "dns1035": DNS1035_LABEL}[kind]
    out = []
    if len(name) > limit:
        out.append(cause("metadata.name", "FieldValueInvalid",
                         f"Invalid value: {json.dumps(name)}: must be no more than {limit} characters"))
    if not pattern.match(name):
        out.append(cause("metadata.name", "FieldValueInvalid",
                         f"Invalid value: {json.dumps(name)}: {_name_message(kind)}"))
    return out


def _qualified_key_ok(key: str) -> bool:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(QUALIFIED_NAME.match(name))


def meta_causes(meta: dict) -> list[dict]:
    """Causes for invalid labels, annotations and finalizers."""
    out = []
    for key, value in (meta.get("labels") or {}).items():
        if not _qualified_key_ok(key):
            out.append(cause("metadata.labels", "FieldValueInvalid", f"Invalid value: {json.dumps(key)}: "
                             "name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
                             "and end with an alphanumeric character"))
        if not isinstance(value, str) or len(value) > 63 or not LABEL_VALUE.match(value):
            out.append(cause("metadata.labels", "FieldValueInvalid", f"Invalid value: {json.dumps(value)}: "
                             "a valid label must be an empty string or consist of alphanumeric characters, '-', "
                             "'_' or '.', and must start and end with an alphanumeric character"))
    annotations = meta.get("annotations") or {}
    for key in annotations:
        if not _qualified_key_ok(key):
            out.append(cause("metadata.annotations", "FieldValueInvalid", f"Invalid value: {json.dumps(key)}: "
                             "name part must consist of alphanumeric characters, '-', '_' or '.'"))
    size = sum(len(k) + len(str(v)) for k, v in annotations.items())
    if size > ANNOTATIONS_LIMIT:
        out.append(cause("metadata.annotations", "FieldValueTooLong",
                         f"Too long: must have at most {ANNOTATIONS_LIMIT} bytes"))
    for i, fin in enumerate(meta.get("finalizers") or []):
        if not isinstance(fin, str) or not _qualified_key_ok(fin):
            out.append(cause(f"metadata.finalizers[{i}]", "FieldValueInvalid",
                             f"Invalid value: {json.dumps(fin)}: name part must consist of alphanumeric "
                             "characters, '-', '_' or '.', and must start and end with an alphanumeric character"))
    return out


SERVER_FIELDS = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                 "generation", "selfLink")


def keep_server_fields(new_meta: dict, old_meta: dict) -> None:
    """Copy fields the server owns from the stored metadata into an update."""
    for key in SERVER_FIELDS:
        if key in old_meta:
            new_meta[key] = old_meta[key]
        else:
            new_meta.pop(key, None)
    new_meta["name"] = old_meta["name"]
    if "namespace" in old_meta:
        new_meta["namespace"] = old_meta["namespace"]
