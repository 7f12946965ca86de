#!/usr/bin/env python3
"""A stand-in for podman (LOCALKUBE_PODMAN) in localkube's own tests, which must not need podman: the images of
$FAKE_PODMAN_IMAGES (comma-separated) exist, `run` starts the entrypoint as a child process (no namespaces, no
mounts) and waits for it, forwarding SIGTERM, and records the container (name, labels, argv, child pid) as
$FAKE_PODMAN_DIR/<name>.json until it ends; `ps`, `kill` and `rm` act on those records."""
from __future__ import annotations

import glob
import json
import os
import signal
import subprocess
import sys

from proctools import alive

FOLDER = os.environ["FAKE_PODMAN_DIR"]
IMAGES = [i for i in os.environ.get("FAKE_PODMAN_IMAGES", "").split(",") if i]
VALUED = {"--name", "--label", "--network", "--hostname", "--stop-timeout", "--volume", "--env-file", "--env",
          "--entrypoint", "--user", "--group-add", "--workdir", "--security-opt", "--cap-drop", "--cap-add"}


def records() -> list[dict]:
    out = []
    for path in glob.glob(os.path.join(FOLDER, "*.json")):
        try:
            with open(path) as handle:
                out.append(json.load(handle))
        except (OSError, ValueError):
            pass
    return out


def kill(name: str, sig: int) -> None:
    for record in records():
        if record["name"] == name:
            try:
                os.kill(record["pid"], sig)
            except ProcessLookupError:
                pass


def run(args: list[str]) -> int:
    options: dict[str, list[str]] = {}
    at = 0
    while at < len(args) and args[at].startswith("-"):
        if args[at] in VALUED:
            options.setdefault(args[at], []).append(args[at + 1])
            at += 2
        else:
            options.setdefault(args[at], []).append("")
            at += 1
    image, rest = args[at], args[at + 1:]
    if image not in IMAGES:
        print(f"Error: {image}: image not known", file=sys.stderr)
        return 125
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for env_file in options.get("--env-file", []):
        with open(env_file) as handle:
            env.update(line.rstrip("\n").split("=", 1) for line in handle if "=" in line)
    env.update(value.split("=", 1) for value in options.get("--env", []))
    argv = json.loads(options["--entrypoint"][0]) + rest
    name = options["--name"][0]
    child = subprocess.Popen(argv, env=env)
    record = {"name": name, "labels": dict(v.split("=", 1) for v in options.get("--label", [])), "argv": argv,
              "options": options, "image": image, "pid": child.pid}
    path = os.path.join(FOLDER, f"{name}.json")
    with open(path + ".tmp", "w") as handle:
        json.dump(record, handle)
    os.replace(path + ".tmp", path)
    signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
    code = child.wait()
    if "--rm" in options:
        os.remove(path)
    return 128 - code if code < 0 else code


def main(args: list[str]) -> int:
    os.makedirs(FOLDER, exist_ok=True)
    if args[:1] == ["version"]:
        print("4.3.1-fake")
    elif args[:2] == ["image", "exists"]:
        return 0 if args[2] in IMAGES else 1
    elif args[:2] == ["image", "inspect"]:
        print(json.dumps({"Id": "sha256:fake", "Config": {"Entrypoint": ["/bin/sh", "-c"], "Cmd": ["echo fake"]}}))
    elif args[:1] == ["exec"]:
        return subprocess.call(args[2:])
    elif args[:1] == ["run"]:
        return run(args[1:])
    elif args[:1] == ["ps"]:
        wanted = [f.split("=", 1)[1].split("=", 1) for f in args if f.startswith("label=")]
        for record in records():
            if all(record["labels"].get(k) == v for k, v in wanted):
                print(record["name"])
    elif args[:1] == ["kill"]:
        kill(args[-1], signal.SIGKILL)
    elif args[:1] == ["rm"]:
        for name in [a for a in args[1:] if not a.startswith("-") and a != "0"]:
            kill(name, signal.SIGKILL)
            try:
                os.remove(os.path.join(FOLDER, f"{name}.json"))
            except FileNotFoundError:
                pass
    else:
        print(f"fakepodman: {args} not supported", file=sys.stderr)
        return 125
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
