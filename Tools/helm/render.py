"""Render a Helm chart with the real Helm engine (helm-python-sdk), like `helm template`.

python3 Tools/helm/render.py CHART [--name NAME] [--namespace NS] [--set key=value ...] [--include-crds] > out.yaml
"""
import argparse
import sys

import helm_python


def parse(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chart")
    parser.add_argument("--name", default="release")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--set", action="append", default=[], help="key=value (dotted keys make nested values)")
    parser.add_argument("--include-crds", action="store_true")
    return parser.parse_args(argv)


def values_from(assignments):
    """Nested values from `a.b=c` assignments."""
    values = {}
    for assignment in assignments:
        key, _, value = assignment.partition("=")
        node = values
        *parents, leaf = key.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return values


def main(argv=None):
    """Print the rendered manifests, one document each, in file order."""
    args = parse(argv)
    chart = helm_python.Chart.load(args.chart)
    rendered = chart.render(values_from(args.set), name=args.name, namespace=args.namespace, is_install=True)
    documents = []
    if args.include_crds:
        documents += [crd if isinstance(crd, str) else getattr(crd, "data", str(crd)) for crd in (chart.crds or [])]
    for path in sorted(rendered):
        text = rendered[path].strip()
        if text and not path.endswith("NOTES.txt"):
            documents.append(f"# Source: {path}\n{text}")
    sys.stdout.write("\n---\n".join(documents) + "\n")


if __name__ == "__main__":
    main()
