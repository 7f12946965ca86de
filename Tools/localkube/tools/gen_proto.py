#!/usr/bin/env python3
"""Regenerate localkube/proto_schema.json from the protobuf descriptors embedded in a kubectl binary.

Usage: python3 Tools/localkube/tools/gen_proto.py [/usr/bin/kubectl]

Go's generated Kubernetes code registers every `generated.proto` as a gzipped FileDescriptorProto; this
script finds them in the binary and writes, per message, its fields (number -> name, type, label, type
name) for the API groups localkube serves. kubectl sends protobuf bodies for built-in kinds, so the
server needs these field numbers to decode them."""
from __future__ import annotations

import json
import os
import re
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from localkube.wire import fields  # noqa: E402

WANTED = ["k8s.io/apimachinery/pkg/apis/meta/v1/", "k8s.io/apimachinery/pkg/runtime/generated",
          "k8s.io/apimachinery/pkg/api/resource/", "k8s.io/apimachinery/pkg/util/intstr/",
          "k8s.io/api/core/v1/", "k8s.io/api/apps/v1/", "k8s.io/api/batch/v1/", "k8s.io/api/coordination/v1/",
          "k8s.io/api/events/v1/", "k8s.io/api/rbac/v1/", "k8s.io/api/autoscaling/v1/", "k8s.io/api/policy/v1/"]


def descriptors(binary: bytes):
    """Yield every gzipped FileDescriptorProto found in a Go binary."""
    for match in re.finditer(rb"\x1f\x8b\x08\x00\x00\x00\x00\x00", binary):
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(binary[match.start():match.start() + 4000000])
        except zlib.error:
            continue
        if data[:1] == b"\x0a" and b".proto" in data[:200]:
            yield data


def message(data: bytes, prefix: str, out: dict) -> None:
    """Record a DescriptorProto (and nested types) under its full name."""
    name, entries, map_entry, nested = "", {}, False, []
    for number, _, value in fields(data):
        if number == 1:
            name = value.decode()
        elif number == 2:
            field = {}
            for fnum, _, fval in fields(value):
                if fnum in (1, 6):
                    field[fnum] = fval.decode()
                elif fnum in (3, 4, 5):
                    field[fnum] = fval
            entries[str(field[3])] = [field[1], field.get(5), field.get(4), field.get(6, "")]
        elif number == 3:
            nested.append(value)
        elif number == 7:
            map_entry = any(n == 7 and v for n, _, v in fields(value))
    full = f"{prefix}.{name}"
    out[full] = {"fields": entries, "map": map_entry} if map_entry else {"fields": entries}
    for item in nested:
        message(item, full, out)


def main() -> int:
    """Write localkube/proto_schema.json."""
    path = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/kubectl"
    with open(os.path.realpath(path), "rb") as handle:
        binary = handle.read()
    out: dict = {}
    for data in descriptors(binary):
        top = list(fields(data))
        fname = next(v.decode() for n, _, v in top if n == 1)
        if not any(fname.startswith(w) for w in WANTED):
            continue
        package = next(v.decode() for n, _, v in top if n == 2)
        for number, _, value in top:
            if number == 4:
                message(value, "." + package, out)
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localkube", "proto_schema.json")
    with open(target, "w") as handle:
        handle.write("{\n")
        names = sorted(out)
        for i, name in enumerate(names):
            sep = "," if i < len(names) - 1 else ""
            handle.write(f"{json.dumps(name)}:{json.dumps(out[name], separators=(',', ':'))}{sep}\n")
        handle.write("}\n")
    print(f"{len(out)} messages written to {os.path.normpath(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
