#!/usr/bin/env python3
"""What an executable's bytes are: symbols and debug information (what `strip` removes: the size minus that of a
stripped copy), Foundation's ICU data (the `icudt*_dat` array of the statically linked _FoundationICU), machine code
(.text) and the rest (read-only data, Swift metadata, unwind tables, relocations). Reads `objdump -h` (section sizes),
`nm -S` (the ICU array) and `strip -o` (a stripped copy in a temporary folder).

Usage: python3 Tools/docker/binsize.py BINARY...   (unstripped binaries; one line each, sizes in MB)
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SECTION = re.compile(r"^\s*\d+\s+(\S+)\s+([0-9a-fA-F]+)\s")
ICU_SYMBOL = re.compile(r"^[0-9a-fA-F]+\s+([0-9a-fA-F]+)\s+\S\s+icudt\d+\w*_dat$")


def sections(objdump_h: str) -> dict[str, int]:
    """Section name -> size from `objdump -h` output."""
    return {m.group(1): int(m.group(2), 16) for m in map(SECTION.match, objdump_h.splitlines()) if m}


def icu_bytes(nm_s: str) -> int:
    """Size of the ICU data array(s) from `nm -S` output."""
    return sum(int(m.group(1), 16) for m in map(ICU_SYMBOL.match, nm_s.splitlines()) if m)


def breakdown(file_size: int, stripped_size: int, sizes: dict[str, int], icu: int) -> dict[str, int]:
    symbols = file_size - stripped_size
    code = sizes.get(".text", 0)
    return {"file": file_size, "symbols": symbols, "icu": icu, "code": code,
            "other": max(file_size - symbols - icu - code, 0)}


def describe(path: Path) -> str:
    run = lambda *argv: subprocess.run(argv, capture_output=True, text=True, check=True).stdout  # noqa: E731
    with tempfile.TemporaryDirectory() as folder:
        run("strip", "-o", f"{folder}/stripped", str(path))
        stripped = os.path.getsize(f"{folder}/stripped")
    parts = breakdown(os.path.getsize(path), stripped, sections(run("objdump", "-h", str(path))),
                      icu_bytes(run("nm", "-S", str(path))))
    mb = {k: v / 1e6 for k, v in parts.items()}
    return (f"{path.name:<11} {mb['file']:6.1f} MB unstripped = symbols+debug {mb['symbols']:5.1f} + ICU data {mb['icu']:5.1f}"
            f" + code {mb['code']:5.1f} + other {mb['other']:5.1f} (stripped {mb['file'] - mb['symbols']:5.1f} MB)")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    for name in argv:
        print(describe(Path(name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
