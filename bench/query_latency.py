"""Search latency per query class on an existing index, each query's first run in a fresh process.

`build_bench.latency` runs every class in one process, so a query's "first run" there profits from the words earlier
queries already read. Here each query gets its own process that opens the index as the service does at start
(`get_searcher`: field lengths, facet values), then times the query once (first run: nothing of it cached) and
`repeats` more times (warm). Per class: the first runs' p50 and slowest, in wall time and in the process's CPU time
(on a machine busy with other work, CPU time is what the query itself costs), the warm runs' p50 and p95.

Usage: python -m bench.query_latency INDEX_DIR [REPEATS]   (e.g. /tmp/bench10k/project/build/index)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .build_bench import QUERIES, common_filters
from .search_bench import percentile


def one(index_dir: Path, q: str, filters: dict[str, str], repeats: int) -> dict[str, object]:
    """In the child process: open, then the first run and the warm runs of one query, in ms."""
    from search_index.query import SearchRequest, get_searcher, search

    get_searcher(index_dir)
    times, cpu = [], []
    for _ in range(repeats + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = search(index_dir, SearchRequest(q=q, filters=filters))
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {"first": times[0], "warm": times[1:], "first_cpu": cpu[0], "total": result["total"], "top": [h["id"] for h in result["hits"][:3]]}


def run(index_dir: Path, repeats: int = 5) -> list[str]:
    filters = common_filters(index_dir)
    lines = ["| class | first run p50 / slowest ms | first run CPU p50 / slowest ms | warm p50 / p95 ms | queries |",
             "|---|---|---|---|---|"]
    for cls, queries in QUERIES.items():
        first: list[float] = []
        first_cpu: list[float] = []
        warm: list[float] = []
        for q in queries:
            active = filters if cls == "filtered" else {}
            child = subprocess.run([sys.executable, "-m", "bench.query_latency", "--one", str(index_dir), q, json.dumps(active),
                                    str(repeats)], capture_output=True, text=True, check=True)
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            first.append(measured["first"])
            first_cpu.append(measured["first_cpu"])
            warm += measured["warm"]
            print(f"  {cls}: {q!r} first {measured['first']:.0f} ms, warm {statistics.median(measured['warm']):.0f} ms, "
                  f"{measured['total']} hits", file=sys.stderr, flush=True)
        lines.append(f"| {cls} | {statistics.median(first):.0f} / {max(first):.0f} | {statistics.median(first_cpu):.0f} / "
                     f"{max(first_cpu):.0f} | {statistics.median(warm):.0f} / "
                     f"{percentile(warm, 0.95):.0f} | {len(queries)} |")
    return lines


if __name__ == "__main__":
    if sys.argv[1] == "--one":
        print(json.dumps(one(Path(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5]))))
    else:
        print("\n".join(run(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 5)))
