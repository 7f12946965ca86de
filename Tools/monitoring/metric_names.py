"""The Prometheus metrics the toolbox exports, read from its Swift sources (so that the checks of the alerting rules
and the dashboard cannot drift from the code).

python3 Tools/monitoring/metric_names.py            # one name a line, with its kind

A metric is registered through `MetricsRegistry` (counter, gauge, durationHistogram) or the collector registry
(makeCounter, makeGauge, ...), always by a string literal: either as the call's first argument or passed on to one
(`set("flink_operator_cluster_status", ...)`). Names are found both ways: the literal first argument of a
registration call, and any literal in the toolbox's metric-name families. A histogram exports `_bucket`, `_sum` and
`_count` series.
"""
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ("Shared", "Services")
FAMILIES = re.compile(r'"((?:toolbox|flink_operator|flink_supervisor|process)_[a-zA-Z0-9_]*)"')
REGISTRATION = re.compile(
    r'\b(counter|gauge|durationHistogram|valueHistogram|makeCounter|makeGauge|makeDurationHistogram|makeValueHistogram)'
    r'\(\s*(?:descriptor:\s*\.init\(\s*metricName:\s*)?"([a-zA-Z_:][a-zA-Z0-9_:]*)"'
)
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def registered(root=REPO):
    """{name: kind} of every metric the sources register; kind is counter, gauge, histogram or untyped (a literal of
    a metric family whose registration passes it on)."""
    kinds = {}
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*.swift")):
            text = path.read_text(encoding="utf-8")
            for call, name in REGISTRATION.findall(text):
                kind = "histogram" if "Histogram" in call else "counter" if "ounter" in call else "gauge"
                if kinds.get(name, kind) != kind and kinds[name] != "untyped":
                    raise ValueError(f"{path}: {name} registered as {kinds[name]} and as {kind}")
                kinds[name] = kind
            for name in FAMILIES.findall(text):
                kinds.setdefault(name, "untyped")
    for name, kind in kinds.items():
        if kind == "counter" and not name.endswith("_total"):
            raise ValueError(f"counter {name} does not end in _total")
    return kinds


def series_names(kinds):
    """The names of the series the metrics export: a histogram's _bucket, _sum and _count, others as they are."""
    names = set()
    for name, kind in kinds.items():
        names.update(name + suffix for suffix in HISTOGRAM_SUFFIXES) if kind == "histogram" else names.add(name)
    return names


def main():
    for name, kind in sorted(registered().items()):
        print(f"{name} {kind}")


if __name__ == "__main__":
    sys.exit(main())
