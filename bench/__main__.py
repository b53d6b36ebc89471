"""`make bench`: benchmarks measured as ratios against baselines in the same run; results appended to bench/RESULTS.md."""

from __future__ import annotations

import datetime
from pathlib import Path

from .extractor_bench import run as extractor_bench
from .search_bench import run as search_bench

RESULTS = Path(__file__).with_name("RESULTS.md")


def main() -> None:
    tables = [search_bench(), extractor_bench()]
    text = "\n\n".join(tables)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {datetime.date.today().isoformat()}\n\n{text}\n")


if __name__ == "__main__":
    main()
