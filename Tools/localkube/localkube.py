#!/usr/bin/env python3
"""Run localkube without setting PYTHONPATH: python3 Tools/localkube/localkube.py --state-dir DIR ..."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from localkube.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
