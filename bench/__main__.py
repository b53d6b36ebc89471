"""`make bench`: benchmarks measured as ratios against baselines in the same run; results appended to bench/RESULTS.md."""

from __future__ import annotations

import datetime
from pathlib import Path

from .search_bench import run as search_bench

RESULTS = Path(__file__).with_name("RESULTS.md")


def main() -> None:
    table = search_bench()
    print(table)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {datetime.date.today().isoformat()}\n\n{table}\n")


if __name__ == "__main__":
    main()
