"""Search relevance and latency: our Vietnamese index against plain Whoosh (StandardAnalyzer) on the same
documents and the same judged queries, measured in the same run. Prints a table; appends it to bench/RESULTS.md."""

from __future__ import annotations

import json
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from search_index.index import build, document_fields
from search_index.query import SearchRequest, search

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
JUDGED = json.loads((ROOT / "tests" / "judged_queries.json").read_text(encoding="utf-8"))


def slugs() -> dict[str, str]:
    lines = (ROOT / "sources" / "permalinks.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return {name[:3]: slug for name, slug in (line.split("\t") for line in lines)}


def score(run: dict[str, list[str]]) -> tuple[float, float]:
    by_prefix = slugs()
    rr, rec = [], []
    for case in JUDGED:
        got = run[case["q"]]
        wanted = [by_prefix[p] for p in case["relevant"]]
        first = next((i for i, s in enumerate(got) if s in wanted), None)
        rr.append(0 if first is None else 1 / (first + 1))
        rec.append(sum(1 for s in wanted if s in got) / len(wanted))
    return statistics.mean(rr), statistics.mean(rec)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run(repeats: int = 5) -> str:
    files = sorted((DOCS / "van-ban").glob("*.md"))
    if not files:
        raise SystemExit("no documents: run `make build` first")
    tmp = Path(tempfile.mkdtemp())
    try:
        ours_dir = tmp / "ours"
        t0 = time.perf_counter()
        build(DOCS, ours_dir, full=True)
        ours_index_s = time.perf_counter() - t0
        base_dir = tmp / "base"
        base_dir.mkdir()
        t0 = time.perf_counter()
        ix = whoosh_index.create_in(str(base_dir), Schema(id=ID(stored=True, unique=True), body=TEXT(stored=True)))
        with ix.writer() as w:
            for f in files:
                fields = document_fields(f, DOCS)
                w.add_document(id=fields["id"], body=fields["title"] + "\n" + fields["body"])
        base_index_s = time.perf_counter() - t0
        ours_run: dict[str, list[str]] = {}
        base_run: dict[str, list[str]] = {}
        ours_t: list[float] = []
        base_t: list[float] = []
        parser = QueryParser("body", ix.schema)
        with ix.searcher() as searcher:
            for _ in range(repeats):
                for case in JUDGED:
                    t0 = time.perf_counter()
                    hits = search(ours_dir, SearchRequest(q=case["q"], per_page=10))["hits"]
                    ours_t.append((time.perf_counter() - t0) * 1000)
                    ours_run[case["q"]] = [h["id"].split("/")[-1] for h in hits]
                    t0 = time.perf_counter()
                    results = searcher.search(parser.parse(case["q"]), limit=10)
                    base_run[case["q"]] = [r["id"].split("/")[-1] for r in results]
                    base_t.append((time.perf_counter() - t0) * 1000)
        ours_mrr, ours_rec = score(ours_run)
        base_mrr, base_rec = score(base_run)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    table = [
        f"### Search relevance and latency — {len(files)} documents, {len(JUDGED)} judged queries × {repeats}",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, {platform.system()}",
        "",
        "| index | MRR | recall@10 | p50 ms | p95 ms | index build s |",
        "|---|---|---|---|---|---|",
        f"| ours (exact + folded fields, abbreviations) | {ours_mrr:.3f} | {ours_rec:.3f} | {percentile(ours_t, .5):.1f} | {percentile(ours_t, .95):.1f} | {ours_index_s:.2f} |",
        f"| baseline: Whoosh StandardAnalyzer | {base_mrr:.3f} | {base_rec:.3f} | {percentile(base_t, .5):.1f} | {percentile(base_t, .95):.1f} | {base_index_s:.2f} |",
        "",
        "Our latency includes opening the index and computing facets and snippets for every query (the service path); "
        "the baseline is a bare searcher.search().",
    ]
    return "\n".join(table)
