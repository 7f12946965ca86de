#!/usr/bin/env python3
"""Check that the hashed Python locks agree with the requirements files they are made from (`make lock`).

`make deps` installs Tools/requirements.lock (and `make bench-deps` Tools/bench/requirements.lock, `make deps`
Tools/kubectl/requirements.lock where kubectl is missing) with `pip install --require-hashes`, never the requirements
files themselves. So a pin changed in a requirements file but not carried into its lock would be silently ignored.
This fails when:
- a package of a requirements file is absent from its lock, or pinned there (`name==version`) at another version;
- a package of a lock carries no `--hash`;
- a package is in both the main lock and the bench lock at different versions (the bench lock is compiled with the
  main lock as its constraint, so both can be installed into one environment).

Usage: python3 Tools/contract/lockcheck.py   (standard library only: `make deps` runs it before installing)
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN_LOCK = "Tools/requirements.lock"
BENCH_LOCK = "Tools/bench/requirements.lock"
KUBECTL_LOCK = "Tools/kubectl/requirements.lock"
# Each lock and the requirements files it is compiled from (the Makefile's PIP_REQUIREMENTS for the main one).
LOCKS = {
    MAIN_LOCK: ["Tools/crdgen/requirements.txt", "Tools/requirements-test.txt", "Tools/localkube/requirements.txt",
                "Tools/helm/requirements.txt"],
    BENCH_LOCK: ["Tools/bench/requirements.txt"],
    KUBECTL_LOCK: ["Tools/kubectl/requirements.txt"],
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\#]+)")
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalized(name: str) -> str:
    """PEP 503 name: `ruamel.yaml` and `Ruamel_YAML` are `ruamel-yaml`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins(path: Path) -> dict[str, str | None]:
    """The packages a requirements file names: the version of a `name==version` pin, None for any other form."""
    pins: dict[str, str | None] = {}
    for line in path.read_text().splitlines():
        if match := PIN.match(line.strip()):
            pins[normalized(match[1])] = match[2]
        elif match := NAME.match(line.strip()):
            pins[normalized(match[1])] = None
    return pins


def lock_entries(path: Path) -> dict[str, tuple[str, int]]:
    """Each package of a pip-compile lock: its version and how many `--hash` options follow it."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normalized(match[1])
            entries[current] = (match[2], 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif not line.startswith((" ", "\t")):
            current = None
    return entries


def problems() -> list[str]:
    """Every disagreement between the locks and their requirements; empty when they agree."""
    found = []
    locks = {}
    for lock, sources in LOCKS.items():
        if not (ROOT / lock).exists():
            found.append(f"{lock} is missing: run `make lock`")
            continue
        entries = locks[lock] = lock_entries(ROOT / lock)
        for name, (version, hashes) in sorted(entries.items()):
            if hashes == 0:
                found.append(f"{lock}: {name}=={version} has no --hash")
        for source in sources:
            for name, version in sorted(requirement_pins(ROOT / source).items()):
                locked = entries.get(name, (None, 0))[0]
                if locked is None or (version is not None and locked != version):
                    found.append(f"{source} asks for {name}" + (f"=={version}" if version else "") + f", {lock} has "
                                 + (f"{name}=={locked}" if locked else "no such package") + ": run `make lock`")
    if MAIN_LOCK in locks and BENCH_LOCK in locks:
        for name, (version, _) in sorted(locks[BENCH_LOCK].items()):
            main = locks[MAIN_LOCK].get(name)
            if main and main[0] != version:
                found.append(f"{name} is {main[0]} in {MAIN_LOCK} but {version} in {BENCH_LOCK}: run `make lock`")
    return found


def main() -> int:
    found = problems()
    if found:
        print("\n".join(found), file=sys.stderr)
        return 1
    print(f"{len(LOCKS)} locks agree with their requirements files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
