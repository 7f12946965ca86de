#!/usr/bin/env python3
"""Render the diagrams of docs/ from their Graphviz sources to SVG, the same bytes on every machine.

The state diagrams (docs/flink-cluster.dot, docs/flink-job.dot) are generated from the state rules by the Swift tests
(`UPDATE_DIAGRAMS=1 swift test --filter Diagram`); docs/architecture.dot is written by hand. Each `<name>.dot` is
rendered with `dot -Tsvg` to the committed `<name>.svg` beside it.

Text is laid out with one named font, Liberation Sans (Debian's fonts-liberation2, which graphviz recommends), so the
layout does not depend on which other fonts a machine has; the SVG then names Arial, Helvetica and sans-serif after
it, whose widths match, for viewers that lack it.

Usage:
    python3 Tools/docs/diagrams.py            # write docs/*.svg
    python3 Tools/docs/diagrams.py --check    # exit 1 if a committed SVG differs from a fresh render, or two renders
                                              # of one source differ
"""
from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SOURCES = ("flink-cluster.dot", "flink-job.dot", "architecture.dot")
FONT = "Liberation Sans"
FONT_FALLBACKS = "Arial,Helvetica,sans-serif"


class RenderError(Exception):
    """Graphviz or the font it needs is missing, or `dot` failed."""


def check_font() -> None:
    """Fail unless fontconfig resolves FONT to itself (a substitute would change every text width)."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}", FONT], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as error:
        raise RenderError(f"fc-match failed ({error}): install graphviz (make deps)") from error
    if FONT not in found.split(","):
        raise RenderError(f"fontconfig has no {FONT} (it offers {found!r}): install fonts-liberation2 (make deps)")


def graphviz_version() -> str:
    """`dot -V`'s line, e.g. `dot - graphviz version 2.43.0 (0)`."""
    return subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()


def render(source: Path) -> bytes:
    """The SVG of one .dot file: laid out in FONT, which the SVG names with its fallbacks."""
    command = ["dot", "-Tsvg", f"-Gfontname={FONT}", f"-Nfontname={FONT}", f"-Efontname={FONT}", str(source)]
    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except OSError as error:
        raise RenderError(f"cannot run dot ({error}): install graphviz (make deps)") from error
    if result.returncode != 0:
        raise RenderError(f"dot failed on {source.relative_to(ROOT)}: {result.stderr.decode().strip()}")
    svg = result.stdout.decode()
    named = f'font-family="{FONT}"'
    if named not in svg:
        raise RenderError(f"{source.relative_to(ROOT)}: dot named no {FONT} in its SVG")
    return svg.replace(named, f'font-family="{FONT},{FONT_FALLBACKS}"').encode()


def check(sources: list[Path]) -> list[str]:
    """One message per stale or unstable SVG; empty when every committed SVG is a fresh render."""
    problems = []
    for source in sources:
        target = source.with_suffix(".svg")
        first, second = render(source), render(source)
        if first != second:
            problems.append(f"{source.relative_to(ROOT)}: two renders differ; the SVG would not be reproducible")
            continue
        committed = target.read_bytes() if target.exists() else b""
        if committed != first:
            diff = difflib.unified_diff(committed.decode().splitlines(), first.decode().splitlines(),
                                        f"{target.relative_to(ROOT)} (committed)", "fresh render", lineterm="", n=1)
            problems.append(f"{target.relative_to(ROOT)} differs from a fresh render of {source.name}:\n"
                            + "\n".join(list(diff)[:40]))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed SVG is stale or renders unstably")
    arguments = parser.parse_args()
    sources = [DOCS / name for name in SOURCES]
    try:
        check_font()
        if arguments.check:
            problems = check(sources)
            if problems:
                print("\n\n".join(problems), file=sys.stderr)
                print(f"\nrendered with {graphviz_version()}; run `make docs` and commit docs/*.svg", file=sys.stderr)
                return 1
            print(f"{len(sources)} SVGs match their sources ({graphviz_version()})")
            return 0
        for source in sources:
            target, svg = source.with_suffix(".svg"), render(source)
            if not target.exists() or target.read_bytes() != svg:
                target.write_bytes(svg)
                print(f"wrote {target.relative_to(ROOT)}")
        return 0
    except RenderError as error:
        print(f"diagrams: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
