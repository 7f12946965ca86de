"""Render a Helm chart with the real Helm engine (helm-python-sdk), like `helm template`.

python3 Tools/helm/render.py CHART [--name NAME] [--namespace NS] [--values FILE ...] [--set key=value ...] [--include-crds] > out.yaml

--values files are merged in order (typed YAML, like `helm template -f`); --set values (strings) go over them.
"""
import argparse
import sys

import helm_python
import yaml


def parse(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chart")
    parser.add_argument("--name", default="release")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--values", "-f", action="append", default=[], help="a YAML file of values")
    parser.add_argument("--set", action="append", default=[], help="key=value (dotted keys make nested values)")
    parser.add_argument("--include-crds", action="store_true")
    return parser.parse_args(argv)


def merged(base, override):
    """`override` over `base`, nested maps merged key by key."""
    result = dict(base)
    for key, value in override.items():
        result[key] = merged(result[key], value) if isinstance(value, dict) and isinstance(result.get(key), dict) else value
    return result


def values_from(assignments, files=()):
    """Nested values from the files, then `a.b=c` assignments."""
    values = {}
    for path in files:
        with open(path, encoding="utf-8") as file:
            values = merged(values, yaml.safe_load(file) or {})
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
    rendered = chart.render(values_from(args.set, args.values), name=args.name, namespace=args.namespace, is_install=True)
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
