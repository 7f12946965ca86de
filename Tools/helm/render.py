"""Render a Helm chart with the real Helm engine (helm-python-sdk), like `helm template`.

python3 Tools/helm/render.py CHART [--name NAME] [--namespace NS] [-f FILE ...] [--set key=value ...] [--include-crds]
    [--skip-tests] > out.yaml

-f/--values files (typed YAML, like `helm template -f`) are merged in order; --set values go over them.

--set is parsed by Helm's own strvals parser (`a.b=c`, `n=3` is a number, `b=true` a boolean, `l={x,y}` a list), and
the values are checked against the chart's values.schema.json by Helm itself before rendering, as `helm template` and
`helm install` do: a value the schema refuses fails (exit 1) with Helm's message naming the field.
"""
import argparse
import re
import sys

import helm_python
import yaml


def parse(argv):
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chart")
    parser.add_argument("--name", default="release")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--values", "-f", action="append", default=[], help="a YAML file of values, as helm's -f")
    parser.add_argument("--set", action="append", default=[], help="key=value, as helm's --set")
    parser.add_argument("--include-crds", action="store_true")
    parser.add_argument("--skip-tests", action="store_true", help="leave out the `helm test` hooks, as helm's option")
    return parser.parse_args(argv)


def values_from(assignments, files=()):
    """The values files merged in order, then the --set assignments over them, parsed by Helm's strvals parser, later
    ones winning (as helm merges repeated -f and --set)."""
    values = {}
    for path in files:
        with open(path, encoding="utf-8") as file:
            merge(values, yaml.safe_load(file) or {})
    for assignment in assignments:
        merge(values, helm_python.parse_set_string(assignment))
    return values


def merge(into, update):
    """Merge `update` into `into`, nested maps key by key."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def main(argv=None):
    """Print the rendered manifests, one document each, in file order."""
    args = parse(argv)
    chart = helm_python.Chart.load(args.chart)
    try:
        rendered = chart.render(values_from(args.set, args.values), name=args.name, namespace=args.namespace, is_install=True)
    except helm_python.HelmError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    documents = []
    if args.include_crds:
        documents += [crd["data"] if isinstance(crd, dict) else str(crd) for crd in (chart.crds or [])]
    for path in sorted(rendered):
        if path.endswith("NOTES.txt"):
            continue
        for text in re.split(r"^---\s*$", rendered[path], flags=re.MULTILINE):
            text = text.strip()
            if text and not (args.skip_tests and is_test_hook(text)):
                documents.append(f"# Source: {path}\n{text}")
    sys.stdout.write("\n---\n".join(documents) + "\n")
    return 0


def is_test_hook(text):
    """True for a manifest that `helm test` runs (annotation helm.sh/hook naming the test event, or Helm 2's name)."""
    document = yaml.safe_load(text) or {}
    hooks = ((document.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return bool({"test", "test-success"} & {hook.strip() for hook in str(hooks).split(",")})


if __name__ == "__main__":
    sys.exit(main())
