"""`make bench`: benchmarks measured as ratios against baselines in the same run; results appended to bench/RESULTS.md.

BENCH_DOCS sets the size of the synthetic archive (default 1000; 10000 for the large case); BENCH_LOAD_DOCS the size of
the one the search service is loaded with (default 1000)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from .build_bench import run as build_bench
from .extractor_bench import run as extractor_bench
from .load_bench import run as load_bench
from .real_pages_bench import run as real_pages_bench
from .search_bench import run as search_bench

RESULTS = Path(__file__).with_name("RESULTS.md")


def main() -> None:
    tables = [search_bench(), extractor_bench(), real_pages_bench(), build_bench(int(os.environ.get("BENCH_DOCS", "1000")))]
    tables.append(load_bench(int(os.environ.get("BENCH_LOAD_DOCS", "1000"))))
    text = "\n\n".join(tables)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {datetime.date.today().isoformat()}\n\n{text}\n")


if __name__ == "__main__":
    main()
