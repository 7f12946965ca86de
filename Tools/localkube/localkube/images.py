"""The image map: which local directory (and which entrypoint behaviour) stands for a container image.

A map file (YAML or JSON, `--image-map FILE`) holds `images:`, a list of entries tried in order before the
built-in defaults; the first entry whose `match` (a shell glob on the whole image reference) fits wins:

    images:
      - match: "flink:*"            # glob on the image reference
        type: flink                 # flink | toolbox | jobs | dir
        version: "2.3.0"            # flink: the distribution .cache/flink/dist-<version>/pyflink
        path: /opt/flink-home       # flink: FLINK_HOME; toolbox: dir of executables; jobs/dir: the image root
        paths: {"/opt/jobs": ".cache/flink/jobs-2.3.0"}   # extra container path prefixes -> host paths
        entrypoint: ["/bin/sh"]     # the image's ENTRYPOINT (dir images), replaced by the container's command
        cmd: []                     # the image's CMD, replaced by the container's args
        env: {"A": "b"}             # the image's ENV

Relative paths are relative to the map file's directory (defaults: to the repository root).
"""
from __future__ import annotations

import fnmatch
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TYPES = ("flink", "toolbox", "jobs", "dir")
TOOLBOX_IMAGES = ("nextbreakpoint/flinkctl:*", "*flink-k8s-toolbox-operator:*", "*flink-k8s-toolbox-supervisor:*",
                  "*flink-k8s-toolbox-bootstrap:*", "*flink-k8s-toolbox:*", "*flink-k8s-toolbox-operator",
                  "*flink-k8s-toolbox-supervisor", "*flink-k8s-toolbox-bootstrap", "*flink-k8s-toolbox")
# The all-in-one image (deploy/docker/flinkctl.Dockerfile): ENTRYPOINT flinkctl, which runs `supervisor run ...` (and
# the others) by exec'ing the executable beside it, as in the image.
ALL_IN_ONE_IMAGES = ("*flink-k8s-toolbox-flinkctl:*", "*flink-k8s-toolbox-flinkctl")
JOBS_DIR = ".cache/flink/jobs-2.3.0"
DEFAULTS = [
    {"match": "apache/flink:*", "type": "flink"},
    {"match": "docker.io/apache/flink:*", "type": "flink"},
    {"match": "flink:*", "type": "flink"},
    {"match": "docker.io/library/flink:*", "type": "flink"},
    *({"match": m, "type": "toolbox", "path": ".build/debug", "paths": {"/opt/jobs": JOBS_DIR}}
      for m in TOOLBOX_IMAGES),
    *({"match": m, "type": "toolbox", "path": ".build/debug", "paths": {"/opt/jobs": JOBS_DIR},
       "entrypoint": ["flinkctl"]} for m in ALL_IN_ONE_IMAGES),
    # The manual's job image, as examples/jobs/Dockerfile builds it: the all-in-one image plus /flink-jobs.jar
    # (examples/jobs/flink-jobs.jar, made by `make example-jobs`), so it runs `bootstrap run ...` as a bootstrap image.
    {"match": "demo/jobs:*", "type": "toolbox", "path": ".build/debug", "entrypoint": ["flinkctl"],
     "paths": {"/flink-jobs.jar": "examples/jobs/flink-jobs.jar", "/opt/jobs": JOBS_DIR}},
    {"match": "*flink-k8s-toolbox-jobs:*", "type": "jobs", "path": JOBS_DIR},
    {"match": "*toolbox-test-jobs:*", "type": "jobs", "path": JOBS_DIR},
]
DEFAULT_FLINK_VERSION = "2.3.0"


@dataclass
class Image:
    """A resolved image: its type, root directory and the container path prefixes it maps."""
    reference: str
    type: str
    root: str
    version: str = DEFAULT_FLINK_VERSION
    paths: dict = field(default_factory=dict)
    entrypoint: list = field(default_factory=list)
    cmd: list = field(default_factory=list)
    env: dict = field(default_factory=dict)


class ImageMap:
    """Entries of a map file followed by the defaults."""

    def __init__(self, path: str | None = None):
        self.entries: list[tuple[dict, Path]] = []
        if path:
            self.entries += [(e, Path(path).resolve().parent) for e in load_entries(path)]
        self.entries += [(e, REPO) for e in DEFAULTS]

    def resolve(self, reference: str) -> Image | None:
        """The Image of a reference, or None when no entry matches."""
        for entry, base in self.entries:
            if fnmatch.fnmatchcase(reference, entry["match"]):
                return build_image(reference, entry, base)
        return None


def load_entries(path: str) -> list[dict]:
    """Read and check the entries of a map file."""
    text = Path(path).read_text()
    if path.endswith(".json"):
        data = json.loads(text)
    else:
        import yaml
        data = yaml.safe_load(text)
    entries = (data or {}).get("images") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list under 'images'")
    for entry in entries:
        if not isinstance(entry, dict) or "match" not in entry or entry.get("type", "dir") not in TYPES:
            raise ValueError(f"{path}: bad entry {entry!r} (needs match and a type of {TYPES})")
    return entries


def _abs(base: Path, value: str) -> str:
    return str((base / value).resolve()) if not os.path.isabs(value) else value


def build_image(reference: str, entry: dict, base: Path) -> Image:
    """An Image from a map entry (paths made absolute, the Flink home found from the version)."""
    kind = entry.get("type", "dir")
    version = str(entry.get("version") or DEFAULT_FLINK_VERSION)
    if entry.get("path"):
        root = _abs(base, entry["path"])
    elif kind == "flink":
        root = str(REPO / ".cache" / "flink" / f"dist-{version}" / "pyflink")
    else:
        root = "/"
    paths = {k.rstrip("/") or "/": _abs(base, v) for k, v in (entry.get("paths") or {}).items()}
    if kind == "flink":
        paths.setdefault("/opt/flink", root)
    if kind == "jobs":
        paths.setdefault("/", root)
    return Image(reference, kind, root, version, paths, list(entry.get("entrypoint") or []),
                 list(entry.get("cmd") or []), {str(k): str(v) for k, v in (entry.get("env") or {}).items()})


def ensure_flink(image: Image) -> str | None:
    """Install the image's Flink distribution when missing; an error message or None."""
    if os.path.exists(os.path.join(image.root, "bin", "jobmanager.sh")):
        return None
    if not image.root.endswith(f"dist-{image.version}/pyflink"):
        return f"no Flink distribution at {image.root}"
    import subprocess
    proc = subprocess.run([str(REPO / "Tools" / "flink" / "install.sh"), image.version], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        return f"Tools/flink/install.sh {image.version} failed: {proc.stderr[-500:]}"
    return None
