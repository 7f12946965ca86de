"""Lint Helm charts with the real Helm engine (helm-python-sdk), strict: any warning or error fails.

python3 Tools/helm/lint.py CHART [CHART ...]
"""
import sys

import helm_python

WARNING = 2


def main(charts):
    """Lint each chart; exit 1 when one has a warning or an error."""
    failed = False
    for chart in charts:
        result = helm_python.lint(chart, {}, strict=True)
        problems = [m for m in result.get("messages", []) if m.get("severity", 0) >= WARNING] + result.get("errors", [])
        for problem in problems:
            print(f"{chart}: {problem}")
        print(f"{chart}: {'FAILED' if problems else 'OK'} ({len(result.get('messages', []))} messages)")
        failed = failed or bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
