"""Print the replay's full table: ``python -m replay [--causes-only]`` from ``tests/``, or
``bash scripts/dev.sh replay``."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from .report import format_causes, format_recordings, format_summary, run_all  # noqa: E402


def main(argv):
    results = run_all()
    if "--causes-only" not in argv:
        print(format_recordings(results))
        print()
    print("Disagreements by cause")
    print(format_causes(results, examples=3))
    print()
    print(format_summary(results))


main(sys.argv[1:])
