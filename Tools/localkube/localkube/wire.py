"""Protocol buffers wire format reading (varints, fields) used by the protobuf decoder and its generator."""
from __future__ import annotations


def varint(data: bytes, pos: int) -> tuple[int, int]:
    """Read a base-128 varint at `pos`; returns (value, new position)."""
    result, shift = 0, 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes):
    """Yield (field number, wire type, value) of a message; value is int or bytes."""
    pos = 0
    while pos < len(data):
        key, pos = varint(data, pos)
        number, wtype = key >> 3, key & 7
        if wtype == 0:
            value, pos = varint(data, pos)
        elif wtype == 1:
            value, pos = int.from_bytes(data[pos:pos + 8], "little"), pos + 8
        elif wtype == 2:
            length, pos = varint(data, pos)
            value, pos = data[pos:pos + length], pos + length
        elif wtype == 5:
            value, pos = int.from_bytes(data[pos:pos + 4], "little"), pos + 4
        else:
            raise ValueError(f"unsupported wire type {wtype}")
        yield number, wtype, value
