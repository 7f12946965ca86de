"""What the chart tests share: the three charts, values parsed as `helm --set` parses them, rendering by the real Helm
engine (helm-python-sdk), and the `--set`s the Makefile's contract target and the README's install commands use."""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import helm_python
import yaml

REPO = Path(__file__).resolve().parents[3]
HELM_DIR = REPO / "Tools" / "helm"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when there: the CRDs are 640 kB
CHARTS = {name: REPO / "deploy" / "helm" / f"flink-k8s-toolbox-{name}" for name in ("crd", "roles", "operator")}

sys.path.insert(0, str(HELM_DIR))
import pod_security  # noqa: E402  (Tools/helm/pod_security.py)
import render as render_tool  # noqa: E402  (Tools/helm/render.py)


def values(sets: list[str]) -> dict:
    """The values of `--set` assignments, parsed by Helm's strvals parser as Tools/helm/render.py does."""
    return render_tool.values_from(sets)


def chart_dir(path: str) -> Path:
    """The chart directory a command names (deploy/helm/... or the manual's helm/...), by its chart name."""
    name = Path(path).name
    for directory in CHARTS.values():
        if directory.name == name:
            return directory
    raise AssertionError(f"unknown chart {path}")


def render(chart: str, sets: list[str] = (), name: str = "release", namespace: str = "toolbox") -> list[dict]:
    """Every object the chart renders (test hooks included, as `helm template` prints them), NOTES.txt left out."""
    with helm_python.Chart.load(CHARTS[chart]) as loaded:
        rendered = loaded.render(values(list(sets)), name=name, namespace=namespace, is_install=True)
    objects = []
    for path, text in sorted(rendered.items()):
        if not path.endswith("NOTES.txt"):
            objects += [document for document in yaml.load_all(text, Loader=LOADER) if document]
    return objects


def notes(chart: str, sets: list[str] = (), name: str = "release", namespace: str = "toolbox") -> str:
    """The chart's rendered NOTES.txt."""
    with helm_python.Chart.load(CHARTS[chart]) as loaded:
        rendered = loaded.render(values(list(sets)), name=name, namespace=namespace, is_install=True)
    return next(text for path, text in rendered.items() if path.endswith("NOTES.txt"))


def shell_commands(text: str) -> list[list[str]]:
    """The commands of a Makefile recipe or shell text, continuation lines joined, each split as the shell would."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [shlex.split(line, comments=True) for line in joined.splitlines() if line.strip()]


def chart_sets(command: list[str]) -> tuple[Path, list[str]] | None:
    """(chart, --set assignments) of a render.py or `helm install|upgrade|template` command, else None."""
    if any(word.endswith("Tools/helm/render.py") for word in command):
        chart = command[[i for i, w in enumerate(command) if w.endswith("render.py")][0] + 1]
    elif "helm" in command and command[command.index("helm") + 1:command.index("helm") + 2] in (
            ["install"], ["upgrade"], ["template"]):
        at = command.index("helm")
        positional = [w for w in command[at + 2:] if not w.startswith("-")]
        chart = next(w for w in positional if "flink-k8s-toolbox-" in w)
    else:
        return None
    sets = [command[i + 1] for i, word in enumerate(command[:-1]) if word == "--set"]
    return chart_dir(chart), sets


def makefile_contract_sets() -> list[tuple[Path, list[str]]]:
    """Every chart rendering of the Makefile's `contract` recipe."""
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^contract:.*\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE).group(1)
    found = [chart_sets(command) for command in shell_commands(recipe)]
    return [entry for entry in found if entry]


def readme_install_sets() -> list[tuple[Path, list[str]]]:
    """Every `helm install|upgrade` of the README's bash blocks."""
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"^```bash\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL)
    found = [chart_sets(command) for block in blocks for command in shell_commands(block)]
    return [entry for entry in found if entry]
